/**
 * What changed since the most recent earlier day with history (docs/audit-outputs.md): the decision and each row whose
 * status differs. Never compared with an earlier run of the same day, so a rerun writes the same report. Pure.
 */
import type { HistoryDay } from './history';
import { compare } from './order';
import type { Changes, Decision, RowReport } from './schemas';

/** The more recent of two earlier days that has at least one valid record (what the changes compare with). */
export function laterUsableDay(a: HistoryDay | null, b: HistoryDay | null): HistoryDay | null {
  const usable = [a, b].filter((d): d is HistoryDay => d !== null && d.decision !== null);
  return usable.reduce<HistoryDay | null>(
    (best, d) => (best === null || d.date > best.date ? d : best),
    null,
  );
}

/** The changes of the run against `previous` (null: no earlier day has history). */
export function computeChanges(
  previous: HistoryDay | null,
  rows: readonly Pick<RowReport, 'rowId' | 'status'>[],
  decision: Decision,
): Changes {
  if (previous === null) return { since: null, decision: { from: null, to: decision }, rows: [] };
  const current = new Map(rows.map((r) => [r.rowId, r.status]));
  const ids = [...new Set([...current.keys(), ...previous.statuses.keys()])].sort(compare);
  const changed: Changes['rows'] = [];
  for (const rowId of ids) {
    const from = previous.statuses.get(rowId) ?? null;
    const to = current.get(rowId) ?? null;
    if (from !== to) changed.push({ rowId, from, to });
  }
  return { since: previous.date, decision: { from: previous.decision, to: decision }, rows: changed };
}
