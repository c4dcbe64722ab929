/** Deterministic ordering shared by every report: plain code-unit comparison, findings by row, path, severity, code. Pure. */
import type { Finding } from './schemas';

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_ORDER = { error: 0, warning: 1 } as const;

/** Deterministic order: by row id (document-level first), then path, then severity, code and message. */
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
