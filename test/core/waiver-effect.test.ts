import type { RowEvaluation } from '../../lambdas/core/evaluate-row';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import type { RunVerdict } from '../../lambdas/core/evaluate-run';
import { statusCounts } from '../../lambdas/core/evaluate-run';
import { decidePromotion } from '../../lambdas/core/promotion';
import type { Finding } from '../../lambdas/core/schemas';
import { WAIVERS_SCHEMA_VERSION } from '../../lambdas/core/schemas';
import { applyWaivers } from '../../lambdas/core/waiver-effect';
import type { ValidatedWaivers } from '../../lambdas/core/waivers';
import { validateWaivers } from '../../lambdas/core/waivers';
import {
  DAY,
  PARAMS,
  at,
  failure,
  incidentRow,
  iso,
  rollbackRow,
  success,
  window,
} from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const KEY = 'policy/waivers.json';

/** Blocking, overdue (last success 40 days ago) and with a failed drill lacking remediation. */
const overdue = incidentRow({ id: 'incident-overdue' });
/** Blocking, never drilled; a window is in progress, so also cutover-uncovered. */
const never = rollbackRow({ id: 'rollback-never' });
/** Not blocking, overdue. */
const optional = incidentRow({ id: 'incident-optional', blocking: false });

const inForce = {
  window: window('cutover-2026-11', '2026-11-24T22:00:00Z', '2026-11-26T04:00:00Z'),
  period: { from: at('2026-11-01T04:00:00Z'), to: at('2026-11-24T22:00:00Z') },
  inProgress: true,
};

const ROWS: RowEvaluation[] = [
  evaluateRow(
    overdue,
    [success(overdue, iso(NOW - 40 * DAY), NOW), failure(overdue, iso(NOW - 2 * DAY), NOW)],
    [],
    null,
    NOW,
    PARAMS,
  ),
  evaluateRow(never, [], [], inForce, NOW, PARAMS),
  evaluateRow(optional, [success(optional, iso(NOW - 35 * DAY), NOW)], [], null, NOW, PARAMS),
];
const POLICY_ERROR: Finding = { code: 'schema', severity: 'error', rowId: 'incident-overdue', message: 'x' };

function verdictOf(rows: readonly RowEvaluation[], findings: readonly Finding[] = []): RunVerdict {
  const reports = rows.map((r) => r.report);
  return {
    documentFindings: findings,
    promotion: decidePromotion(findings, reports, null),
    statuses: statusCounts(reports),
  };
}

function waivers(list: Record<string, unknown>[]): ValidatedWaivers {
  const bytes = new TextEncoder().encode(
    JSON.stringify({ schemaVersion: WAIVERS_SCHEMA_VERSION, waivers: list }),
  );
  return validateWaivers(
    KEY,
    { kind: 'ok', object: { bytes } },
    {
      maxWaiverDays: 30,
      rowIds: new Set(ROWS.map((r) => r.report.rowId)),
    },
  );
}

function waiver(id: string, rowId: string, codes: string[], overrides: Record<string, unknown> = {}) {
  return {
    id,
    rowId,
    codes,
    reason: 'accepted for the cutover',
    approvedBy: 'jane.doe@example.com',
    approvedAt: '2026-11-20T09:00:00Z',
    expiresAt: '2026-12-04T00:00:00Z',
    ...overrides,
  };
}

const apply = (list: Record<string, unknown>[], findings: readonly Finding[] = [], warnDays = 7) =>
  applyWaivers(waivers(list), ROWS, verdictOf(ROWS, findings), { now: NOW, warnDays });
const blockers = (effect: ReturnType<typeof apply>) =>
  effect.verdict.promotion.blockers.map((b) => `${b.code}/${b.rowId ?? ''}`);

