/** Policy validation (CONTRACT §2): every problem is a finding; nothing here throws on bad content. */
import { decodeJson, describeIssues, formatPath } from './json-input';
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

const CUTOVER_PHASES = new Set(['pre-cutover', 'cutover', 'post-cutover']);
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
  return validatePolicyValue(key, decoded.value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates an already-decoded policy document (wrapper object or bare array of rows). */
export function validatePolicyValue(key: string, document: unknown): ValidatedPolicy {
  const findings: Finding[] = [];
  let rawRows: unknown[] = [];
  let rowsBase = '';
  let catalog: Record<string, string> | null = null;
  let policyVersion: string | null = null;

  if (Array.isArray(document)) {
    rawRows = document;
  } else if (isRecord(document)) {
    rowsBase = 'rows';
    for (const field of Object.keys(document).sort()) {
      if (!TOP_LEVEL_FIELDS.has(field)) {
        const path = formatPath([field]);
        findings.push({
          code: 'unknown-field',
          severity: 'warning',
          path,
          message: `${key} ${path}: unknown field ${JSON.stringify(field)} is not part of the schema`,
        });
      }
    }
    if (document.schemaVersion !== POLICY_SCHEMA_VERSION) {
      const got = document.schemaVersion === undefined ? 'missing' : JSON.stringify(document.schemaVersion);
      findings.push({
        code: 'schema',
        severity: 'error',
        path: 'schemaVersion',
        message: `${key} schemaVersion: expected "${POLICY_SCHEMA_VERSION}", got ${got}`,
      });
    }
    if (document.policyVersion !== undefined) {
      if (typeof document.policyVersion === 'string') policyVersion = document.policyVersion;
      else
        findings.push({
          code: 'schema',
          severity: 'error',
          path: 'policyVersion',
          message: `${key} policyVersion: expected a string`,
        });
    }
    if (document.runbooks !== undefined) {
      const parsed = RunbookCatalogSchema.safeParse(document.runbooks);
      if (parsed.success) {
        catalog = Object.fromEntries(Object.entries(parsed.data).map(([id, entry]) => [id, entry.version]));
      } else {
        for (const issue of describeIssues(parsed.error.issues, document.runbooks, 'runbooks')) {
          findings.push({
            code: issue.kind,
            severity: issue.kind === 'schema' ? 'error' : 'warning',
            path: issue.path,
            message: `${key} ${issue.message}`,
          });
        }
        // A broken catalog still pins what it can: entries with a string version.
        catalog = {};
        if (isRecord(document.runbooks)) {
          for (const [id, entry] of Object.entries(document.runbooks)) {
            if (isRecord(entry) && typeof entry.version === 'string') catalog[id] = entry.version;
          }
        }
      }
    }
    if (Array.isArray(document.rows)) {
      rawRows = document.rows;
    } else {
      findings.push({
        code: 'schema',
        severity: 'error',
        path: 'rows',
        message: `${key} rows: ${document.rows === undefined ? 'required field is missing' : 'expected an array of rows'}`,
      });
    }
  } else {
    return {
      ...unreadable(key, 'expected a policy object or an array of rows'),
      findings: [
        {
          code: 'schema',
          severity: 'error',
          path: '$',
          message: `${key}: expected a policy object or an array of rows, got ${document === null ? 'null' : typeof document}`,
        },
      ],
    };
  }

  const rows: PolicyRow[] = [];
  const seen = new Map<string, number>();
  rawRows.forEach((rawRow, index) => {
    const base = `${rowsBase}[${index}]`;
    const rowId = isRecord(rawRow) && typeof rawRow.id === 'string' ? rawRow.id : undefined;
    const withRow = (finding: Omit<Finding, 'rowId'>): Finding =>
      rowId === undefined ? finding : { ...finding, rowId };

    const parsed = PolicyRowSchema.safeParse(rawRow);
    let structurallyValid = parsed.success;
    if (!parsed.success) {
      const messages = describeIssues(parsed.error.issues, rawRow, base);
      structurallyValid = messages.every((m) => m.kind === 'unknown-field');
      for (const issue of messages) {
        findings.push(
          withRow({
            code: issue.kind,
            severity: issue.kind === 'schema' ? 'error' : 'warning',
            path: issue.path,
            message: `${key} ${issue.message}`,
          }),
        );
      }
    }

    if (rowId !== undefined) {
      const first = seen.get(rowId);
      if (first !== undefined) {
        findings.push(
          withRow({
            code: 'duplicate-row-id',
            severity: 'error',
            path: `${base}.id`,
            message: `${key} ${base}.id: row id ${JSON.stringify(rowId)} is already used by ${rowsBase}[${first}]`,
          }),
        );
      } else {
        seen.set(rowId, index);
      }
    }

    if (!isRecord(rawRow)) return;
    const blocking = rawRow.blocking === true;
    if (blocking && Array.isArray(rawRow.requiredRoles) && rawRow.requiredRoles.length === 0) {
      findings.push(
        withRow({
          code: 'blocking-roles-empty',
          severity: 'error',
          path: `${base}.requiredRoles`,
          message: `${key} ${base}.requiredRoles: a blocking row must name at least one required role`,
        }),
      );
    }
    if (
      rawRow.phase === 'incident' &&
      Array.isArray(rawRow.communicationChannels) &&
      rawRow.communicationChannels.length === 0
    ) {
      findings.push(
        withRow({
          code: 'incident-channels-empty',
          severity: 'error',
          path: `${base}.communicationChannels`,
          message: `${key} ${base}.communicationChannels: an incident row must name at least one communication channel`,
        }),
      );
    }
    for (const field of ['maxResponseMinutes', 'maxRecoveryMinutes'] as const) {
      const value = rawRow[field];
      if (typeof value === 'number' && !(Number.isInteger(value) && value > 0)) {
        findings.push(
          withRow({
            code: 'slo-budget-invalid',
            severity: 'error',
            path: `${base}.${field}`,
            message: `${key} ${base}.${field}: must be a positive integer number of minutes, got ${value}`,
          }),
        );
      }
    }
    if (
      catalog !== null &&
      typeof rawRow.runbookId === 'string' &&
      !Object.hasOwn(catalog, rawRow.runbookId)
    ) {
      findings.push(
        withRow({
          code: 'runbook-unpinned',
          severity: blocking ? 'error' : 'warning',
          path: `${base}.runbookId`,
          message: `${key} ${base}.runbookId: runbook ${JSON.stringify(rawRow.runbookId)} has no pinned version in the runbooks catalog`,
        }),
      );
    }

    if (structurallyValid && rowId !== undefined && seen.get(rowId) === index) {
      const strict = PolicyRowSchema.strip().safeParse(rawRow);
      if (strict.success) rows.push(strict.data);
    }
  });

  const blockingRows = rows.filter((row) => row.blocking);
  if (!blockingRows.some((row) => row.phase === 'incident')) {
    findings.push({
      code: 'coverage-missing',
      severity: 'error',
      message: `${key}: no valid blocking row with phase "incident"`,
    });
  }
  if (!blockingRows.some((row) => CUTOVER_PHASES.has(row.phase))) {
    findings.push({
      code: 'coverage-missing',
      severity: 'error',
      message: `${key}: no valid blocking row in a cutover phase (pre-cutover, cutover, post-cutover)`,
    });
  }

  return { rows, catalog, policyVersion, rowCount: rawRows.length, findings: sortFindings(findings) };
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** Deterministic order: by row id (document-level first), then path, then code, then message. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.rowId ?? '', b.rowId ?? '') ||
      compare(a.path ?? '', b.path ?? '') ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      compare(a.code, b.code) ||
      compare(a.message, b.message),
  );
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
