/**
 * The self-contained HTML report `usr-readiness-report.html` (docs/audit-outputs.md): one page that loads nothing (its
 * Content-Security-Policy forbids every load; its style and script are inline and allowed by hash), readable with
 * JavaScript off and printable. Decision and window first, then blockers, waived blockers, policy findings, the
 * changes since the previous day, and every row with a 90-day strip. A pure function of the report data; every
 * user-provided string goes through `escapeHtml`.
 */
import { SHA256_SHOWN } from '../constants';
import type { Strips } from '../core/history';
import { findingCodes, waiverIds } from '../core/history';
import type { Blocker, Changes, Failure, Finding } from '../core/schemas';
import { escapeHtml as e } from './escape-html';
import { SCRIPT, SCRIPT_HASH, STYLE, STYLE_HASH } from './html-assets';
import { renderStrip, stripLegend } from './strip';
import type { RowView, ValidationView, WaivedBlockerView, WaiverView } from './views';

export interface HtmlReportInput {
  readonly validation: ValidationView;
  /** Every row of the run (both drill reports), in any order: the page sorts them by id. */
  readonly rows: readonly RowView[];
  readonly strips: Strips;
}

/** Worst first when a reader sorts by status. */
const STATUS_RANK: Readonly<Record<string, string>> = {
  'never-drilled': '0',
  overdue: '1',
  'cutover-uncovered': '2',
  'due-soon': '3',
  compliant: '4',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  `script-src '${SCRIPT_HASH}'`,
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The whole page. */
export function renderHtml(input: HtmlReportInput): string {
  const v = input.validation;
  const date = v.asOf.slice(0, 10);
  const title = `USR readiness ${date}: ${v.promotion.decision.toUpperCase()}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>USR operational readiness, ${e(date)}</h1>`,
    `<p class="meta">${meta(v)}</p>`,
    '</header>',
    '<main>',
    decisionSection(v),
    blockersSection('blockers', 'Blockers', v.promotion.blockers, false),
    waivedSection(v.promotion.waived),
    findingsSection(v.findings),
    changesSection(v.changes),
    rowsSection(input),
    '</main>',
    `<footer><p class="small">Evaluated by usr-readiness-monitor ${e(v.monitorVersion)} over ${e(v.store)}. Cadence ${v.parameters.cadenceDays} days, warning ${v.parameters.warnDays} days.</p></footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function meta(v: ValidationView): string {
  const source = v.policySource;
  const digest = source.sha256 ? ` (sha256 <code>${e(source.sha256.slice(0, SHA256_SHOWN))}</code>)` : '';
  const version = v.policyVersion ? ` version ${e(v.policyVersion)}` : '';
  return `As of <time datetime="${e(v.asOf)}">${e(v.asOf)}</time>. Policy ${e(source.key)}${version}${digest}.`;
}

function decisionSection(v: ValidationView): string {
  const p = v.promotion;
  const window = p.window
    ? `<p>Cutover window <strong>${e(p.window.id)}</strong>: from <time datetime="${e(p.window.startsAt)}">${e(p.window.startsAt)}</time> to <time datetime="${e(p.window.endsAt)}">${e(p.window.endsAt)}</time>.</p>`
    : '<p>No cutover window is scheduled.</p>';
  const waived = p.waived ? `, ${p.waived.length} waived` : '';
  return [
    `<section class="decision ${p.decision}" aria-labelledby="decision">`,
    `<h2 id="decision">Promotion decision: <span class="verdict">${p.decision.toUpperCase()}</span></h2>`,
    window,
    `<p>${p.blockers.length} blocker(s)${waived}. ${v.summary.rows} row(s), ${v.summary.blockingRows} blocking; policy: ${v.summary.errors} error(s), ${v.summary.warnings} warning(s).</p>`,
    '</section>',
  ].join('\n');
}

function blockersSection(
  id: string,
  heading: string,
  blockers: readonly (Blocker | WaivedBlockerView)[],
  waived: boolean,
): string {
  const head = `<section aria-labelledby="${id}"><h2 id="${id}">${heading}</h2>`;
  if (blockers.length === 0) return `${head}<p>None.</p></section>`;
  const extra = waived ? '<th scope="col">Waiver</th><th scope="col">Expires</th>' : '';
  const rows = blockers.map((b) => {
    const cells =
      'waiverId' in b
        ? `<td>${e(b.waiverId)}</td><td>${e(b.expiresAt)}</td>`
        : waived
          ? '<td></td><td></td>'
          : '';
    return `<tr><td><span class="b ${waived ? 's-waived' : 's-overdue'}">${e(b.code)}</span></td><td>${e(b.rowId ?? '(policy)')}</td>${cells}<td>${e(b.message)}</td></tr>`;
  });
  return [
    head,
    `<table><thead><tr><th scope="col">Problem</th><th scope="col">Row</th>${extra}<th scope="col">Detail</th></tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table></section>`,
  ].join('\n');
}

/** Waived blockers, always shown: "None." tells an auditor that nothing was waived. */
function waivedSection(waived: readonly WaivedBlockerView[]): string {
  return blockersSection('waived', 'Waived blockers', waived, true);
}

function findingsSection(findings: readonly Finding[]): string {
  if (findings.length === 0) return '';
  const items = findings.map(
    (f) =>
      `<li><span class="b ${f.severity === 'error' ? 's-overdue' : 's-due-soon'}">${e(f.severity)}</span> ${e(f.code)}${f.rowId ? ` [${e(f.rowId)}]` : ''}: ${e(f.message)}</li>`,
  );
  return `<section aria-labelledby="findings"><h2 id="findings">Policy and schedule findings</h2><ul>${items.join('\n')}</ul></section>`;
}

function changesSection(changes: Changes): string {
  const head = '<section aria-labelledby="changes"><h2 id="changes">';
  if (changes.since === null)
    return `${head}Changes</h2><p>No earlier day has history: nothing to compare with.</p></section>`;
  const items: string[] = [];
  if (changes.decision.from !== changes.decision.to)
    items.push(`<li>Decision: ${e(changes.decision.from ?? 'none')} → ${e(changes.decision.to)}</li>`);
  for (const r of changes.rows)
    items.push(`<li><strong>${e(r.rowId)}</strong>: ${e(r.from ?? 'new')} → ${e(r.to ?? 'removed')}</li>`);
  const body = items.length === 0 ? '<p>No change.</p>' : `<ul>${items.join('\n')}</ul>`;
  return `${head}Changes since ${e(changes.since)}</h2>${body}</section>`;
}

const ROW_HEADERS = [
  'Row',
  'Phase',
  'Severity',
  'Blocking',
  'Status',
  'Due',
  'Last success',
  'Remediation',
  'Waiver',
  'Findings',
  'Last 90 days',
];

function rowsSection(input: HtmlReportInput): string {
  const rows = [...input.rows].sort((a, b) => (a.rowId < b.rowId ? -1 : a.rowId > b.rowId ? 1 : 0));
  const { dates } = input.strips;
  return [
    '<section aria-labelledby="rows-h">',
    '<h2 id="rows-h">Rows</h2>',
    `<p class="small legend">Last ${dates.length} days, ${e(dates[0] ?? '')} to ${e(dates[dates.length - 1] ?? '')}: ${stripLegend()}</p>`,
    '<div id="tools" hidden><label>Filter rows <input type="search"></label> <output aria-live="polite"></output></div>',
    '<table id="rows">',
    `<caption>${rows.length} row(s), by row id</caption>`,
    `<thead><tr>${ROW_HEADERS.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    rows.map((row) => rowLine(row, input)).join('\n'),
    '</tbody></table></section>',
  ].join('\n');
}

function rowLine(row: RowView, input: HtmlReportInput): string {
  const strip = input.strips.byRow.get(row.rowId);
  return [
    `<tr><th scope="row">${e(row.rowId)}</th>`,
    `<td>${e(row.phase)}</td><td>${e(row.severityClass)}</td><td>${row.blocking ? 'yes' : 'no'}</td>`,
    `<td data-sort="${STATUS_RANK[row.status] ?? '9'}"><span class="b s-${row.status}">${e(row.status)}</span></td>`,
    `<td>${e(row.dueAt ?? '')}</td>`,
    `<td>${lastSuccess(row)}</td>`,
    `<td>${remediation(row.failures)}</td>`,
    `<td>${waiverCell(row, input.validation.waivers)}</td>`,
    `<td class="small">${e(findingCodes(row.findings).join(' '))}</td>`,
    `<td>${strip ? renderStrip(strip) : ''}</td></tr>`,
  ].join('');
}

function lastSuccess(row: RowView): string {
  const last = row.lastSuccess;
  if (!last) return 'none';
  return `<span title="${e(last.key)}">${e(last.completedAt)}</span><br><code>sha256 ${e(last.sha256.slice(0, SHA256_SHOWN))}</code>`;
}

/** The failures after the last success that need (or lack) a remediation. */
function remediation(failures: readonly Failure[]): string {
  const open = failures.filter((f) => f.remediation !== 'not-required');
  return open
    .map((f) => {
      const who = [f.owner, f.eta ? `by ${f.eta}` : null].filter((x) => x !== null).join(' ');
      return `<span class="b ${f.remediation === 'pending' ? 's-due-soon' : 's-overdue'}">${e(f.remediation)}</span>${who ? ` ${e(who)}` : ''}`;
    })
    .join('<br>');
}

function waiverCell(row: RowView, waivers: readonly WaiverView[] | undefined): string {
  return waiverIds(row.findings)
    .map((id) => {
      const expires = waivers?.find((w) => w.id === id)?.expiresAt;
      return `<span class="b s-waived">${e(id)}</span>${expires ? ` until ${e(expires)}` : ''}`;
    })
    .join('<br>');
}