describe('applyWaivers', () => {
  it('starts from a no-go with the blockers the waivers below accept', () => {
    expect(blockers(apply([]))).toEqual([
      'overdue/incident-overdue',
      'remediation-missing/incident-overdue',
      'cutover-uncovered/rollback-never',
      'never-drilled/rollback-never',
    ]);
  });

  it('moves a covered blocker to promotion.waived with the waiver id and expiry, keeping its message', () => {
    const effect = apply([waiver('W-1', 'incident-overdue', ['overdue'])]);
    const before = verdictOf(ROWS).promotion.blockers.find((b) => b.code === 'overdue');
    expect(effect.verdict.promotion.waived).toEqual([
      { ...before, waiverId: 'W-1', expiresAt: '2026-12-04T00:00:00Z' },
    ]);
    expect(blockers(effect)).not.toContain('overdue/incident-overdue');
    expect(effect.verdict.promotion.decision).toBe('no-go');
  });

  it('decides go once every blocker is waived', () => {
    const effect = apply([
      waiver('W-1', 'incident-overdue', ['overdue', 'remediation-missing']),
      waiver('W-2', 'rollback-never', ['never-drilled', 'cutover-uncovered']),
    ]);
    expect(effect.verdict.promotion.blockers).toEqual([]);
    expect(effect.verdict.promotion.decision).toBe('go');
    expect(effect.verdict.promotion.waived.map((w) => `${w.code}/${w.rowId ?? ''}/${w.waiverId}`)).toEqual([
      'overdue/incident-overdue/W-1',
      'remediation-missing/incident-overdue/W-1',
      'cutover-uncovered/rollback-never/W-2',
      'never-drilled/rollback-never/W-2',
    ]);
  });

  it('removes only the blockers the waiver names', () => {
    const effect = apply([waiver('W-2', 'rollback-never', ['never-drilled'])]);
    expect(blockers(effect)).toEqual([
      'overdue/incident-overdue',
      'remediation-missing/incident-overdue',
      'cutover-uncovered/rollback-never',
    ]);
  });

  it('never waives a policy error, even one on the waived row', () => {
    const effect = apply(
      [waiver('W-1', 'incident-overdue', ['overdue', 'remediation-missing'])],
      [POLICY_ERROR],
    );
    expect(blockers(effect)).toContain('schema/incident-overdue');
    expect(effect.verdict.promotion.decision).toBe('no-go');
  });

  it('marks each covered finding waivedBy and leaves the status and everything else as it was', () => {
    const effect = apply([waiver('W-1', 'incident-overdue', ['overdue'])]);
    const [row] = effect.rows;
    expect(row?.report.status).toBe('overdue');
    expect(
      row?.report.findings.filter((f) => f.waivedBy !== undefined).map((f) => [f.code, f.waivedBy]),
    ).toEqual([['overdue', 'W-1']]);
    const unmarked = row?.report.findings.map(({ waivedBy: _waivedBy, ...rest }) => rest);
    expect(unmarked).toEqual(ROWS[0]?.report.findings);
    expect(effect.rows.slice(1)).toEqual(ROWS.slice(1));
    expect(effect.verdict.statuses).toEqual(verdictOf(ROWS).statuses);
  });

  it('marks the findings of a non-blocking row and silences its problem, with no blocker to move', () => {
    const effect = apply([waiver('W-3', 'incident-optional', ['overdue'])]);
    expect(effect.rows[2]?.report.findings.find((f) => f.code === 'overdue')?.waivedBy).toBe('W-3');
    expect(effect.verdict.promotion.waived).toEqual([]);
    expect([...effect.waived]).toEqual(['incident-optional\u0000overdue']);
  });

  it.each([
    ['pending', { approvedAt: '2026-11-25T06:00:01Z', expiresAt: '2026-12-20T00:00:00Z' }],
    ['expired', { approvedAt: '2026-11-01T00:00:00Z', expiresAt: '2026-11-25T06:00:00Z' }],
    ['invalid', { reason: ' ' }],
  ])('changes nothing with a %s waiver', (_state, overrides) => {
    const effect = apply([waiver('W-1', 'incident-overdue', ['overdue'], overrides)]);
    expect(effect.rows).toEqual(ROWS);
    expect(effect.verdict.promotion).toEqual(verdictOf(ROWS).promotion);
    expect(effect.waived.size).toBe(0);
    expect(effect.expiring).toEqual([]);
  });

  it('changes nothing with a waiver of an unknown row, and reports it among the document findings', () => {
    const effect = apply([waiver('W-1', 'incident-gone', ['overdue'])]);
    expect(effect.rows).toEqual(ROWS);
    expect(effect.verdict.promotion).toEqual(verdictOf(ROWS).promotion);
    expect(effect.verdict.documentFindings.map((f) => f.code)).toEqual(['waiver-unknown-row']);
  });

  it('credits a problem covered twice to the waiver that lasts longer (then the smaller id)', () => {
    const effect = apply([
      waiver('W-short', 'incident-overdue', ['overdue'], { expiresAt: '2026-11-30T00:00:00Z' }),
      waiver('W-long', 'incident-overdue', ['overdue']),
      waiver('W-b', 'rollback-never', ['never-drilled']),
      waiver('W-a', 'rollback-never', ['never-drilled']),
    ]);
    expect(effect.verdict.promotion.waived.map((w) => w.waiverId)).toEqual(['W-long', 'W-a']);
  });

  it('lists every waiver of the file with its state', () => {
    const effect = apply([
      waiver('W-2', 'incident-overdue', ['overdue']),
      waiver('W-1', 'incident-overdue', ['overdue'], {
        approvedAt: '2026-10-01T00:00:00Z',
        expiresAt: '2026-10-02T00:00:00Z',
      }),
    ]);
    expect(effect.records.map((r) => [r.id, r.state])).toEqual([
      ['W-1', 'expired'],
      ['W-2', 'active'],
    ]);
  });
});

describe('expiring waivers', () => {
  const ending = (expiresAt: string) => waiver('W-1', 'incident-overdue', ['overdue'], { expiresAt });

  it('lists an active waiver that ends within warnDays, with its row’s blocking flag and its facts', () => {
    const effect = apply([ending('2026-11-30T00:00:00Z')]);
    expect(effect.expiring).toEqual([{ rowId: 'incident-overdue', waiverId: 'W-1', blocking: true }]);
    expect(effect.facts.get('W-1')).toEqual({
      id: 'W-1',
      rowId: 'incident-overdue',
      codes: ['overdue'],
      expiresAt: '2026-11-30T00:00:00Z',
      approvedBy: 'jane.doe@example.com',
      reason: 'accepted for the cutover',
    });
  });

  it('lists a waiver that ends exactly warnDays from now, and not one a millisecond later', () => {
    expect(apply([ending(iso(NOW + 7 * DAY))]).expiring).toHaveLength(1);
    expect(apply([ending(iso(NOW + 7 * DAY + 1))]).expiring).toEqual([]);
  });

  it('lists nothing with warnDays 0', () => {
    expect(apply([ending(iso(NOW + 1))], [], 0).expiring).toEqual([]);
  });

  it('marks the waiver of a non-blocking row non-blocking', () => {
    const effect = apply([
      waiver('W-3', 'incident-optional', ['overdue'], { expiresAt: '2026-11-26T00:00:00Z' }),
    ]);
    expect(effect.expiring).toEqual([{ rowId: 'incident-optional', waiverId: 'W-3', blocking: false }]);
  });
});
