import { planArrivals, withArrivalWarnings, withArrivals } from '../../lambdas/core/arrivals';
import type { RowEvaluation } from '../../lambdas/core/evaluate-row';
import type { RunVerdict } from '../../lambdas/core/evaluate-run';
import { alertingProblems } from '../../lambdas/core/problems';
import { decidePromotion } from '../../lambdas/core/promotion';
import { at, evidence, incidentRow, judged } from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const row = incidentRow();

describe('planArrivals', () => {
  it('groups created drill keys by the row of their folder, each once, and skips other folders', () => {
    const plan = planArrivals(
      [
        `drills/${row.id}/b.json`,
        'policy/usr-operational-readiness-policy.json',
        `drills/${row.id}/a.json`,
        `drills/${row.id}/a.json`,
      ],
      new Set([row.id]),
    );
    expect([...plan.byRow]).toEqual([[row.id, [`drills/${row.id}/a.json`, `drills/${row.id}/b.json`]]]);
    expect(plan.findings).toEqual([]);
  });

  it('warns of a drill for a row the policy does not have and of keys outside a row folder', () => {
    const plan = planArrivals(
      ['drills/ghost/x.json', 'drills/loose.json', `drills/${row.id}/deeper/x.json`, 'drills//x.json'],
      new Set([row.id]),
    );
    expect(plan.byRow.size).toBe(0);
    expect(plan.findings.map((f) => [f.code, f.severity, f.key])).toEqual([
      ['evidence-invalid', 'warning', 'drills//x.json'],
      ['evidence-invalid', 'warning', 'drills/ghost/x.json'],
      ['evidence-invalid', 'warning', `drills/${row.id}/deeper/x.json`],
      ['evidence-invalid', 'warning', 'drills/loose.json'],
    ]);
    expect(plan.findings[1]?.message).toBe(
      'drills/ghost/x.json: no row "ghost" in the policy: the drill is not evaluated',
    );
    expect(plan.findings.some((f) => f.rowId !== undefined)).toBe(false);
  });
});

describe('withArrivals', () => {
  const evaluation: RowEvaluation = {
    report: {
      rowId: row.id,
      phase: row.phase,
      runbookId: row.runbookId,
      blocking: true,
      severityClass: row.severityClass,
      status: 'compliant',
      dueAt: '2026-12-20T10:00:00Z',
      lastSuccess: null,
      failures: [],
      findings: [],
      evidenceRead: 1,
    },
    problems: [],
  };

  it('adds the findings of the judged arrivals, counts them as read and keeps the status', () => {
    const future = judged(row, evidence(row, '2026-11-26T00:00:00Z'), NOW);
    const out = withArrivals(evaluation, [future], NOW);
    expect(out.report.findings.map((f) => f.code)).toEqual(['evidence-from-future']);
    expect(out.report.evidenceRead).toBe(2);
    expect(out.report.status).toBe('compliant');
    expect(out.problems).toBe(evaluation.problems);
  });

  it('adds a finding the report already holds only once', () => {
    const future = judged(row, evidence(row, '2026-11-26T00:00:00Z'), NOW);
    const once = withArrivals(evaluation, [future], NOW);
    expect(withArrivals(once, [future], NOW).report.findings).toHaveLength(1);
  });

  it('reports an arrival that could not be read as a warning: it neither blocks promotion nor unsettles the row', () => {
    const unreadable = {
      kind: 'unreadable' as const,
      key: `drills/${row.id}/20261125T050000Z-x.json`,
      message: 'SlowDown',
    };
    const out = withArrivals(evaluation, [unreadable], NOW);
    expect(out.report.findings.map((f) => [f.code, f.severity])).toEqual([
      ['evidence-unreadable', 'warning'],
    ]);
    expect(decidePromotion([], [out.report], null).decision).toBe('go');
    const { canClose } = alertingProblems({ rows: [out], documentFindings: [] });
    expect(
      canClose({
        rowId: row.id,
        topic: 'overdue',
        blocking: true,
        firstSeen: '2026-11-20T00:00:00Z',
        lastAlerted: null,
      }),
    ).toBe(true);
  });

  it('returns the evaluation unchanged without arrivals', () => {
    expect(withArrivals(evaluation, [], NOW)).toBe(evaluation);
  });
});

describe('withArrivalWarnings', () => {
  it('adds the warnings to the document findings in order and leaves the promotion alone', () => {
    const verdict: RunVerdict = {
      documentFindings: [
        { code: 'schedule-invalid', severity: 'error', message: 'schedule: bad', path: 'windows' },
      ],
      promotion: { decision: 'no-go', window: null, blockers: [], waived: [], consumedEvidence: [] },
      statuses: { compliant: 1, 'due-soon': 0, overdue: 0, 'never-drilled': 0, 'cutover-uncovered': 0 },
    };
    const warning = {
      code: 'evidence-invalid' as const,
      severity: 'warning' as const,
      key: 'drills/ghost/x.json',
      message: 'drills/ghost/x.json: no row',
    };
    const out = withArrivalWarnings(verdict, [warning]);
    expect(out.documentFindings).toEqual([warning, verdict.documentFindings[0]]);
    expect(out.promotion).toBe(verdict.promotion);
    expect(withArrivalWarnings(verdict, [])).toBe(verdict);
  });
});
