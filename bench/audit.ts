/**
 * The `audit` case (`npm run bench -- --only audit`): the audit outputs of a run with `AUDIT_ROWS` rows, without
 * any store: the time to render the HTML report and the CSV, to build and serialize the day's history, and to read
 * back 89 earlier days of history into the 90-day strips (what `readAuditHistory` does after its GETs). Each figure
 * is the median of `RUNS` runs after one warm-up, in this process.
 *
 * Rows follow the synthetic profile mix (`synthetic.ts`, i mod 50); their ids are about 30 characters long. Their
 * history is compliant except: due-soon rows for their last 5 days, overdue rows due-soon then overdue for their
 * last 20 days, and one row in 50 whose status flips every day (a strip of 90 runs, the HTML's worst case).
 *
 * Prints one JSON line: `{"case":"audit","rows":10000,"htmlMs":…,"htmlBytes":…,"csvMs":…,"historyMs":…, …}`.
 */
import type { Status } from '../lambdas/constants';
import { HISTORY_STRIP_DAYS } from '../lambdas/constants';
import { computeChanges } from '../lambdas/core/changes';
import type { HistoryDay } from '../lambdas/core/history';
import {
  addHistoryDay,
  historyRecords,
  parseHistoryDay,
  serializeJsonLines,
  stripDates,
  todayStrips,
} from '../lambdas/core/history';
import type { RowReport, ValidationReport } from '../lambdas/core/schemas';
import { renderCsv } from '../lambdas/render/csv';
import { renderHtml } from '../lambdas/render/html';
import { BENCH_NOW, profileOf } from './synthetic';

export const AUDIT_ROWS = 10_000;
const RUNS = 5;
const NOW_MS = Date.parse(BENCH_NOW);
const DAY_MS = 86_400_000;
const PHASES = ['incident', 'pre-cutover', 'cutover', 'post-cutover'] as const;

