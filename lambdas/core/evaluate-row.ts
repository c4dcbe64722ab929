/** Cadence, cutover readiness and remediation of one row at `now` (CONTRACT §4). Pure. */
import { DEFAULT_CADENCE_DAYS, DEFAULT_WARN_DAYS, MAX_DAYS } from '../constants';
import type { JudgedDrill } from './drills';
import { formatKeyTimestamp } from './drills';
import type { WindowInForce } from './schedule';
import { DAY_MS } from './schedule';
import type { Failure, LastSuccess, PolicyRow, RowFinding, RowReport, Status } from './schemas';
import { oneLine } from './json-input';
import { compare } from './validate-policy';
import { isoInstant } from './time';

export interface EvaluationParameters {
  readonly cadenceDays: number;
  readonly warnDays: number;
}

export const DEFAULT_PARAMETERS: EvaluationParameters = {
  cadenceDays: DEFAULT_CADENCE_DAYS,
  warnDays: DEFAULT_WARN_DAYS,
};

export { MAX_DAYS };

type SuccessfulDrill = Extract<JudgedDrill, { kind: 'drill' }>;

const iso = isoInstant;

function successes(judged: readonly JudgedDrill[]): SuccessfulDrill[] {
  return judged
    .filter((j): j is SuccessfulDrill => j.kind === 'drill' && j.success)
    .sort((a, b) => b.completedAt - a.completedAt || compare(b.ref.key, a.ref.key));
}

/** The successful drill with the latest `completedAt`, or null. */
export function lastSuccessOf(judged: readonly JudgedDrill[]): SuccessfulDrill | null {
  return successes(judged)[0] ?? null;
}

/** When the next drill is due: last success + cadence. */
export function dueAt(lastSuccessAt: number, params: EvaluationParameters): number {
  return lastSuccessAt + params.cadenceDays * DAY_MS;
}

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

// ---------------------------------------------------------------- what to read

/**
 * The listing lower bound for the first, recent listing of a row's drills: keys after
 * `drills/<rowId>/<startAfter>` hold every drill that can make the row compliant now, and every drill in the
 * readiness period of a window in force.
 */
export function recentListingStart(
  now: number,
  inForce: WindowInForce | null,
  params: EvaluationParameters,
): string {
  const cadenceStart = now - params.cadenceDays * DAY_MS;
  const from = inForce ? Math.min(cadenceStart, inForce.period.from) : cadenceStart;
  return formatKeyTimestamp(from - 1000);
}

/**
 * Whether the reading (newest first) can stop before an artifact whose order instant is `nextAt`: once the
 * latest success is known and, for a window in progress, it is known whether a success falls in its readiness
 * period. Failures after the last success are always newer than it and so already read.
 */
export function hasEnough(
  judged: readonly JudgedDrill[],
  inForce: WindowInForce | null,
  nextAt: number | null,
): boolean {
  const found = successes(judged);
  const latest = found[0];
  if (latest === undefined) return false;
  // An unread drill newer than the latest success could be a later success or a failure after it. Key times
  // are floored to the second, so a drill keyed in the same second may still have completed after it.
  if (nextAt !== null && nextAt + 1000 > latest.completedAt) return false;
  if (!inForce) return true;
  if (found.some((s) => s.completedAt <= inForce.period.to)) return true;
  return nextAt !== null && nextAt <= inForce.period.from;
}

// ---------------------------------------------------------------- the row

export interface RowEvaluation {
  readonly report: RowReport;
  /** Problems that alert (status problems and remediation problems), in a stable order. */
  readonly problems: readonly (
    | 'never-drilled'
    | 'overdue'
    | 'cutover-uncovered'
    | 'due-soon'
    | 'remediation-missing'
    | 'remediation-overdue'
  )[];
}

export interface ListingNote {
  readonly key: string;
  readonly conforming: boolean;
}

