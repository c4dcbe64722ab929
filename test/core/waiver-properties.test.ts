/**
 * Properties of waivers over generated rows and waiver files: an active waiver never changes a row's status and
 * only ever removes the blockers it names; an invalid waiver (or a file that does not hold) changes nothing.
 */
import fc from 'fast-check';
import { WAIVABLE_CODES } from '../../lambdas/constants';
import type { JudgedDrill } from '../../lambdas/core/drills';
import type { RowEvaluation } from '../../lambdas/core/evaluate-row';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import type { RunVerdict } from '../../lambdas/core/evaluate-run';
import { statusCounts } from '../../lambdas/core/evaluate-run';
import { decidePromotion } from '../../lambdas/core/promotion';
import type { Blocker, Finding, PolicyRow } from '../../lambdas/core/schemas';
import { WAIVERS_SCHEMA_VERSION } from '../../lambdas/core/schemas';
import { applyWaivers } from '../../lambdas/core/waiver-effect';
import type { ValidatedWaivers } from '../../lambdas/core/waivers';
import { activeWaivers, validateWaivers } from '../../lambdas/core/waivers';
import {
  DAY,
  HOUR,
  PARAMS,
  at,
  failure,
  incidentRow,
  iso,
  rollbackRow,
  success,
  window,
} from '../fixtures/core/builders';

const NUM_RUNS = 200;
const NOW = at('2026-11-25T06:00:00Z');
const ROWS: PolicyRow[] = [
  incidentRow({ id: 'inc-a' }),
  rollbackRow({ id: 'rb-b' }),
  incidentRow({ id: 'inc-c', blocking: false }),
];
const ROW_IDS = ROWS.map((r) => r.id);
const IN_FORCE = {
  window: window('w', '2026-11-24T22:00:00Z', '2026-11-26T04:00:00Z'),
  period: { from: at('2026-11-01T04:00:00Z'), to: at('2026-11-24T22:00:00Z') },
  inProgress: true,
};

// ---------------------------------------------------------------- arbitraries

type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

/** One row's history: the age of its last success (or none) and a later failure with or without remediation. */
const historyArb = fc.record({
  successDaysAgo: fc.option(fc.integer({ min: 0, max: 60 }), { nil: null }),
  failure: fc.constantFrom('none', 'bare', 'remediated', 'overdue-eta'),
});

function evaluate(row: PolicyRow, history: ArbValue<typeof historyArb>, inForce: boolean): RowEvaluation {
  const judged: JudgedDrill[] = [];
  if (history.successDaysAgo !== null)
    judged.push(success(row, iso(NOW - history.successDaysAgo * DAY), NOW));
  const failedAt = iso(NOW - HOUR);
  if (history.failure === 'bare') judged.push(failure(row, failedAt, NOW));
  if (history.failure === 'remediated')
    judged.push(failure(row, failedAt, NOW, { owner: 'o', eta: '2026-12-20' }));
  if (history.failure === 'overdue-eta')
    judged.push(failure(row, failedAt, NOW, { owner: 'o', eta: '2026-11-01' }));
  return evaluateRow(row, judged, [], inForce ? IN_FORCE : null, NOW, PARAMS);
}

const runArb = fc.record({
  histories: fc.tuple(historyArb, historyArb, historyArb),
  inForce: fc.boolean(),
  policyError: fc.boolean(),
});

/** A waiver that is valid on its own (its id may repeat, its row may be unknown, its time may not have come). */
const waiverArb = fc.record({
  id: fc.constantFrom('W-1', 'W-2', 'W-3', 'W-4', 'W-5', 'W-6'),
  rowId: fc.oneof(
    { arbitrary: fc.constantFrom(...ROW_IDS), weight: 6 },
    { arbitrary: fc.constant('ghost'), weight: 1 },
  ),
  codes: fc.subarray([...WAIVABLE_CODES], { minLength: 1 }),
  reason: fc.constant('accepted'),
  approvedBy: fc.constant('approver@example.com'),
  startHours: fc.integer({ min: -20 * 24, max: 2 * 24 }),
  lengthHours: fc.integer({ min: 1, max: 30 * 24 }),
});
type GeneratedWaiver = ArbValue<typeof waiverArb>;

function waiverJson(w: GeneratedWaiver): Record<string, unknown> {
  const { startHours, lengthHours, ...rest } = w;
  return {
    ...rest,
    approvedAt: iso(NOW + startHours * HOUR),
    expiresAt: iso(NOW + (startHours + lengthHours) * HOUR),
  };
}

/** Each of these alone makes a waiver invalid. */
const breakers: ((w: Record<string, unknown>) => Record<string, unknown>)[] = [
  (w) => ({ ...w, codes: ['evidence-unreadable'] }),
  (w) => ({ ...w, codes: [...(w.codes as string[]), 'schema'] }),
  (w) => ({ ...w, codes: [] }),
  (w) => ({ ...w, reason: '' }),
  (w) => ({ ...w, approvedBy: ' ' }),
  (w) => ({ ...w, expiresAt: iso(at(w.approvedAt as string) + 31 * DAY) }),
  (w) => ({ ...w, expiresAt: w.approvedAt }),
  (w) => ({ ...w, extra: true }),
  (w) => ({ ...w, id: 42 }),
  ({ approvedAt: _approvedAt, ...w }) => w,
];
const brokenArb = fc.tuple(waiverArb, fc.integer({ min: 0, max: breakers.length - 1 }));

// ---------------------------------------------------------------- helpers

