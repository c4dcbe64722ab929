/**
 * Compliance history (docs/audit-outputs.md): one JSON line per row per day under `history/date=<YYYY-MM-DD>/rows.jsonl`,
 * the promotion's consumed evidence per day beside it, and the per-row status strips of the HTML report built
 * from earlier days. Pure: the caller lists and reads the files.
 */
import * as z from 'zod';
import type { FindingCode, Status } from '../constants';
import {
  CONSUMED_EVIDENCE_FILE,
  CONSUMED_EVIDENCE_PREFIX,
  HISTORY_FILE,
  HISTORY_PREFIX,
  STATUSES,
} from '../constants';
import { compare } from './order';
import { reportDate } from './reports';
import type { ConsumedEvidenceRecord, Decision, HistoryRecord, Promotion, RowReport } from './schemas';
import { DecisionSchema, StatusSchema } from './schemas';
import { isoInstant } from './time';

const DAY_MS = 86_400_000;

/** A row's finding as far as history reads it: `waivedBy` is set by an active waiver (docs/waivers.md) when there is one. */
export interface HistoryRowFinding {
  readonly code: FindingCode;
  readonly waivedBy?: string;
}

/** What history reads of a row report. */
export type HistoryRow = Pick<RowReport, 'rowId' | 'phase' | 'blocking' | 'status' | 'dueAt'> & {
  readonly findings: readonly HistoryRowFinding[];
};

/** `history/date=<date>/rows.jsonl`. */
export function historyKey(date: string): string {
  return `${HISTORY_PREFIX}${date}/${HISTORY_FILE}`;
}

/** `history/consumed-evidence/date=<date>/consumed-evidence.jsonl`. */
export function consumedEvidenceKey(date: string): string {
  return `${CONSUMED_EVIDENCE_PREFIX}${date}/${CONSUMED_EVIDENCE_FILE}`;
}

const HISTORY_KEY = /^history\/date=(\d{4}-\d{2}-\d{2})\/rows\.jsonl$/;

/** The day of a history key, or null for any other key (a stray file, a malformed date). */
export function historyDateOf(key: string): string | null {
  const date = HISTORY_KEY.exec(key)?.[1];
  return date !== undefined && z.iso.date().safeParse(date).success ? date : null;
}

/** The codes of a row's findings, each once, in the report's order. */
export function findingCodes(findings: readonly HistoryRowFinding[]): FindingCode[] {
  return [...new Set(findings.map((f) => f.code))];
}

/** The waiver ids covering a row's findings, each once, sorted. */
export function waiverIds(findings: readonly HistoryRowFinding[]): string[] {
  const ids = findings.map((f) => f.waivedBy).filter((id): id is string => typeof id === 'string');
  return [...new Set(ids)].sort(compare);
}

/** The day's records, one per row, sorted by row id. */
export function historyRecords(
  now: number,
  rows: readonly HistoryRow[],
  decision: Decision,
): HistoryRecord[] {
  const date = reportDate(now);
  const asOf = isoInstant(now);
  return [...rows]
    .sort((a, b) => compare(a.rowId, b.rowId))
    .map((row) => ({
      date,
      asOf,
      rowId: row.rowId,
      phase: row.phase,
      blocking: row.blocking,
      status: row.status,
      dueAt: row.dueAt,
      findings: findingCodes(row.findings),
      waived: waiverIds(row.findings).length > 0,
      decision,
    }));
}

/** The day's consumed evidence, one line per blocking row with a last success, sorted by row id. */
export function consumedEvidenceRecords(now: number, promotion: Promotion): ConsumedEvidenceRecord[] {
  const date = reportDate(now);
  const asOf = isoInstant(now);
  return [...promotion.consumedEvidence]
    .sort((a, b) => compare(a.rowId, b.rowId) || compare(a.key, b.key))
    .map((e) => ({
      date,
      asOf,
      decision: promotion.decision,
      windowId: promotion.window?.id ?? null,
      ...e,
    }));
}

