/** Policy validation (docs/formats.md): every problem is a finding; nothing here throws on bad content. Pure. */
import type { RepeatedKeys } from './json-input';
import {
  decodeJson,
  describeIssues,
  duplicateKeyMessage,
  formatPath,
  omittedDuplicateKeysMessage,
} from './json-input';
import { sortFindings } from './order';
import { coverageFindings, rowRuleFindings } from './policy-rules';
import type { Finding, PolicyRow } from './schemas';
import { POLICY_SCHEMA_VERSION, PolicyRowSchema, RunbookCatalogSchema } from './schemas';

/** What the caller could read of a document. Structurally a subset of the ports' `ReadResult`. */
export type RawDocument =
  | { readonly kind: 'ok'; readonly object: { readonly bytes: Uint8Array } }
  | { readonly kind: 'missing' }
  | { readonly kind: 'too-large'; readonly size: number }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string };

export interface ValidatedPolicy {
  /** Rows that passed the schema, first occurrence of each id, in file order. These are evaluated. */
  readonly rows: readonly PolicyRow[];
  /** The pinned runbook versions, or null when the document has no catalog. */
  readonly catalog: Readonly<Record<string, string>> | null;
  readonly policyVersion: string | null;
  /** Number of row entries in the file (valid or not). */
  readonly rowCount: number;
  readonly findings: readonly Finding[];
}

const TOP_LEVEL_FIELDS = new Set(['schemaVersion', 'policyVersion', 'runbooks', 'rows']);

function unreadable(key: string, reason: string): ValidatedPolicy {
  return {
    rows: [],
    catalog: null,
    policyVersion: null,
    rowCount: 0,
    findings: [{ code: 'policy-unreadable', severity: 'error', message: `${key}: ${reason}` }],
  };
}

export function rawDocumentProblem(raw: RawDocument): string | null {
  switch (raw.kind) {
    case 'missing':
      return 'not found';
    case 'too-large':
      return `larger than 5 MiB (${raw.size} bytes)`;
    case 'refused':
    case 'error':
      return raw.message;
    case 'ok':
      return null;
  }
}

/** Validates the policy file at `key`. */
export function validatePolicy(key: string, raw: RawDocument): ValidatedPolicy {
  if (raw.kind !== 'ok') return unreadable(key, rawDocumentProblem(raw) ?? 'unreadable');
  const decoded = decodeJson(raw.object.bytes);
  if (!decoded.ok) return unreadable(key, decoded.reason);
  return validatePolicyValue(key, decoded.value, decoded);
}

const NO_REPEATED_KEYS: RepeatedKeys = { duplicateKeys: [], omittedDuplicateKeys: 0 };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The wrapper document's fields other than `rows`, and where its rows are. */
interface DocumentPart {
  readonly findings: readonly Finding[];
  readonly catalog: Record<string, string> | null;
  readonly policyVersion: string | null;
  readonly rawRows: readonly unknown[];
  readonly rowsBase: string;
}

/**
 * Validates an already-decoded policy document (wrapper object or bare array of rows). Its repeated keys are
 * errors; the document is still read as JSON.parse gives it (the last value of a repeated key).
 */
export function validatePolicyValue(
  key: string,
  document: unknown,
  repeated: RepeatedKeys = NO_REPEATED_KEYS,
): ValidatedPolicy {
  let part: DocumentPart;
  if (Array.isArray(document)) {
    part = { findings: [], catalog: null, policyVersion: null, rawRows: document, rowsBase: '' };
  } else if (isRecord(document)) {
    part = wrapperPart(key, document);
  } else {
    const got = document === null ? 'null' : typeof document;
    return {
      ...unreadable(key, 'expected a policy object or an array of rows'),
      findings: [
        {
          code: 'schema',
          severity: 'error',
          path: '$',
          message: `${key}: expected a policy object or an array of rows, got ${got}`,
        },
      ],
    };
  }
  const validated = validateRows(key, part.rawRows, part.rowsBase, part.catalog);
  return {
    rows: validated.rows,
    catalog: part.catalog,
    policyVersion: part.policyVersion,
    rowCount: part.rawRows.length,
    findings: sortFindings([
      ...part.findings,
      ...duplicateKeyFindings(key, repeated, part),
      ...validated.findings,
      ...coverageFindings(key, validated.rows),
    ]),
  };
}

/** One `duplicate-key` error per repeated key (with the row id inside a row), and one for those not listed. */
function duplicateKeyFindings(key: string, repeated: RepeatedKeys, part: DocumentPart): Finding[] {
  const findings: Finding[] = repeated.duplicateKeys.map((duplicate) => {
    const row = rowAt(duplicate.segments, part);
    const rowId = isRecord(row) && typeof row.id === 'string' ? row.id : undefined;
    return {
      code: 'duplicate-key',
      severity: 'error',
      ...(rowId === undefined ? {} : { rowId }),
      path: duplicate.path,
      message: `${key} ${duplicateKeyMessage(duplicate)}`,
    };
  });
  const omitted = omittedDuplicateKeysMessage(repeated);
  if (omitted !== null)
    findings.push({ code: 'duplicate-key', severity: 'error', message: `${key}: ${omitted}` });
  return findings;
}

/** The row entry a path inside a row (`rows[i].…`, `[i].…` in the bare form) points into, else undefined. */
function rowAt(segments: readonly (string | number)[], part: DocumentPart): unknown {
  const inRows = part.rowsBase === '' ? segments : segments[0] === part.rowsBase ? segments.slice(1) : [];
  const [index] = inRows;
  return typeof index === 'number' && inRows.length > 1 ? part.rawRows[index] : undefined;
}