export interface AuditLine {
  readonly case: 'audit';
  readonly rows: number;
  readonly htmlMs: number;
  readonly htmlBytes: number;
  readonly htmlBytesPerRow: number;
  readonly csvMs: number;
  readonly csvBytes: number;
  /** Building and serializing the day's `rows.jsonl`. */
  readonly historyMs: number;
  readonly historyBytes: number;
  /** Parsing 89 earlier days (`historyBytes` each) into the strips and the changes. */
  readonly stripMs: number;
  /** S3 requests of the audit outputs per run: LIST pages, GETs of earlier days, PUTs (reports/ and history/). */
  readonly requests: { readonly List: number; readonly Get: number; readonly Put: number };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

function statusOf(index: number): Status {
  const profile = profileOf(index);
  return profile === 'pending-failure' ? 'compliant' : profile;
}

function rowReport(index: number): RowReport {
  const phase = PHASES[index % PHASES.length] ?? 'incident';
  const rowId = `${phase}-service-${String(index).padStart(5, '0')}-drill`;
  const status = statusOf(index);
  const completed = NOW_MS - (status === 'overdue' ? 40 : status === 'due-soon' ? 25 : 3) * DAY_MS;
  const key = `drills/${rowId}/${iso(completed).replace(/[-:]/g, '')}-${rowId}.json`;
  const pending = profileOf(index) === 'pending-failure';
  return {
    rowId,
    phase,
    runbookId: `rb-${rowId}`,
    blocking: index % 3 !== 0,
    severityClass: (['sev1', 'sev2', 'sev3'] as const)[index % 3] ?? 'sev1',
    status,
    dueAt: iso(completed + 30 * DAY_MS),
    lastSuccess: {
      key,
      drillId: `d-${index}`,
      completedAt: iso(completed),
      runbookVersion: '3.2.0',
      etag: null,
      versionId: null,
      sha256: (index * 2654435761).toString(16).padStart(64, '0').slice(-64),
      rerunOf: null,
    },
    failures: pending
      ? [
          {
            key: `${key}.failed`,
            drillId: `f-${index}`,
            completedAt: iso(completed + DAY_MS),
            outcome: 'fail',
            reasons: ['responseMinutes over budget'],
            remediation: 'pending',
            owner: 'oncall-lead',
            eta: '2026-12-01',
          },
        ]
      : [],
    findings:
      status === 'compliant' ? [] : [{ code: status, severity: 'error', message: `${rowId}: ${status}` }],
    evidenceRead: 1,
  };
}

/** A row's status `daysAgo` days before the run, per the profile above. */
function pastStatus(index: number, daysAgo: number): Status {
  if (index % 50 === 17) return daysAgo % 2 === 0 ? 'compliant' : 'due-soon';
  const status = statusOf(index);
  if (status === 'due-soon') return daysAgo <= 5 ? 'due-soon' : 'compliant';
  if (status === 'overdue') return daysAgo <= 10 ? 'overdue' : daysAgo <= 20 ? 'due-soon' : 'compliant';
  return 'compliant';
}

function validation(rows: readonly RowReport[]): ValidationReport {
  return {
    schemaVersion: 'usr-operational-readiness-validation/v1',
    generatedAt: BENCH_NOW,
    asOf: BENCH_NOW,
    monitorVersion: 'bench',
    parameters: { cadenceDays: 30, warnDays: 7 },
    store: 's3://bench',
    policySource: { key: 'policy/p.json', etag: null, versionId: null, lastModified: null, sha256: null },
    policyVersion: null,
    findings: [],
    summary: {
      rows: rows.length,
      blockingRows: rows.filter((r) => r.blocking).length,
      errors: 0,
      warnings: 0,
      waived: 0,
    },
    promotion: {
      decision: 'no-go',
      window: null,
      waived: [],
      blockers: rows
        .filter((r) => r.blocking && r.status === 'overdue')
        .map((r) => ({ code: 'overdue', rowId: r.rowId, message: `${r.rowId}: overdue` })),
      consumedEvidence: [],
    },
    alerts: null,
    waivers: [],
    waiversSource: null,
    changes: { since: null, decision: { from: null, to: 'no-go' }, rows: [] },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Median wall time of `fn` over `RUNS` runs after a warm-up, and its last result. */
function timed<T>(fn: () => T): { ms: number; result: T } {
  let result = fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    result = fn();
    times.push(performance.now() - started);
  }
  return { ms: Number(median(times).toFixed(1)), result };
}

/** The 89 earlier days' `rows.jsonl` texts, oldest first. */
function earlierDays(rows: readonly RowReport[]): { date: string; text: string }[] {
  const dates = stripDates(NOW_MS, HISTORY_STRIP_DAYS).slice(0, -1);
  return dates.map((date, i) => {
    const daysAgo = dates.length - i;
    const past = rows.map((r, index) => ({ ...r, status: pastStatus(index, daysAgo), findings: [] }));
    return { date, text: serializeJsonLines(historyRecords(NOW_MS - daysAgo * DAY_MS, past, 'go')) };
  });
}

export function runAuditBench(rowCount = AUDIT_ROWS): AuditLine {
  const rows = Array.from({ length: rowCount }, (_, i) => rowReport(i));
  const report = validation(rows);
  const days = earlierDays(rows);
  const strip = timed(() => {
    const strips = todayStrips(NOW_MS, HISTORY_STRIP_DAYS, rows);
    let previous: HistoryDay | null = null;
    for (const day of days) {
      previous = parseHistoryDay(day.date, day.text);
      addHistoryDay(strips, previous);
    }
    return { strips, changes: computeChanges(previous, rows, 'no-go') };
  });
  const input = {
    validation: { ...report, changes: strip.result.changes },
    rows,
    strips: strip.result.strips,
  };
  const html = timed(() => renderHtml(input));
  const csv = timed(() => renderCsv(rows));
  const history = timed(() => serializeJsonLines(historyRecords(NOW_MS, rows, 'no-go')));
  const htmlBytes = Buffer.byteLength(html.result);
  return {
    case: 'audit',
    rows: rowCount,
    htmlMs: html.ms,
    htmlBytes,
    htmlBytesPerRow: Math.round(htmlBytes / rowCount),
    csvMs: csv.ms,
    csvBytes: Buffer.byteLength(csv.result),
    historyMs: history.ms,
    historyBytes: Buffer.byteLength(history.result),
    stripMs: strip.ms,
    // One LIST page (fewer than 1,000 days), one GET per earlier day of the strip, and four PUTs to reports/
    // (HTML and CSV, day and latest) and two to history/ (the rows and the consumed evidence).
    requests: { List: 1, Get: HISTORY_STRIP_DAYS - 1, Put: 6 },
  };
}

/** The targets for people: under 1 s for each output of 10,000 rows, HTML under 2 KB per row. */
export function auditNotes(line: AuditLine): string[] {
  const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  return [
    `audit targets: HTML ${line.htmlMs} ms, CSV ${line.csvMs} ms, history ${line.historyMs} ms (each under 1,000 ms: ${mark(Math.max(line.htmlMs, line.csvMs, line.historyMs) < 1000)}); HTML ${line.htmlBytesPerRow} bytes per row (under 2,048: ${mark(line.htmlBytesPerRow < 2048)})`,
    `audit read-back: ${HISTORY_STRIP_DAYS - 1} earlier days of ${line.rows} rows parsed into the strips in ${line.stripMs} ms (${line.historyBytes} bytes per day, JSON.parse of every line dominates); requests per run ${JSON.stringify(line.requests)}`,
  ];
}
