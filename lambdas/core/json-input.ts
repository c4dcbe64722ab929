/** Decoding of raw bytes into JSON, and zod issues into one-line messages with a JSON path. Pure. */
import type { z } from 'zod';

import { MAX_DOCUMENT_BYTES } from '../constants';

export { MAX_DOCUMENT_BYTES };

export type Decoded =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Escapes control characters and line separators as `\uXXXX`, so a message quoting input stays on one line. */
export function oneLine(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** UTF-8 (strict) then JSON, refusing more than `maxBytes`. Never throws. */
export function decodeJson(bytes: Uint8Array, maxBytes: number = MAX_DOCUMENT_BYTES): Decoded {
  if (bytes.byteLength > maxBytes) {
    const limit = maxBytes === MAX_DOCUMENT_BYTES ? '5 MiB' : `${maxBytes} bytes`;
    return { ok: false, reason: `larger than ${limit} (${bytes.byteLength} bytes)` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, reason: 'not valid UTF-8' };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // The parser quotes the offending text, line breaks included.
    return { ok: false, reason: `not valid JSON (${oneLine(detail)})` };
  }
}

/** A field name that cannot be written bare in a one-line path: empty, or with spaces, controls, `.`, `[`, `]`, `"`. */
const NEEDS_QUOTES = /^$|[\s\p{C}.[\]"]/u;

/**
 * `rows[3].requiredRoles` from `['rows', 3, 'requiredRoles']`, prefixed with `base`. A field name that would
 * break the path or the line is written quoted: `rows[0]["bad name"]`.
 */
export function formatPath(segments: readonly PropertyKey[], base = ''): string {
  let out = base;
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (NEEDS_QUOTES.test(String(segment))) out += `[${JSON.stringify(String(segment))}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '$' : out;
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

export interface IssueMessage {
  readonly kind: 'unknown-field' | 'schema';
  readonly path: string;
  readonly message: string;
}

/**
 * One message per zod issue. Unrecognized keys become one `unknown-field` message per key; a missing
 * field says "is required" rather than "received undefined".
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  base = '',
): IssueMessage[] {
  const out: IssueMessage[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = formatPath([...issue.path, key], base);
        out.push({
          kind: 'unknown-field',
          path,
          message: `${path}: unknown field ${JSON.stringify(key)} is not part of the schema`,
        });
      }
      continue;
    }
    const path = formatPath(issue.path, base);
    const missing = issue.code === 'invalid_type' && valueAt(root, issue.path) === undefined;
    const detail = missing ? `required field is missing (expected ${issue.expected})` : issue.message;
    out.push({ kind: 'schema', path, message: `${path}: ${detail}` });
  }
  return out;
}
