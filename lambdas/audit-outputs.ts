/**
 * The audit outputs of a run (docs/audit-outputs.md), around the core's rules: reads the earlier days of compliance history
 * from the output root (for the changes and the 90-day strips), renders the HTML report and the CSV, and writes the
 * day's history. Request cost per run, whatever the history's length: one LIST page per 1,000 days of history,
 * one GET per earlier day of the strip that has a file (at most 89; one more only when none of them is usable and
 * an older day is), and two PUTs (the day's rows and its consumed evidence).
 */
import { mapConcurrent } from './run-helpers';
import {
  CSV_REPORT_FILE,
  HISTORY_PREFIX,
  HISTORY_READ_CONCURRENCY,
  HISTORY_STRIP_DAYS,
  HTML_REPORT_FILE,
  MAX_HISTORY_BYTES,
} from './constants';
import { computeChanges, laterUsableDay } from './core/changes';
import type { HistoryDay, HistoryRow, Strips } from './core/history';
import {
  addHistoryDay,
  consumedEvidenceKey,
  consumedEvidenceRecords,
  historyDateOf,
  historyKey,
  historyRecords,
  parseHistoryDay,
  planHistoryReads,
  serializeJsonLines,
  todayStrips,
} from './core/history';
import type { ReportSet } from './core/reports';
import { reportDate } from './core/reports';
import type { Changes, Decision } from './core/schemas';
import type { ReportSink } from './ports';
import { renderCsv } from './render/csv';
import { renderHtml } from './render/html';
import type { OutputFile } from './write-reports';

export { HTML_REPORT_FILE, CSV_REPORT_FILE };

export interface AuditHistory {
  /** Against the most recent earlier day with history. */
  readonly changes: Changes;
  /** Each row's last `HISTORY_STRIP_DAYS` days, the run's own day last. */
  readonly strips: Strips;
  /** History objects read (GETs), for the run's cost. */
  readonly objectsRead: number;
}

/** Reads one earlier day; a file that is missing, too large or unreadable counts as no history that day. */
async function readDay(sink: ReportSink, date: string): Promise<HistoryDay | null> {
  const read = await sink.read(historyKey(date), MAX_HISTORY_BYTES);
  if (read.kind !== 'ok') return null;
  return parseHistoryDay(date, new TextDecoder().decode(read.object.bytes));
}

/**
 * The changes and the strips of a run at `now`, from the history under the output root. Throws
 * `StoreUnreachableError` only when the output root cannot be listed at all.
 */
export async function readAuditHistory(
  sink: ReportSink,
  now: number,
  rows: readonly HistoryRow[],
  decision: Decision,
): Promise<AuditHistory> {
  const listed = await sink.list(HISTORY_PREFIX);
  const dates = listed.map((o) => historyDateOf(o.key)).filter((d): d is string => d !== null);
  const plan = planHistoryReads(now, dates, HISTORY_STRIP_DAYS);
  const strips = todayStrips(now, HISTORY_STRIP_DAYS, rows);
  let previous: HistoryDay | null = null;
  await mapConcurrent(plan.stripDays, HISTORY_READ_CONCURRENCY, async (date) => {
    const day = await readDay(sink, date);
    if (day === null) return;
    addHistoryDay(strips, day);
    previous = laterUsableDay(previous, day);
  });
  let objectsRead = plan.stripDays.length;
  const older = plan.olderDays[0];
  if (previous === null && older !== undefined) {
    previous = laterUsableDay(null, await readDay(sink, older));
    objectsRead++;
  }
  return { changes: computeChanges(previous, rows, decision), strips, objectsRead };
}

/** The HTML report and the CSV, for `reports/<date>/` and `reports/latest/`. */
export function auditFiles(reports: ReportSet, strips: Strips): OutputFile[] {
  const rows = [...reports.incident.rows, ...reports.rollback.rows];
  return [
    {
      file: HTML_REPORT_FILE,
      body: renderHtml({ validation: reports.validation, rows, strips }),
      contentType: 'text/html; charset=utf-8',
    },
    { file: CSV_REPORT_FILE, body: renderCsv(rows), contentType: 'text/csv; charset=utf-8' },
  ];
}

/**
 * Writes the day's history (`history/date=<date>/rows.jsonl`) and consumed evidence, replacing an earlier run's
 * of the same day; a backfill writes its own day's files. Returns the keys written.
 */
export async function writeHistory(sink: ReportSink, now: number, reports: ReportSet): Promise<string[]> {
  const date = reportDate(now);
  const { promotion } = reports.validation;
  const rows = historyRecords(now, [...reports.incident.rows, ...reports.rollback.rows], promotion.decision);
  const files: [string, string][] = [
    [historyKey(date), serializeJsonLines(rows)],
    [consumedEvidenceKey(date), serializeJsonLines(consumedEvidenceRecords(now, promotion))],
  ];
  for (const [key, body] of files) await sink.put(key, body, 'application/x-ndjson');
  return files.map(([key]) => key);
}
