/** One row at `now` (docs/rules.md): evidence findings, status, remediation, and the row's report. Pure. */
import type { RowProblem } from '../constants';
import type { EvaluationParameters, SuccessfulDrill } from './cadence';
import { lastSuccessOf, statusOf } from './cadence';
import type { JudgedDrill } from './drills';
import type { ListingNote } from './evidence-findings';
import { evidenceFindings } from './evidence-findings';
import { oneLine } from './json-input';
import { remediationOf } from './remediation';
import type { WindowInForce } from './schedule';
import type { LastSuccess, PolicyRow, RowFinding, RowReport } from './schemas';
import { isoInstant as iso } from './time';
import { compare } from './order';

export interface RowEvaluation {
  readonly report: RowReport;
  /** Problems that alert (status problems, then remediation problems), in a stable order. */
  readonly problems: readonly RowProblem[];
}

export function evaluateRow(
  row: PolicyRow,
  judged: readonly JudgedDrill[],
  listing: readonly ListingNote[],
  inForce: WindowInForce | null,
  now: number,
  params: EvaluationParameters,
): RowEvaluation {
  const last = lastSuccessOf(judged);
  const status = statusOf(row, judged, inForce, now, params);
  const remediation = remediationOf(row, judged, last, now);
  const problems: RowProblem[] = [...status.holds];
  if (remediation.missing) problems.push('remediation-missing');
  if (remediation.overdue) problems.push('remediation-overdue');
  return {
    report: {
      rowId: row.id,
      phase: row.phase,
      runbookId: row.runbookId,
      blocking: row.blocking,
      severityClass: row.severityClass,
      status: status.status,
      dueAt: status.dueAt === null ? null : iso(status.dueAt),
      lastSuccess: last ? lastSuccessRecord(last) : null,
      failures: [...remediation.failures],
      findings: sortRowFindings([
        ...evidenceFindings(judged, listing, now),
        ...status.findings,
        ...remediation.findings,
      ]),
      evidenceRead: judged.length,
    },
    problems,
  };
}

function lastSuccessRecord(last: SuccessfulDrill): LastSuccess {
  return {
    key: last.ref.key,
    drillId: last.drill.drillId,
    completedAt: last.drill.completedAt,
    runbookVersion: last.drill.runbookVersion ?? null,
    etag: last.ref.etag,
    versionId: last.ref.versionId,
    sha256: last.ref.sha256,
    rerunOf: last.drill.rerunOf ?? null,
  };
}

/** Messages quote ids, keys and evidence fields: each is kept on one line. Sorted by code, key, message. */
export function sortRowFindings(findings: readonly RowFinding[]): RowFinding[] {
  return findings
    .map((f) => ({ ...f, message: oneLine(f.message) }))
    .sort(
      (a, b) => compare(a.code, b.code) || compare(a.key ?? '', b.key ?? '') || compare(a.message, b.message),
    );
}
