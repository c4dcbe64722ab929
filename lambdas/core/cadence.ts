/**
 * The cadence and cutover rules of one row at `now` (docs/rules.md): the latest success, when the next drill is
 * due, and the row's status with the findings of every status that holds. Pure.
 */
import { DEFAULT_CADENCE_DAYS, DEFAULT_WARN_DAYS } from '../constants';
import type { JudgedDrill } from './drills';
import { drillTypeFor } from './drills';
import type { WindowInForce } from './schedule';
import { DAY_MS } from './schedule';
import type { PolicyRow, RowFinding, Status } from './schemas';
import { isoInstant as iso } from './time';
import { compare } from './order';

export interface EvaluationParameters {
  readonly cadenceDays: number;
  readonly warnDays: number;
}

export const DEFAULT_PARAMETERS: EvaluationParameters = {
  cadenceDays: DEFAULT_CADENCE_DAYS,
  warnDays: DEFAULT_WARN_DAYS,
};

export type SuccessfulDrill = Extract<JudgedDrill, { kind: 'drill' }>;

/** Drills that count as successful, latest `completedAt` first. */
export function successes(judged: readonly JudgedDrill[]): SuccessfulDrill[] {
  return judged.filter((j): j is SuccessfulDrill => j.kind === 'drill' && j.success).sort(newestFirst);
}

/** Latest `completedAt` first; the key breaks ties. */
export function newestFirst(a: SuccessfulDrill, b: SuccessfulDrill): number {
  return b.completedAt - a.completedAt || compare(b.ref.key, a.ref.key);
}

/** The successful drill with the latest `completedAt`, or null. */
export function lastSuccessOf(judged: readonly JudgedDrill[]): SuccessfulDrill | null {
  return successes(judged)[0] ?? null;
}

/** When the next drill is due: last success + cadence. */
export function dueAt(lastSuccessAt: number, params: EvaluationParameters): number {
  return lastSuccessAt + params.cadenceDays * DAY_MS;
}

/** Strictly more than `cadenceDays` since the last success: exactly 30 days is still due-soon. */
export function isOverdue(lastSuccessAt: number, now: number, params: EvaluationParameters): boolean {
  return now > dueAt(lastSuccessAt, params);
}

export function isDueSoon(lastSuccessAt: number, now: number, params: EvaluationParameters): boolean {
  const due = dueAt(lastSuccessAt, params);
  return due >= now && due - now <= params.warnDays * DAY_MS;
}

/** True when a successful drill completed inside the window's readiness period `(from, to]`. */
export function coversWindow(judged: readonly JudgedDrill[], inForce: WindowInForce): boolean {
  return successes(judged).some(
    (s) => s.completedAt > inForce.period.from && s.completedAt <= inForce.period.to,
  );
}

export type StatusProblem = Exclude<Status, 'compliant'>;

export interface StatusOutcome {
  /** The first status that holds, in the contract's order. */
  readonly status: Status;
  /** Every status problem that holds, in order. */
  readonly holds: readonly StatusProblem[];
  readonly dueAt: number | null;
  readonly findings: readonly RowFinding[];
}

/** Statuses in the contract's order: never-drilled, overdue, cutover-uncovered, due-soon, else compliant. */
export function statusOf(
  row: PolicyRow,
  judged: readonly JudgedDrill[],
  inForce: WindowInForce | null,
  now: number,
  params: EvaluationParameters,
): StatusOutcome {
  const last = lastSuccessOf(judged);
  const findings: RowFinding[] = [];
  if (!last) findings.push(neverDrilledFinding(row));
  else if (isOverdue(last.completedAt, now, params)) findings.push(overdueFinding(row, last, now, params));
  if (inForce && !coversWindow(judged, inForce)) findings.push(uncoveredFinding(row, inForce));
  if (last && findings.length === 0 && isDueSoon(last.completedAt, now, params))
    findings.push(dueSoonFinding(row, last, params));
  const holds = findings.map((f) => f.code as StatusProblem);
  return {
    status: holds[0] ?? 'compliant',
    holds,
    dueAt: last ? dueAt(last.completedAt, params) : null,
    findings,
  };
}

const severityOf = (row: PolicyRow): 'error' | 'warning' => (row.blocking ? 'error' : 'warning');

function neverDrilledFinding(row: PolicyRow): RowFinding {
  return {
    code: 'never-drilled',
    severity: severityOf(row),
    message: `${row.id}: no successful ${drillTypeFor(row)} drill on record`,
  };
}

function overdueFinding(
  row: PolicyRow,
  last: SuccessfulDrill,
  now: number,
  params: EvaluationParameters,
): RowFinding {
  const due = dueAt(last.completedAt, params);
  const days = Math.floor((now - due) / DAY_MS);
  return {
    code: 'overdue',
    severity: severityOf(row),
    deadline: iso(due),
    message: `${row.id}: last successful drill ${last.drill.completedAt} is older than ${params.cadenceDays} days; due ${iso(due)} (${days} day(s) overdue)`,
  };
}

function uncoveredFinding(row: PolicyRow, inForce: WindowInForce): RowFinding {
  const w = inForce.window;
  return {
    code: 'cutover-uncovered',
    severity: severityOf(row),
    windowId: w.id,
    deadline: iso(w.startsAt),
    message: `${row.id}: no successful drill between ${iso(inForce.period.from)} (exclusive) and ${iso(inForce.period.to)} for cutover window "${w.id}"${inForce.inProgress ? ' (in progress)' : ''}`,
  };
}

function dueSoonFinding(row: PolicyRow, last: SuccessfulDrill, params: EvaluationParameters): RowFinding {
  const due = iso(dueAt(last.completedAt, params));
  return {
    code: 'due-soon',
    severity: 'warning',
    deadline: due,
    message: `${row.id}: next drill due ${due} (within ${params.warnDays} days)`,
  };
}
