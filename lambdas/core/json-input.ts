/** Decoding of raw bytes into JSON, and zod issues into one-line messages with a JSON path. Pure. */
import type { z } from 'zod';

import { MAX_DOCUMENT_BYTES } from '../constants';

export { MAX_DOCUMENT_BYTES };

/** At most this many repeated keys of one document are listed; the others are only counted. */
export const DUPLICATE_KEYS_LISTED = 100;
/** A repeated key's path deeper than `2 × PATH_ENDS_KEPT` segments keeps its first and last `PATH_ENDS_KEPT`. */
export const PATH_ENDS_KEPT = 8;

/** A key that appears more than once in one object: JSON.parse keeps only its last value. */
export interface DuplicateKey {
  /** The key, unescaped. */
  readonly key: string;
  /** Path segments of the repeated member, e.g. `['rows', 3, 'blocking']` (a deep path keeps its two ends). */
  readonly segments: readonly (string | number)[];
  /** `rows[3].blocking`, as `formatPath` writes it; `…` marks the middle of a path too deep to list. */
  readonly path: string;
}

/** The repeated keys of a decoded document. */
export interface RepeatedKeys {
  /** In document order of their second occurrence, once per object and key. */
  readonly duplicateKeys: readonly DuplicateKey[];
  /** Repeated keys beyond the first `DUPLICATE_KEYS_LISTED`, counted but not listed. */
  readonly omittedDuplicateKeys: number;
}

export type Decoded =
  | ({ readonly ok: true; readonly value: unknown } & RepeatedKeys)
  | { readonly ok: false; readonly reason: string };

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
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    // The parser quotes the offending text, line breaks included.
    return { ok: false, reason: `not valid JSON (${oneLine(detail)})` };
  }
  const duplicates = scanDuplicateKeys(text);
  return { ok: true, value, duplicateKeys: duplicates.listed, omittedDuplicateKeys: duplicates.omitted };
}

/** `rows[3].blocking: duplicate key "blocking": only its last value is read`, on one line. */
export function duplicateKeyMessage(duplicate: DuplicateKey): string {
  return `${duplicate.path}: duplicate key ${oneLine(JSON.stringify(duplicate.key))}: only its last value is read`;
}

/** `2 more duplicate keys are not listed`, or null when every repeated key is listed. */
export function omittedDuplicateKeysMessage(repeated: RepeatedKeys): string | null {
  const count = repeated.omittedDuplicateKeys;
  if (count === 0) return null;
  return `${count} more duplicate key${count === 1 ? ' is' : 's are'} not listed`;
}

/**
 * One line naming the first `max` repeated keys (`outcome: duplicate key "outcome": …; and 2 more duplicate
 * keys`), for a document that a repeated key makes invalid as a whole; null when no key repeats.
 */
export function repeatedKeysReason(repeated: RepeatedKeys, max = 3): string | null {
  const total = repeated.duplicateKeys.length + repeated.omittedDuplicateKeys;
  if (total === 0) return null;
  const named = repeated.duplicateKeys.slice(0, max).map(duplicateKeyMessage);
  const more = total - named.length;
  return more > 0
    ? `${named.join('; ')}; and ${more} more duplicate key${more === 1 ? '' : 's'}`
    : named.join('; ');
}

/** The repeated keys of a text that JSON.parse accepts (listed ones only). */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  return scanDuplicateKeys(text).listed;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** One open container: an object's keys so far (value: reported already), or an array (null) and its index. */
interface Frame {
  readonly keys: Map<string, boolean> | null;
  index: number;
}

/**
 * One pass over text that JSON.parse has accepted, so only strings and the six structural characters need
 * reading. Iterative (an explicit stack, not recursion) and linear: each character is read once, and a
 * listed duplicate copies at most `2 × PATH_ENDS_KEPT` segments.
 */
function scanDuplicateKeys(text: string): { listed: DuplicateKey[]; omitted: number } {
  const listed: DuplicateKey[] = [];
  let omitted = 0;
  const frames: Frame[] = [];
  const segments: (string | number)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const keys = expectKey ? frames[frames.length - 1]?.keys : null;
      if (keys) {
        const key = unescapeKey(text, i, end);
        segments[segments.length - 1] = key;
        const reported = keys.get(key);
        if (reported === false && listed.length < DUPLICATE_KEYS_LISTED)
          listed.push(duplicateAt(key, segments));
        else if (reported === false) omitted++;
        keys.set(key, reported !== undefined);
      }
      expectKey = false;
      i = end;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const object = c === OPEN_BRACE;
      frames.push({ keys: object ? new Map() : null, index: 0 });
      segments.push(object ? '' : 0);
      expectKey = object;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      frames.pop();
      segments.pop();
      expectKey = false;
    } else if (c === COMMA) {
      const top = frames[frames.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) segments[segments.length - 1] = ++top.index;
    }
  }
  return { listed, omitted };
}

/** Index of the quote that closes the string opening at `start`: the next quote not escaped by a backslash. */
function stringEnd(text: string, start: number): number {
  let quote = start;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote === -1) return text.length;
    let before = quote - 1;
    while (text.charCodeAt(before) === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote;
  }
}

function unescapeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

function duplicateAt(key: string, segments: readonly (string | number)[]): DuplicateKey {
  if (segments.length <= 2 * PATH_ENDS_KEPT)
    return { key, segments: [...segments], path: formatPath(segments) };
  const head = segments.slice(0, PATH_ENDS_KEPT);
  const tail = segments.slice(-PATH_ENDS_KEPT);
  return { key, segments: [...head, ...tail], path: formatPath(tail, `${formatPath(head)}…`) };
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
    else if (NEEDS_QUOTES.test(String(segment))) out += `[${oneLine(JSON.stringify(String(segment)))}]`;
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
