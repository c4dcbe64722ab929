/** Human output of the CLI: one line per row, then the decision. */
import type { RunResult } from '../monitor';
import type { Finding, RowReport } from '../core/schemas';
import { formatChanges } from './format-changes';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function note(row: RowReport): string {
  const first =
    row.findings.find((f) => f.code === row.status) ?? row.findings.find((f) => f.severity === 'error');
  if (row.status === 'compliant' && row.dueAt) return `next due ${row.dueAt.slice(0, 10)}`;
  if (row.status === 'due-soon' && row.dueAt) return `due ${row.dueAt.slice(0, 10)}`;
  if (row.status === 'overdue' && row.dueAt) return `was due ${row.dueAt.slice(0, 10)}`;
  if (row.status === 'cutover-uncovered' && first?.windowId)
    return `window ${first.windowId} starts ${first.deadline ?? '?'}`;
  return row.status === 'never-drilled' ? 'no successful drill on record' : '';
}

export function formatTable(result: RunResult): string {
  const rows = [...result.reports.incident.rows, ...result.reports.rollback.rows].sort((a, b) =>
    a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0,
  );
  const idWidth = Math.max(6, ...rows.map((r) => r.rowId.length));
  const lines: string[] = [];
  lines.push(`${pad('STATUS', 18)}${pad('BLOCKING', 9)}${pad('ROW', idWidth + 2)}${pad('PHASE', 13)}NOTE`);
  for (const row of rows) {
    const extra: string[] = [];
    const remediation = row.findings.filter((f) => f.code.startsWith('remediation-')).map((f) => f.code);
    if (remediation.length > 0) extra.push([...new Set(remediation)].join(','));
    const warnings = row.findings.filter((f) => f.code.startsWith('evidence-')).length;
    if (warnings > 0) extra.push(`${warnings} evidence finding(s)`);
    lines.push(
      `${pad(row.status, 18)}${pad(row.blocking ? 'yes' : 'no', 9)}${pad(row.rowId, idWidth + 2)}${pad(row.phase, 13)}${[note(row), ...extra].filter(Boolean).join('; ')}`,
    );
  }
  const v = result.reports.validation;
  lines.push('');
  lines.push(
    `policy: ${v.summary.rows} row(s), ${v.summary.blockingRows} blocking, ${v.summary.errors} error(s), ${v.summary.warnings} warning(s)`,
  );
  for (const finding of v.findings) lines.push(`  ${finding.severity} ${finding.code}: ${finding.message}`);
  const p = v.promotion;
  lines.push(
    `promotion: ${p.decision.toUpperCase()}${p.window ? ` for window ${p.window.id} (starts ${p.window.startsAt})` : ' (no cutover window scheduled)'}`,
  );
  for (const blocker of p.blockers)
    lines.push(`  blocker ${blocker.code}${blocker.rowId ? ` ${blocker.rowId}` : ''}: ${blocker.message}`);
  lines.push(formatChanges(v.changes));
  if (v.alerts) {
    lines.push(
      `alerts: ${result.summary.alertsPublished} published to ${v.alerts.sink}${v.alerts.undelivered.length ? `, ${v.alerts.undelivered.length} undelivered` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function formatFindings(file: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return `${file}: ok, no findings\n`;
  return (
    findings.map((f) => `${f.severity} ${f.code}${f.rowId ? ` [${f.rowId}]` : ''}: ${f.message}`).join('\n') +
    '\n'
  );
}
