/** Human output of the CLI: one line per row, then the decision. */
import { WAIVER_STATES } from '../constants';
import { oneLine } from '../core/json-input';
import type { RunResult } from '../monitor';
import type { Finding, RowReport, ValidationReport } from '../core/schemas';
import { formatChanges } from './format-changes';

/** Waiver id → its expiry, from the validation report. */
type Expiries = ReadonlyMap<string, string>;

/** ` (waived W-2026-014 until 2026-12-04)` when an active waiver covers `code` on the row, else ''. */
function waivedMark(row: RowReport, code: string, expiries: Expiries): string {
  const id = row.findings.find((f) => f.code === code && f.waivedBy !== undefined)?.waivedBy;
  if (id === undefined) return '';
  return ` (waived ${id} until ${expiries.get(id)?.slice(0, 10) ?? '?'})`;
}

function waiverLines(v: ValidationReport): string[] {
  const lines = v.promotion.waived.map(
    (w) => `  waived ${w.code}${w.rowId ? ` ${w.rowId}` : ''}: by ${w.waiverId} until ${w.expiresAt}`,
  );
  if (v.waivers.length === 0) return lines;
  const counts = WAIVER_STATES.flatMap((state) => {
    const n = v.waivers.filter((w) => w.state === state).length;
    return n > 0 ? [`${n} ${state}`] : [];
  });
  lines.push(`waivers: ${counts.join(', ')}`);
  for (const w of v.waivers) {
    const what = `${w.id ?? '(no id)'} ${w.rowId ?? '(no row)'}: ${w.codes.join(',') || '(no codes)'}`;
    lines.push(
      `  ${w.state} ${oneLine(what)} ${w.state === 'expired' ? 'ended' : 'until'} ${oneLine(w.expiresAt ?? '?')}`,
    );
  }
  return lines;
}

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
  const v = result.reports.validation;
  const expiries: Expiries = new Map(
    v.waivers.flatMap((w) => (w.id && w.expiresAt ? [[w.id, w.expiresAt]] : [])),
  );
  const statuses = rows.map((row) => `${row.status}${waivedMark(row, row.status, expiries)}`);
  const statusWidth = Math.max(18, ...statuses.map((s) => s.length + 1));
  const idWidth = Math.max(6, ...rows.map((r) => r.rowId.length));
  const lines: string[] = [];
  lines.push(
    `${pad('STATUS', statusWidth)}${pad('BLOCKING', 9)}${pad('ROW', idWidth + 2)}${pad('PHASE', 13)}NOTE`,
  );
  rows.forEach((row, index) => {
    const extra: string[] = [];
    const remediation = row.findings.filter((f) => f.code.startsWith('remediation-')).map((f) => f.code);
    if (remediation.length > 0)
      extra.push([...new Set(remediation)].map((code) => code + waivedMark(row, code, expiries)).join(','));
    const warnings = row.findings.filter((f) => f.code.startsWith('evidence-')).length;
    if (warnings > 0) extra.push(`${warnings} evidence finding(s)`);
    lines.push(
      `${pad(statuses[index] ?? row.status, statusWidth)}${pad(row.blocking ? 'yes' : 'no', 9)}${pad(row.rowId, idWidth + 2)}${pad(row.phase, 13)}${[note(row), ...extra].filter(Boolean).join('; ')}`,
    );
  });
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
  lines.push(...waiverLines(v));
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