export function evaluateRow(
  row: PolicyRow,
  judged: readonly JudgedDrill[],
  listing: readonly ListingNote[],
  inForce: WindowInForce | null,
  now: number,
  params: EvaluationParameters,
): RowEvaluation {
  const findings: RowFinding[] = [];
  const problemSeverity = row.blocking ? 'error' : 'warning';

  for (const note of listing) {
    if (!note.conforming) {
      findings.push({
        code: 'evidence-key-nonconforming',
        severity: 'warning',
        key: note.key,
        message: `${note.key}: name does not follow drills/<rowId>/<YYYYMMDDTHHMMSSZ>-<drillId>.json; ordered by its modification time`,
      });
    }
  }
  for (const j of judged) {
    if (j.kind === 'invalid')
      findings.push({
        code: 'evidence-invalid',
        severity: 'warning',
        key: j.key,
        message: `${j.key}: ${j.message}`,
      });
    if (j.kind === 'unreadable')
      findings.push({
        code: 'evidence-unreadable',
        severity: 'error',
        key: j.key,
        message: `${j.key}: could not be read (${j.message})`,
      });
    if (j.kind === 'future')
      findings.push({
        code: 'evidence-from-future',
        severity: 'warning',
        key: j.ref.key,
        drillId: j.drill.drillId,
        message: `${j.ref.key}: completedAt ${j.drill.completedAt} is after the evaluation time ${iso(now)}; ignored`,
      });
  }

  const last = lastSuccessOf(judged);
  const holds: Exclude<Status, 'compliant'>[] = [];
  let due: number | null = null;
  if (!last) {
    holds.push('never-drilled');
    findings.push({
      code: 'never-drilled',
      severity: problemSeverity,
      message: `${row.id}: no successful ${row.phase === 'incident' ? 'incident' : 'rollback'} drill on record`,
    });
  } else {
    due = dueAt(last.completedAt, params);
    if (isOverdue(last.completedAt, now, params)) {
      holds.push('overdue');
      const days = Math.floor((now - due) / DAY_MS);
      findings.push({
        code: 'overdue',
        severity: problemSeverity,
        deadline: iso(due),
        message: `${row.id}: last successful drill ${last.drill.completedAt} is older than ${params.cadenceDays} days; due ${iso(due)} (${days} day(s) overdue)`,
      });
    }
  }
  if (inForce && !coversWindow(judged, inForce)) {
    holds.push('cutover-uncovered');
    const w = inForce.window;
    findings.push({
      code: 'cutover-uncovered',
      severity: problemSeverity,
      windowId: w.id,
      deadline: iso(w.startsAt),
      message: `${row.id}: no successful drill between ${iso(inForce.period.from)} (exclusive) and ${iso(inForce.period.to)} for cutover window "${w.id}"${inForce.inProgress ? ' (in progress)' : ''}`,
    });
  }
  if (last && holds.length === 0 && isDueSoon(last.completedAt, now, params)) {
    holds.push('due-soon');
    findings.push({
      code: 'due-soon',
      severity: 'warning',
      deadline: iso(dueAt(last.completedAt, params)),
      message: `${row.id}: next drill due ${iso(dueAt(last.completedAt, params))} (within ${params.warnDays} days)`,
    });
  }
  const status: Status = holds[0] ?? 'compliant';

  // Failed (or non-conforming) drills later than the last success, newest first.
  const failures: Failure[] = [];
  let remediationMissing = false;
  let remediationOverdue = false;
  const laterFailures = judged
    .filter((j): j is SuccessfulDrill => j.kind === 'drill' && !j.success)
    .filter((j) => !last || j.completedAt > last.completedAt)
    .sort((a, b) => b.completedAt - a.completedAt || compare(b.ref.key, a.ref.key));
  for (const failed of laterFailures) {
    const owner = failed.drill.remediation?.owner?.trim() || null;
    const eta = failed.drill.remediation?.eta?.trim() || null;
    const deadline = eta === null ? null : etaDeadline(eta);
    let state: Failure['remediation'];
    if (owner === null || eta === null || deadline === null) {
      state = row.blocking ? 'missing' : 'not-required';
      if (row.blocking) {
        remediationMissing = true;
        const lacks = [
          owner === null ? 'owner' : null,
          eta === null ? 'ETA' : deadline === null ? `valid ETA (got "${eta}")` : null,
        ].filter((x) => x !== null);
        findings.push({
          code: 'remediation-missing',
          severity: 'error',
          key: failed.ref.key,
          drillId: failed.drill.drillId,
          message: `${failed.ref.key}: failed drill of a blocking row lacks a remediation ${lacks.join(' and ')}`,
        });
      }
    } else if (now > deadline) {
      state = 'overdue';
      remediationOverdue = true;
      findings.push({
        code: 'remediation-overdue',
        severity: problemSeverity,
        key: failed.ref.key,
        drillId: failed.drill.drillId,
        deadline: iso(deadline),
        message: `${failed.ref.key}: remediation by ${owner} was due ${eta} and no successful rerun has followed`,
      });
    } else {
      state = 'pending';
    }
    failures.push({
      key: failed.ref.key,
      drillId: failed.drill.drillId,
      completedAt: failed.drill.completedAt,
      outcome: failed.drill.outcome,
      reasons: [...failed.reasons],
      remediation: state,
      owner,
      eta,
    });
  }

  const lastSuccess: LastSuccess | null = last
    ? {
        key: last.ref.key,
        drillId: last.drill.drillId,
        completedAt: last.drill.completedAt,
        runbookVersion: last.drill.runbookVersion ?? null,
        etag: last.ref.etag,
        versionId: last.ref.versionId,
        sha256: last.ref.sha256,
        rerunOf: last.drill.rerunOf ?? null,
      }
    : null;

  const problems: RowEvaluation['problems'][number][] = [...holds];
  if (remediationMissing) problems.push('remediation-missing');
  if (remediationOverdue) problems.push('remediation-overdue');

  return {
    report: {
      rowId: row.id,
      phase: row.phase,
      runbookId: row.runbookId,
      blocking: row.blocking,
      severityClass: row.severityClass,
      status,
      dueAt: due === null ? null : iso(due),
      lastSuccess,
      failures,
      // Messages quote ids, keys and evidence fields: keep each on one line.
      findings: findings
        .map((f) => ({ ...f, message: oneLine(f.message) }))
        .sort(
          (a, b) =>
            compare(a.code, b.code) || compare(a.key ?? '', b.key ?? '') || compare(a.message, b.message),
        ),
      evidenceRead: judged.length,
    },
    problems,
  };
}
