/** The go/no-go decision for the next cutover window (docs/rules.md, "Promotion"). Pure. */
import { BLOCKING_STATUSES } from '../constants';
import type { Window } from './schedule';
import type { Blocker, ConsumedEvidence, Finding, Promotion, RowReport } from './schemas';
import { compare } from './order';
import { isoInstant } from './time';

/** Row findings that block promotion on a blocking row: the blocking statuses and the remediation problems. */
const BLOCKING_ROW_CODES: ReadonlySet<string> = new Set([
  ...BLOCKING_STATUSES,
  'remediation-missing',
  'remediation-overdue',
]);

/** One blocker per (code, row): the first finding of each. */
function blockersOf(documentFindings: readonly Finding[], rows: readonly RowReport[]): Blocker[] {
  const blockers = new Map<string, Blocker>();
  const add = (blocker: Blocker): void => {
    const id = `${blocker.rowId ?? ''}\u0000${blocker.code}`;
    if (!blockers.has(id)) blockers.set(id, blocker);
  };
  for (const finding of documentFindings) {
    if (finding.severity === 'error')
      add({
        code: finding.code,
        ...(finding.rowId ? { rowId: finding.rowId } : {}),
        message: finding.message,
      });
  }
  for (const row of rows) {
    for (const finding of row.findings) {
      const blocks =
        (row.blocking && BLOCKING_ROW_CODES.has(finding.code)) ||
        (finding.code === 'evidence-unreadable' && finding.severity === 'error');
      if (blocks) add({ code: finding.code, rowId: row.rowId, message: finding.message });
    }
  }
  return [...blockers.values()].sort(
    (a, b) =>
      compare(a.rowId ?? '', b.rowId ?? '') || compare(a.code, b.code) || compare(a.message, b.message),
  );
}

/** The latest successful drill of each blocking row: the exact evidence a `go` rests on. */
export function consumedEvidenceOf(rows: readonly RowReport[]): ConsumedEvidence[] {
  return rows
    .flatMap((row) => {
      const s = row.lastSuccess;
      if (!row.blocking || s === null) return [];
      return [
        {
          rowId: row.rowId,
          key: s.key,
          etag: s.etag,
          versionId: s.versionId,
          sha256: s.sha256,
          completedAt: s.completedAt,
          runbookVersion: s.runbookVersion,
        },
      ];
    })
    .sort((a, b) => compare(a.rowId, b.rowId));
}

/**
 * `no-go` when the policy or schedule has an error finding, a blocking row is never-drilled, overdue or
 * cutover-uncovered, a blocking row has a missing or overdue remediation, or any evidence could not be read
 * (a decision must never hide a read failure). One blocker per (code, row).
 */
export function decidePromotion(
  documentFindings: readonly Finding[],
  rows: readonly RowReport[],
  window: Window | null,
): Promotion {
  const blockers = blockersOf(documentFindings, rows);
  return {
    decision: blockers.length === 0 ? 'go' : 'no-go',
    window: window
      ? { id: window.id, startsAt: isoInstant(window.startsAt), endsAt: isoInstant(window.endsAt) }
      : null,
    blockers,
    waived: [],
    consumedEvidence: consumedEvidenceOf(rows),
  };
}
