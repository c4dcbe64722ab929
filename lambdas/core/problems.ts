/**
 * The problems a run alerts on, and which ledger entries it may close. A row whose evidence could not all be read
 * has an unknown state: it raises no new problem and closes none. Pure.
 */
import { POLICY_ROW_ID } from '../constants';
import type { OpenProblem } from './alert-plan';
import type { RowEvaluation } from './evaluate-row';
import { compare } from './order';
import type { Finding, LedgerEntry } from './schemas';

export interface ProblemInput {
  readonly rows: readonly RowEvaluation[];
  /** Findings of the policy and schedule documents. */
  readonly documentFindings: readonly Finding[];
  /** Problems covered by an active waiver, as `<rowId>\u0000<problem>`: they are present but silent. */
  readonly waived?: ReadonlySet<string>;
  /** Expiring waivers to alert on (`waiver-expiring`). */
  readonly expiringWaivers?: readonly {
    readonly rowId: string;
    readonly waiverId: string;
    readonly blocking: boolean;
  }[];
}

export interface AlertingProblems {
  readonly problems: readonly OpenProblem[];
  /** Whether an entry whose problem is not open in this run may close (and alert `recovered`). */
  readonly canClose: (entry: LedgerEntry) => boolean;
}

export const waivedKey = (rowId: string, problem: string): string => `${rowId}\u0000${problem}`;

/** A row's evidence could not all be read: its state is unknown this run. */
const isUncertain = (r: RowEvaluation): boolean =>
  r.report.findings.some((f) => f.code === 'evidence-unreadable' && f.severity === 'error');

/** Error findings of the policy (not the schedule), by row; document-level ones under `_policy`. */
function policyErrorRows(findings: readonly Finding[]): string[] {
  const ids = findings
    .filter((f) => f.severity === 'error' && f.code !== 'schedule-invalid')
    .map((f) => f.rowId ?? POLICY_ROW_ID);
  return [...new Set(ids)];
}

export function alertingProblems(input: ProblemInput): AlertingProblems {
  const blockingById = new Map(input.rows.map((r) => [r.report.rowId, r.report.blocking]));
  const problems: OpenProblem[] = [];
  for (const r of input.rows) {
    if (isUncertain(r)) continue;
    for (const topic of r.problems) {
      const waived = input.waived?.has(waivedKey(r.report.rowId, topic)) ?? false;
      problems.push({ rowId: r.report.rowId, topic, blocking: r.report.blocking, waived });
    }
  }
  for (const rowId of policyErrorRows(input.documentFindings)) {
    problems.push({
      rowId,
      topic: 'policy-invalid',
      blocking: blockingById.get(rowId) ?? true,
      waived: false,
    });
  }
  for (const w of input.expiringWaivers ?? []) {
    problems.push({
      rowId: w.rowId,
      topic: 'waiver-expiring',
      ref: w.waiverId,
      blocking: w.blocking,
      waived: false,
    });
  }
  problems.sort(
    (a, b) => compare(a.rowId, b.rowId) || compare(a.topic, b.topic) || compare(a.ref ?? '', b.ref ?? ''),
  );
  return { problems, canClose: closer(input) };
}

/** An entry closes only when this run saw its row, or the row left a policy that could be read. */
function closer(input: ProblemInput): (entry: LedgerEntry) => boolean {
  const uncertain = new Set(input.rows.filter(isUncertain).map((r) => r.report.rowId));
  const evaluated = new Set(input.rows.map((r) => r.report.rowId));
  const policyReadable = !input.documentFindings.some((f) => f.code === 'policy-unreadable');
  const named = new Set(input.documentFindings.flatMap((f) => (f.rowId === undefined ? [] : [f.rowId])));
  return (entry) =>
    !uncertain.has(entry.rowId) &&
    (entry.rowId === POLICY_ROW_ID
      ? policyReadable
      : evaluated.has(entry.rowId) || (policyReadable && !named.has(entry.rowId)));
}