function wrapperPart(key: string, document: Record<string, unknown>): DocumentPart {
  const findings: Finding[] = [...unknownTopLevelFields(key, document)];
  if (document.schemaVersion !== POLICY_SCHEMA_VERSION) {
    const got = document.schemaVersion === undefined ? 'missing' : JSON.stringify(document.schemaVersion);
    findings.push(
      schemaFinding('schemaVersion', `${key} schemaVersion: expected "${POLICY_SCHEMA_VERSION}", got ${got}`),
    );
  }
  let policyVersion: string | null = null;
  if (typeof document.policyVersion === 'string') policyVersion = document.policyVersion;
  else if (document.policyVersion !== undefined)
    findings.push(schemaFinding('policyVersion', `${key} policyVersion: expected a string`));
  const catalog = catalogOf(key, document.runbooks);
  findings.push(...catalog.findings);
  if (!Array.isArray(document.rows)) {
    const why = document.rows === undefined ? 'required field is missing' : 'expected an array of rows';
    findings.push(schemaFinding('rows', `${key} rows: ${why}`));
  }
  return {
    findings,
    catalog: catalog.catalog,
    policyVersion,
    rawRows: Array.isArray(document.rows) ? document.rows : [],
    rowsBase: 'rows',
  };
}

function schemaFinding(path: string, message: string): Finding {
  return { code: 'schema', severity: 'error', path, message };
}

function unknownTopLevelFields(key: string, document: Record<string, unknown>): Finding[] {
  return Object.keys(document)
    .sort()
    .filter((field) => !TOP_LEVEL_FIELDS.has(field))
    .map((field) => {
      const path = formatPath([field]);
      return {
        code: 'unknown-field',
        severity: 'warning',
        path,
        message: `${key} ${path}: unknown field ${JSON.stringify(field)} is not part of the schema`,
      };
    });
}

/** The pinned runbook versions. A broken catalog still pins what it can: entries with a string version. */
function catalogOf(
  key: string,
  runbooks: unknown,
): { catalog: Record<string, string> | null; findings: Finding[] } {
  if (runbooks === undefined) return { catalog: null, findings: [] };
  const parsed = RunbookCatalogSchema.safeParse(runbooks);
  if (parsed.success) {
    return {
      catalog: Object.fromEntries(Object.entries(parsed.data).map(([id, entry]) => [id, entry.version])),
      findings: [],
    };
  }
  const findings: Finding[] = describeIssues(parsed.error.issues, runbooks, 'runbooks').map((issue) => ({
    code: issue.kind,
    severity: issue.kind === 'schema' ? 'error' : 'warning',
    path: issue.path,
    message: `${key} ${issue.message}`,
  }));
  const catalog: Record<string, string> = {};
  if (isRecord(runbooks)) {
    for (const [id, entry] of Object.entries(runbooks)) {
      if (isRecord(entry) && typeof entry.version === 'string') catalog[id] = entry.version;
    }
  }
  return { catalog, findings };
}

/** Schema, duplicate ids and the policy rules of each row entry; the valid first occurrences are kept. */
function validateRows(
  key: string,
  rawRows: readonly unknown[],
  rowsBase: string,
  catalog: Readonly<Record<string, string>> | null,
): { rows: PolicyRow[]; findings: Finding[] } {
  const rows: PolicyRow[] = [];
  const findings: Finding[] = [];
  const firstIndex = new Map<string, number>();
  rawRows.forEach((rawRow, index) => {
    const base = `${rowsBase}[${index}]`;
    const rowId = isRecord(rawRow) && typeof rawRow.id === 'string' ? rawRow.id : undefined;
    const withRow = (finding: Omit<Finding, 'rowId'>): Finding =>
      rowId === undefined ? finding : { ...finding, rowId };
    const schema = rowSchemaFindings(key, rawRow, base);
    findings.push(...schema.findings.map(withRow));
    const first = rowId === undefined ? undefined : firstIndex.get(rowId);
    if (rowId !== undefined && first === undefined) firstIndex.set(rowId, index);
    if (rowId !== undefined && first !== undefined)
      findings.push(withRow(duplicateRowId(key, base, rowId, `${rowsBase}[${first}]`)));
    if (!isRecord(rawRow)) return;
    findings.push(...rowRuleFindings({ key, base, row: rawRow, catalog }).map(withRow));
    if (schema.valid && rowId !== undefined && first === undefined) {
      const parsed = PolicyRowSchema.strip().safeParse(rawRow);
      if (parsed.success) rows.push(parsed.data);
    }
  });
  return { rows, findings };
}

/** Schema findings of one row entry; a row whose only issues are unknown fields is still valid. */
function rowSchemaFindings(
  key: string,
  rawRow: unknown,
  base: string,
): { valid: boolean; findings: Omit<Finding, 'rowId'>[] } {
  const parsed = PolicyRowSchema.safeParse(rawRow);
  if (parsed.success) return { valid: true, findings: [] };
  const messages = describeIssues(parsed.error.issues, rawRow, base);
  return {
    valid: messages.every((m) => m.kind === 'unknown-field'),
    findings: messages.map((issue) => ({
      code: issue.kind,
      severity: issue.kind === 'schema' ? 'error' : 'warning',
      path: issue.path,
      message: `${key} ${issue.message}`,
    })),
  };
}

function duplicateRowId(key: string, base: string, rowId: string, firstPath: string): Omit<Finding, 'rowId'> {
  return {
    code: 'duplicate-row-id',
    severity: 'error',
    path: `${base}.id`,
    message: `${key} ${base}.id: row id ${JSON.stringify(rowId)} is already used by ${firstPath}`,
  };
}