/** JSON Lines: one compact JSON object per line, each line ending in `\n` (nothing at all for no records). */
export function serializeJsonLines(records: readonly unknown[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** What a strip or the changes need of an earlier day's record; other fields are not checked. */
const DayRecordSchema = z.object({ rowId: z.string(), status: StatusSchema, decision: DecisionSchema });

/** An earlier day as read back: each row's status and the day's decision. */
export interface HistoryDay {
  readonly date: string;
  readonly statuses: ReadonlyMap<string, Status>;
  /** The decision of the day's records (the last valid line's); null when no line was valid. */
  readonly decision: Decision | null;
  /** Lines that were not valid JSON or lacked a row id, a known status or a decision: skipped. */
  readonly invalidLines: number;
}

/** Parses a day's `rows.jsonl`; a bad line is skipped and counted, never fatal. */
export function parseHistoryDay(date: string, text: string): HistoryDay {
  const statuses = new Map<string, Status>();
  let decision: Decision | null = null;
  let invalidLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = DayRecordSchema.safeParse(parseLine(line));
    if (!record.success) {
      invalidLines++;
      continue;
    }
    statuses.set(record.data.rowId, record.data.status);
    decision = record.data.decision;
  }
  return { date, statuses, decision, invalidLines };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

/** The calendar days of a strip ending at `now`'s day: `days` dates, oldest first. */
export function stripDates(now: number, days: number): string[] {
  const today = Date.parse(`${reportDate(now)}T00:00:00Z`);
  return Array.from({ length: days }, (_, i) => reportDate(today - (days - 1 - i) * DAY_MS));
}

export interface HistoryReadPlan {
  /** Earlier days inside the strip's window that have a history file, oldest first. */
  readonly stripDays: readonly string[];
  /** Earlier days before the window, most recent first: where the changes look when no day of the window is usable. */
  readonly olderDays: readonly string[];
}

/** Which earlier days to read, from the days that have history: never `now`'s own day or a later one. */
export function planHistoryReads(now: number, available: readonly string[], days: number): HistoryReadPlan {
  const window = stripDates(now, days);
  const first = window[0] ?? reportDate(now);
  const today = reportDate(now);
  const earlier = [...new Set(available)].filter((d) => d < today).sort(compare);
  return {
    stripDays: earlier.filter((d) => d >= first),
    olderDays: earlier.filter((d) => d < first).reverse(),
  };
}

/** Status codes of a strip cell: 0 no record that day, else 1 + the index in `STATUSES`. */
export const STRIP_STATUSES: readonly (Status | null)[] = [null, ...STATUSES];

export interface Strips {
  /** The strip's days, oldest first; the last is the run's own day. */
  readonly dates: readonly string[];
  /** Per row of the run: one code per day (see `STRIP_STATUSES`). */
  readonly byRow: ReadonlyMap<string, Uint8Array>;
}

const statusCode = (status: Status): number => STATUSES.indexOf(status) + 1;

/** Strips of the run's rows ending at `now`'s day, whose last day is the run's own status and the others empty. */
export function todayStrips(
  now: number,
  days: number,
  rows: readonly Pick<RowReport, 'rowId' | 'status'>[],
): Strips {
  const dates = stripDates(now, days);
  const byRow = new Map<string, Uint8Array>();
  for (const row of rows) {
    const cells = new Uint8Array(dates.length);
    cells[dates.length - 1] = statusCode(row.status);
    byRow.set(row.rowId, cells);
  }
  return { dates, byRow };
}

/**
 * Fills an earlier day into the strips (in place, so a run holds one small array per row instead of every day's
 * records). Rows no longer in the policy are left out; a day outside the strip or the run's own day is ignored.
 */
export function addHistoryDay(strips: Strips, day: HistoryDay): void {
  const i = strips.dates.indexOf(day.date);
  if (i < 0 || i === strips.dates.length - 1) return;
  for (const [rowId, status] of day.statuses) {
    const cells = strips.byRow.get(rowId);
    if (cells) cells[i] = statusCode(status);
  }
}
