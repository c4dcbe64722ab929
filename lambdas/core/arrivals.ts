/**
 * New drills are checked on arrival (docs/events.md): every drill key an evidence change names is judged — schema,
 * key timestamp against `completedAt`, folder against `rowId` — even when the row's reading plan would not reach
 * it, so a misnamed or misfiled upload is reported within a minute. What it finds is added to the row's report
 * as findings only: a drill the plan did not read never changes a status, so a triggered run and the next
 * scheduled run agree on every status. Pure.
 */
import type { JudgedDrill } from './drills';
import { keyTimestamp } from './drills';
import type { RowEvaluation } from './evaluate-row';
import { sortRowFindings } from './evaluate-row';
import type { RunVerdict } from './evaluate-run';
import { artifactFindings, listingFindings } from './evidence-findings';
import { compare, sortFindings } from './order';
import type { Finding, RowFinding } from './schemas';

const DRILLS = 'drills/';

export interface ArrivalPlan {
  /** Drill keys to check, by the row whose folder holds them (rows of the policy only). */
  readonly byRow: ReadonlyMap<string, readonly string[]>;
  /** Findings for the validation report: drill keys in no row folder of the policy (never read as evidence). */
  readonly findings: readonly Finding[];
}

function strayFinding(key: string, message: string): Finding {
  return { code: 'evidence-invalid', severity: 'warning', key, message: `${key}: ${message}` };
}

/** Sorts the created keys under `drills/` by row; keys no row will ever read become warnings. */
export function planArrivals(created: readonly string[], rowIds: ReadonlySet<string>): ArrivalPlan {
  const byRow = new Map<string, string[]>();
  const findings: Finding[] = [];
  for (const key of [...new Set(created)].sort(compare)) {
    if (!key.startsWith(DRILLS)) continue;
    const parts = key.slice(DRILLS.length).split('/');
    const [rowId, name] = parts;
    if (parts.length !== 2 || rowId === '' || name === '') {
      findings.push(
        strayFinding(key, 'not directly under drills/<rowId>/: no row reads it, it is never evidence'),
      );
    } else if (rowId !== undefined && !rowIds.has(rowId)) {
      findings.push(strayFinding(key, `no row "${rowId}" in the policy: the drill is not evaluated`));
    } else if (rowId !== undefined) {
      byRow.set(rowId, [...(byRow.get(rowId) ?? []), key]);
    }
  }
  return { byRow, findings };
}

/** The findings of drills judged on arrival: what is wrong with each, and a key that breaks the naming rule. */
export function arrivalFindings(judged: readonly JudgedDrill[], now: number): RowFinding[] {
  const keyOf = (j: JudgedDrill): string =>
    j.kind === 'invalid' || j.kind === 'unreadable' ? j.key : j.ref.key;
  const listing = judged.map((j) => ({ key: keyOf(j), conforming: keyTimestamp(keyOf(j)) !== null }));
  // A read that failed on arrival says nothing about the row's state (the scheduled run reads the drill again
  // when its plan needs it): a warning, never a blocker and never an uncertain row.
  const findings = judged.flatMap((j) => artifactFindings(j, now));
  const softened = findings.map((f) =>
    f.code === 'evidence-unreadable'
      ? { ...f, severity: 'warning' as const, message: `${f.message}; on arrival` }
      : f,
  );
  return [...listingFindings(listing), ...softened];
}

/** The row's evaluation with the arrivals' findings added (each once) and counted as read; status unchanged. */
export function withArrivals(
  evaluation: RowEvaluation,
  judged: readonly JudgedDrill[],
  now: number,
): RowEvaluation {
  if (judged.length === 0) return evaluation;
  const seen = new Set(evaluation.report.findings.map((f) => JSON.stringify(f)));
  const added = sortRowFindings(arrivalFindings(judged, now)).filter((f) => !seen.has(JSON.stringify(f)));
  return {
    ...evaluation,
    report: {
      ...evaluation.report,
      findings: sortRowFindings([...evaluation.report.findings, ...added]),
      evidenceRead: evaluation.report.evidenceRead + judged.length,
    },
  };
}

/** The verdict with the arrivals' warnings among the document findings (warnings decide no promotion). */
export function withArrivalWarnings(verdict: RunVerdict, findings: readonly Finding[]): RunVerdict {
  if (findings.length === 0) return verdict;
  return { ...verdict, documentFindings: sortFindings([...verdict.documentFindings, ...findings]) };
}
