/** The go/no-go decision for the next cutover window (CONTRACT §4 "Promotion"). Pure. */
import type { Window } from './schedule';
import type { Blocker, ConsumedEvidence, Finding, Promotion, RowReport } from './schemas';
import { compare } from './order';
import { isoInstant } from './time';

const BLOCKING_STATUSES = new Set(['never-drilled', 'overdue', 'cutover-uncovered']);
const BLOCKING_ROW_CODES = new Set([...BLOCKING_STATUSES, 'remediation-missing', 'remediation-overdue']);

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
  const blockers = new Map<string, Blocker>();
  const add = (blocker: Blocker): void => {
    const id = `${blocker.rowId ?? ''}\u0000${blocker.code}`;
    if (!blockers.has(id)) blockers.set(id, blocker);
  };
  for (const finding of documentFindings) {
    if (finding.severity === 'error') {
      add({
        code: finding.code,
        ...(finding.rowId ? { rowId: finding.rowId } : {}),
        message: finding.message,
      });
    }
  }
  for (const row of rows) {
    for (const finding of row.findings) {
      const blocks =
        (row.blocking && BLOCKING_ROW_CODES.has(finding.code)) || finding.code === 'evidence-unreadable';
      if (blocks) add({ code: finding.code, rowId: row.rowId, message: finding.message });
    }
  }
  const consumedEvidence: ConsumedEvidence[] = rows
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
  const sorted = [...blockers.values()].sort(
    (a, b) =>
      compare(a.rowId ?? '', b.rowId ?? '') || compare(a.code, b.code) || compare(a.message, b.message),
  );
  return {
    decision: sorted.length === 0 ? 'go' : 'no-go',
    window: window
      ? {
          id: window.id,
          startsAt: isoInstant(window.startsAt),
          endsAt: isoInstant(window.endsAt),
        }
      : null,
    blockers: sorted,
    consumedEvidence,
  };
}
