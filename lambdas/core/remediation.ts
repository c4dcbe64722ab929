/**
 * Failed drills and their remediation (docs/rules.md): every failed (or non-conforming) drill later than the last
 * success needs an owner and an ETA on a blocking row; a passed ETA without a successful rerun is overdue. Pure.
 */
import type { JudgedDrill } from './drills';
import type { SuccessfulDrill } from './cadence';
import { newestFirst } from './cadence';
import { DAY_MS } from './schedule';
import type { Failure, PolicyRow, RowFinding } from './schemas';
import { isoInstant as iso } from './time';

/** True when `YYYY-MM-DD` is a real calendar day (`Date.parse` rolls 2026-02-30 over to March 2). */
function isCalendarDate(date: string): boolean {
  const start = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(start) && new Date(start).toISOString().slice(0, 10) === date;
}

/** The end instant of a remediation ETA: a date-only ETA runs to the end of that UTC day. Null when unparseable. */
export function etaDeadline(eta: string): number | null {
  if (!isCalendarDate(eta.slice(0, 10))) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(eta)) return Date.parse(`${eta}T00:00:00Z`) + DAY_MS - 1;
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(eta)) return null;
  const at = Date.parse(eta);
  return Number.isNaN(at) ? null : at;
}

/** Failed drills later than the last success (all of them when there is none), newest first. */
export function failuresAfter(
  judged: readonly JudgedDrill[],
  last: SuccessfulDrill | null,
): SuccessfulDrill[] {
  return judged
    .filter((j): j is SuccessfulDrill => j.kind === 'drill' && !j.success)
    .filter((j) => !last || j.completedAt > last.completedAt)
    .sort(newestFirst);
}

export interface RemediationOutcome {
  readonly failures: readonly Failure[];
  readonly findings: readonly RowFinding[];
  readonly missing: boolean;
  readonly overdue: boolean;
}

/** The remediation state of each failure after the last success, with its findings. */
export function remediationOf(
  row: PolicyRow,
  judged: readonly JudgedDrill[],
  last: SuccessfulDrill | null,
  now: number,
): RemediationOutcome {
  const failures: Failure[] = [];
  const findings: RowFinding[] = [];
  for (const failed of failuresAfter(judged, last)) {
    const judgedFailure = judgeFailure(row, failed, now);
    failures.push(judgedFailure.failure);
    if (judgedFailure.finding) findings.push(judgedFailure.finding);
  }
  return {
    failures,
    findings,
    missing: findings.some((f) => f.code === 'remediation-missing'),
    overdue: findings.some((f) => f.code === 'remediation-overdue'),
  };
}

/** One failure's remediation: `missing` (blocking row without owner or valid ETA), `overdue`, `pending` or `not-required`. */
export function judgeFailure(
  row: PolicyRow,
  failed: SuccessfulDrill,
  now: number,
): { failure: Failure; finding: RowFinding | null } {
  const owner = failed.drill.remediation?.owner?.trim() || null;
  const eta = failed.drill.remediation?.eta?.trim() || null;
  const deadline = eta === null ? null : etaDeadline(eta);
  const failure = (remediation: Failure['remediation']): Failure => ({
    key: failed.ref.key,
    drillId: failed.drill.drillId,
    completedAt: failed.drill.completedAt,
    outcome: failed.drill.outcome,
    reasons: [...failed.reasons],
    remediation,
    owner,
    eta,
  });
  if (owner === null || eta === null || deadline === null) {
    if (!row.blocking) return { failure: failure('not-required'), finding: null };
    const lacks = [
      owner === null ? 'owner' : null,
      eta === null ? 'ETA' : deadline === null ? `valid ETA (got "${eta}")` : null,
    ].filter((x) => x !== null);
    return {
      failure: failure('missing'),
      finding: {
        code: 'remediation-missing',
        severity: 'error',
        key: failed.ref.key,
        drillId: failed.drill.drillId,
        message: `${failed.ref.key}: failed drill of a blocking row lacks a remediation ${lacks.join(' and ')}`,
      },
    };
  }
  if (now <= deadline) return { failure: failure('pending'), finding: null };
  return {
    failure: failure('overdue'),
    finding: {
      code: 'remediation-overdue',
      severity: row.blocking ? 'error' : 'warning',
      key: failed.ref.key,
      drillId: failed.drill.drillId,
      deadline: iso(deadline),
      message: `${failed.ref.key}: remediation by ${owner} was due ${eta} and no successful rerun has followed`,
    },
  };
}