function setup(run: ArbValue<typeof runArb>): { rows: RowEvaluation[]; verdict: RunVerdict } {
  const rows = ROWS.map((row, i) => evaluate(row, run.histories[i] ?? run.histories[0], run.inForce));
  const findings: Finding[] = run.policyError
    ? [{ code: 'schema', severity: 'error', rowId: 'inc-a', message: 'policy error' }]
    : [];
  const reports = rows.map((r) => r.report);
  return {
    rows,
    verdict: {
      documentFindings: findings,
      promotion: decidePromotion(findings, reports, null),
      statuses: statusCounts(reports),
    },
  };
}

function validated(document: unknown): ValidatedWaivers {
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  return validateWaivers(
    'policy/waivers.json',
    { kind: 'ok', object: { bytes } },
    {
      maxWaiverDays: 30,
      rowIds: new Set(ROW_IDS),
    },
  );
}

const fileOf = (waivers: unknown[]) => ({ schemaVersion: WAIVERS_SCHEMA_VERSION, waivers });
const blockerKey = (b: Blocker): string => `${b.rowId ?? ''}\u0000${b.code}\u0000${b.message}`;
const stripWaivedBy = (rows: readonly RowEvaluation[]) =>
  rows.map((r) => ({
    ...r,
    report: { ...r.report, findings: r.report.findings.map(({ waivedBy: _waivedBy, ...f }) => f) },
  }));

// ---------------------------------------------------------------- properties

describe('waivers (properties)', () => {
  it('an active waiver never changes a row’s status and only ever removes blockers it names', () => {
    let withWaived = 0;
    fc.assert(
      fc.property(runArb, fc.array(waiverArb, { maxLength: 6 }), (run, list) => {
        const { rows, verdict } = setup(run);
        const waivers = validated(fileOf(list.map(waiverJson)));
        const effect = applyWaivers(waivers, rows, verdict, { now: NOW, warnDays: 7 });
        const active = activeWaivers(waivers, NOW);
        const names = (rowId: string | undefined, code: string) =>
          active.some((w) => w.rowId === rowId && (w.codes as readonly string[]).includes(code));

        expect(effect.rows.map((r) => r.report.status)).toEqual(rows.map((r) => r.report.status));
        expect(stripWaivedBy(effect.rows)).toEqual(rows);
        expect(effect.verdict.statuses).toEqual(verdict.statuses);
        for (const r of effect.rows)
          for (const f of r.report.findings)
            if (f.waivedBy !== undefined)
              expect(
                active.some(
                  (w) =>
                    w.id === f.waivedBy &&
                    w.rowId === r.report.rowId &&
                    (w.codes as readonly string[]).includes(f.code),
                ),
              ).toBe(true);

        const before = verdict.promotion.blockers.map(blockerKey);
        const after = effect.verdict.promotion.blockers.map(blockerKey);
        const waived = effect.verdict.promotion.waived;
        for (const key of after) expect(before).toContain(key);
        for (const w of waived) {
          expect(names(w.rowId, w.code)).toBe(true);
          expect(active.find((a) => a.id === w.waiverId)?.expiresAt).toBe(w.expiresAt);
        }
        expect(
          [...after, ...waived.map(({ waiverId: _w, expiresAt: _e, ...b }) => blockerKey(b))].sort(),
        ).toEqual([...before].sort());
        for (const b of effect.verdict.promotion.blockers) expect(names(b.rowId, b.code)).toBe(false);
        expect(effect.verdict.promotion.decision).toBe(after.length === 0 ? 'go' : 'no-go');
        if (waived.length > 0) withWaived += 1;
      }),
      { numRuns: NUM_RUNS },
    );
    // The generator reaches the interesting case (about a quarter of the runs waive a blocker).
    expect(withWaived).toBeGreaterThanOrEqual(NUM_RUNS / 20);
  });

  it('an invalid waiver changes nothing', () => {
    fc.assert(
      fc.property(runArb, fc.array(brokenArb, { minLength: 1, maxLength: 6 }), (run, list) => {
        const { rows, verdict } = setup(run);
        const waivers = validated(
          fileOf(list.map(([w, breaker]) => (breakers[breaker] ?? breakers[0]!)(waiverJson(w)))),
        );
        expect(waivers.entries.every((e) => e.waiver === null)).toBe(true);
        const effect = applyWaivers(waivers, rows, verdict, { now: NOW, warnDays: 7 });
        expect(effect.rows).toEqual(rows);
        expect(effect.verdict.promotion).toEqual(verdict.promotion);
        expect(effect.waived.size).toBe(0);
        expect(effect.expiring).toEqual([]);
        expect(effect.records.every((r) => r.state === 'invalid')).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a waivers file that does not hold changes nothing, whatever valid waivers it lists', () => {
    const brokenFile = fc.constantFrom(
      (waivers: unknown[]) => ({ schemaVersion: 'usr-readiness-waivers/v0', waivers }),
      (waivers: unknown[]) => ({ ...fileOf(waivers), approvedBy: 'everyone' }),
      (waivers: unknown[]) => ({ waivers }),
    );
    fc.assert(
      fc.property(
        runArb,
        fc.array(waiverArb, { minLength: 1, maxLength: 6 }),
        brokenFile,
        (run, list, make) => {
          const { rows, verdict } = setup(run);
          const waivers = validated(make(list.map(waiverJson)));
          const effect = applyWaivers(waivers, rows, verdict, { now: NOW, warnDays: 7 });
          expect(effect.rows).toEqual(rows);
          expect(effect.verdict.promotion).toEqual(verdict.promotion);
          expect(effect.waived.size).toBe(0);
          expect(effect.verdict.documentFindings.some((f) => f.code === 'waiver-invalid')).toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
