/** The table output's line of changes since the previous day with history (docs/audit-outputs.md). */
import type { Changes } from '../core/schemas';

/** `changes since 2026-11-24: inc-sev1-paging overdue → compliant, …`; `new` / `removed` for rows that came or went. */
export function formatChanges(changes: Changes): string {
  if (changes.since === null) return 'changes: none recorded (no earlier day has history)';
  const parts: string[] = [];
  const { from, to } = changes.decision;
  if (from !== to) parts.push(`decision ${from ?? 'none'} → ${to}`);
  for (const row of changes.rows) parts.push(`${row.rowId} ${row.from ?? 'new'} → ${row.to ?? 'removed'}`);
  return `changes since ${changes.since}: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}
