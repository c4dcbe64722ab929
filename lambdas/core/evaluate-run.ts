/** The run-level verdict from the rows and the documents: findings, the promotion decision, status counts. Pure. */
import type { Status } from '../constants';
import { STATUSES } from '../constants';
import type { EvaluationParameters } from './cadence';
import type { RowEvaluation } from './evaluate-row';
import { sortFindings } from './order';
import { decidePromotion } from './promotion';
import type { ParsedSchedule } from './schedule';
import { DAY_MS, nextWindow, windowInForce } from './schedule';
import type { WindowInForce } from './schedule';
import type { Finding, Promotion, RowReport } from './schemas';
import type { ValidatedPolicy } from './validate-policy';

export interface RunVerdict {
  /** Policy and schedule findings, sorted. */
  readonly documentFindings: readonly Finding[];
  readonly promotion: Promotion;
  readonly statuses: Readonly<Record<Status, number>>;
}

/** How many rows hold each status (every status present, zero or more). */
export function statusCounts(reports: readonly Pick<RowReport, 'status'>[]): Record<Status, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const r of reports) counts[r.status] += 1;
  return counts;
}

/** The window whose readiness every row is held to at `now`, if any. */
export function inForceAt(
  schedule: ParsedSchedule,
  now: number,
  params: EvaluationParameters,
): WindowInForce | null {
  return windowInForce(schedule.windows, now, params.cadenceDays * DAY_MS);
}

export function judgeRun(
  policy: ValidatedPolicy,
  schedule: ParsedSchedule,
  rows: readonly RowEvaluation[],
  now: number,
  params: EvaluationParameters,
): RunVerdict {
  const documentFindings = sortFindings([...policy.findings, ...schedule.findings]);
  const reports = rows.map((r) => r.report);
  const window = nextWindow(schedule.windows, now, params.cadenceDays * DAY_MS);
  return {
    documentFindings,
    promotion: decidePromotion(documentFindings, reports, window),
    statuses: statusCounts(reports),
  };
}
