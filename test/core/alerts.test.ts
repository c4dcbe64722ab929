import { DEFAULT_CLAIM_TTL_MS, MAX_LEDGER_BYTES, POLICY_ROW_ID } from '../../lambdas/constants';
import type { AlertPlan, OpenProblem } from '../../lambdas/core/alert-plan';
import { planAlerts } from '../../lambdas/core/alert-plan';
import { renderAlert } from '../../lambdas/core/alert-render';
import type { JudgedDrill } from '../../lambdas/core/drills';
import type { RowEvaluation } from '../../lambdas/core/evaluate-row';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import {
  emptyLedger,
  isBackfill,
  parseLedger,
  serializeLedger,
  settleClaim,
} from '../../lambdas/core/ledger';
import { alertingProblems, waivedKey } from '../../lambdas/core/problems';
import { decidePromotion } from '../../lambdas/core/promotion';
import { reportKeys, VALIDATION_FILE } from '../../lambdas/core/reports';
import { windowInForce } from '../../lambdas/core/schedule';
import type { Alert, Finding, Ledger, PolicyRow } from '../../lambdas/core/schemas';
import { AlertSchema, LedgerSchema } from '../../lambdas/core/schemas';
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

const DAY1 = at('2026-11-25T06:00:00Z');
const DAY1_LATER = at('2026-11-25T18:00:00Z');
const DAY2 = at('2026-11-26T06:00:00Z');
const DAY3 = at('2026-11-27T06:00:00Z');

const blockingRow = incidentRow();
const optionalRow = incidentRow({
  id: 'incident-sev3-optional',
  severityClass: 'sev3',
  requiredRoles: ['on-call'],
  blocking: false,
});
const rollback = rollbackRow();
const longRow = incidentRow({ id: `incident-${'x'.repeat(300)}` });
const brokenLineRow = incidentRow({ id: 'incident\nsev1' });
const rowsById = new Map<string, PolicyRow>(
  [blockingRow, optionalRow, rollback, longRow, brokenLineRow].map((r) => [r.id, r]),
);

const evaluate = (row: PolicyRow, drills: readonly JudgedDrill[], now: number) =>
  evaluateRow(row, drills, [], windowInForce([], now, 30 * DAY), now, PARAMS);
/** The row's last success `daysAgo` days before `now`: 31 makes it overdue, 1 compliant. */
const lastDrilled = (row: PolicyRow, daysAgo: number, now: number) =>
  evaluate(row, [success(row, iso(now - daysAgo * DAY), now)], now);
const overdue = (row: PolicyRow, now: number) => lastDrilled(row, 31, now);
const healthy = (row: PolicyRow, now: number) => lastDrilled(row, 1, now);

const policyError = (rowId: string | null): Finding => ({
  code: 'schema',
  severity: 'error',
  ...(rowId === null ? {} : { rowId }),
  message: 'bad',
});

interface RunOptions {
  readonly fails?: (a: Alert) => boolean;
  readonly policyErrors?: (string | null)[];
  readonly scheduled?: boolean;
  readonly wallClock?: number;
  readonly by?: string;
  readonly waived?: readonly (readonly [string, string])[];
  readonly expiring?: readonly { rowId: string; waiverId: string; blocking: boolean }[];
}

interface Run {
  readonly plan: AlertPlan;
  readonly alerts: readonly Alert[];
  readonly ledger: Ledger;
}

/** Plans one run the way the monitor does: problems from the evaluations, plan from the stored ledger. */
function plan(stored: Ledger, evaluations: readonly RowEvaluation[], now: number, options: RunOptions = {}) {
  const { problems, canClose } = alertingProblems({
    rows: evaluations,
    documentFindings: (options.policyErrors ?? []).map(policyError),
    waived: new Set((options.waived ?? []).map(([row, problem]) => waivedKey(row, problem))),
    expiringWaivers: options.expiring ?? [],
  });
  const planned = planAlerts(stored, problems, {
    now,
    wallClock: options.wallClock ?? now,
    claimTtlMs: DEFAULT_CLAIM_TTL_MS,
    by: options.by ?? `run@${iso(now)}`,
    scheduled: options.scheduled ?? true,
    canClose,
  });
  const context = {
    now,
    reportKey: reportKeys(now, VALIDATION_FILE)[0],
    promotion: decidePromotion(
      (options.policyErrors ?? []).map(policyError),
      evaluations.map((e) => e.report),
      null,
    ),
    counts: { compliant: 1 },
    openProblems: problems.filter((p) => !p.waived).length,
    rowsById,
    reportsById: new Map(evaluations.map((e) => [e.report.rowId, e.report])),
  };
  const alerts = planned.intents.map((intent) => renderAlert(intent, context));
  return { planned, alerts, problems };
}

/** One run: plan, publish (alerts matching `fails` fail), settle; the ledger goes through its bytes. */
function run(
  stored: Ledger,
  evaluations: readonly RowEvaluation[],
  now: number,
  options: RunOptions = {},
): Run {
  const { planned, alerts } = plan(stored, evaluations, now, options);
  const failed = new Set(alerts.filter((a) => options.fails?.(a) ?? false).map((a) => a.id));
  const settled = settleClaim(roundTrip(planned.claimed), options.by ?? `run@${iso(now)}`, failed);
  return { plan: planned, alerts, ledger: roundTrip(settled) };
}

function roundTrip(ledger: Ledger): Ledger {
  const parsed = parseLedger(new TextEncoder().encode(serializeLedger(ledger)), DAY1);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.ledger;
}

const ids = (alerts: readonly { id: string }[]) => alerts.map((a) => a.id);
const entry = (ledger: Ledger, rowId: string, topic: string) =>
  ledger.entries.find((e) => e.rowId === rowId && e.topic === topic);
const problemEntries = (ledger: Ledger) => ledger.entries.filter((e) => e.topic !== 'summary');
const start = emptyLedger(DAY1);

describe('planAlerts', () => {
  it('alerts a new problem, stamped with the time it was seen, and sends the day summary', () => {
    const { alerts } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ids(alerts)).toEqual([
      '2026-11-25/overdue/incident-sev1-paging@060000Z',
      '2026-11-25/summary/_run',
    ]);
    expect(alerts[0]?.body.reminder).toBe(false);
  });

  it('claims every planned alert, with what to undo, before anything is published', () => {
    const { plan: p } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const opened = {
      rowId: 'incident-sev1-paging',
      topic: 'overdue',
      blocking: true,
      firstSeen: '2026-11-25T06:00:00Z',
      lastAlerted: '2026-11-25',
    };
    expect(p.claimed.entries).toEqual([
      expect.objectContaining({ topic: 'summary', lastAlerted: '2026-11-25' }),
      opened,
    ]);
    expect(p.claimed.claims).toEqual([
      {
        by: 'run@2026-11-25T06:00:00Z',
        expiresAt: '2026-11-25T06:15:00Z',
        alerts: [
          {
            id: '2026-11-25/overdue/incident-sev1-paging@060000Z',
            alertType: 'overdue',
            before: null,
            after: opened,
          },
          expect.objectContaining({ id: '2026-11-25/summary/_run', before: null }),
        ],
      },
    ]);
  });

  it('stores no rendered alert in the ledger: only entries and claims', () => {
    const { plan: p } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(serializeLedger(p.claimed)).not.toContain('[usr-readiness]');
    expect(serializeLedger(p.claimed)).not.toContain('reportKey');
  });

  it('publishes nothing when run again the same day', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const again = run(first.ledger, [overdue(blockingRow, DAY1_LATER)], DAY1_LATER);
    expect(again.alerts).toEqual([]);
  });

  it('reminds a problem of a blocking row the next day, under an id without a time', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const next = run(first.ledger, [overdue(blockingRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toEqual(['2026-11-26/overdue/incident-sev1-paging', '2026-11-26/summary/_run']);
    expect(next.alerts[0]?.body.reminder).toBe(true);
    expect(entry(next.ledger, blockingRow.id, 'overdue')).toMatchObject({
      firstSeen: '2026-11-25T06:00:00Z',
      lastAlerted: '2026-11-26',
    });
  });

  it('does not remind a problem of a non-blocking row', () => {
    const first = run(start, [overdue(optionalRow, DAY1)], DAY1);
    expect(ids(first.alerts)).toContain('2026-11-25/overdue/incident-sev3-optional@060000Z');
    const next = run(first.ledger, [overdue(optionalRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toEqual(['2026-11-26/summary/_run']);
    expect(entry(next.ledger, optionalRow.id, 'overdue')?.lastAlerted).toBe('2026-11-25');
  });

  it('sends recovered once when a problem closes', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const closed = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2);
    expect(ids(closed.alerts)).toEqual([
      '2026-11-26/recovered/incident-sev1-paging/overdue@060000Z',
      '2026-11-26/summary/_run',
    ]);
    expect(closed.alerts[0]?.body).toMatchObject({
      problem: 'overdue',
      openSince: '2026-11-25T06:00:00Z',
      rowId: blockingRow.id,
    });
    expect(problemEntries(closed.ledger)).toEqual([]);
    expect(ids(run(closed.ledger, [healthy(blockingRow, DAY3)], DAY3).alerts)).toEqual([
      '2026-11-27/summary/_run',
    ]);
  });

  it('sends recovered for a non-blocking row too', () => {
    const first = run(start, [overdue(optionalRow, DAY1)], DAY1);
    expect(ids(run(first.ledger, [healthy(optionalRow, DAY2)], DAY2).alerts)).toContain(
      '2026-11-26/recovered/incident-sev3-optional/overdue@060000Z',
    );
  });

  it('alerts a problem that reopens as new', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const closed = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2);
    const reopened = run(closed.ledger, [overdue(blockingRow, DAY3)], DAY3);
    expect(reopened.alerts[0]).toMatchObject({
      id: '2026-11-27/overdue/incident-sev1-paging@060000Z',
      body: { reminder: false },
    });
    expect(entry(reopened.ledger, blockingRow.id, 'overdue')?.firstSeen).toBe('2026-11-27T06:00:00Z');
  });

  it('gives a problem that closes and reopens within one day a distinct id for every message', () => {
    const noon = at('2026-11-25T12:00:00Z');
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const closed = run(first.ledger, [healthy(blockingRow, noon)], noon);
    const reopened = run(closed.ledger, [overdue(blockingRow, DAY1_LATER)], DAY1_LATER);
    const sent = [...first.alerts, ...closed.alerts, ...reopened.alerts].filter(
      (a) => a.alertType !== 'summary',
    );
    expect(ids(sent)).toEqual([
      '2026-11-25/overdue/incident-sev1-paging@060000Z',
      '2026-11-25/recovered/incident-sev1-paging/overdue@120000Z',
      '2026-11-25/overdue/incident-sev1-paging@180000Z',
    ]);
    expect(new Set(ids(sent)).size).toBe(3);
  });

  it('tells apart transitions within one second by their milliseconds', () => {
    const a = at('2026-11-25T06:00:00.250Z');
    expect(ids(run(start, [overdue(blockingRow, a)], a, { scheduled: false }).alerts)).toEqual([
      '2026-11-25/overdue/incident-sev1-paging@060000.250Z',
    ]);
  });

  it('tracks each problem of a row separately', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const both = evaluate(
      blockingRow,
      [
        success(blockingRow, iso(DAY1_LATER - 31 * DAY), DAY1_LATER),
        failure(blockingRow, iso(DAY1_LATER - DAY), DAY1_LATER),
      ],
      DAY1_LATER,
    );
    expect(both.problems).toEqual(['overdue', 'remediation-missing']);
    expect(ids(run(first.ledger, [both], DAY1_LATER).alerts)).toEqual([
      '2026-11-25/remediation-missing/incident-sev1-paging@180000Z',
    ]);
  });

  it('sends the summary once per day, with or without problems', () => {
    const first = run(start, [healthy(blockingRow, DAY1)], DAY1);
    expect(ids(first.alerts)).toEqual(['2026-11-25/summary/_run']);
    expect(run(first.ledger, [healthy(blockingRow, DAY1_LATER)], DAY1_LATER).alerts).toEqual([]);
    expect(ids(run(first.ledger, [healthy(blockingRow, DAY2)], DAY2).alerts)).toEqual([
      '2026-11-26/summary/_run',
    ]);
  });

  it('sorts the alerts by id', () => {
    const { alerts } = run(
      start,
      [overdue(rollback, DAY1), overdue(blockingRow, DAY1), overdue(optionalRow, DAY1)],
      DAY1,
    );
    expect(ids(alerts)).toEqual([...ids(alerts)].sort());
    expect(alerts).toHaveLength(4);
  });

  it('moves asOf forward, never back', () => {
    const later = run(start, [healthy(blockingRow, DAY2)], DAY2).ledger;
    expect(later.asOf).toBe('2026-11-26T06:00:00Z');
    expect(isBackfill(later, DAY1)).toBe(true);
    expect(isBackfill(later, DAY2)).toBe(false);
    expect(plan(later, [healthy(blockingRow, DAY1)], DAY1).planned.claimed.asOf).toBe('2026-11-26T06:00:00Z');
  });
});

describe('triggered runs (not scheduled)', () => {
  const triggered = { scheduled: false };

  it('sends first-time problems at once, without the summary', () => {
    expect(ids(run(start, [overdue(blockingRow, DAY1)], DAY1, triggered).alerts)).toEqual([
      '2026-11-25/overdue/incident-sev1-paging@060000Z',
    ]);
  });

  it('sends recovered at once', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ids(run(first.ledger, [healthy(blockingRow, DAY1_LATER)], DAY1_LATER, triggered).alerts)).toEqual([
      '2026-11-25/recovered/incident-sev1-paging/overdue@180000Z',
    ]);
  });

  it('leaves reminders to the scheduled run', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const early = at('2026-11-26T01:00:00Z');
    const t = run(first.ledger, [overdue(blockingRow, early)], early, triggered);
    expect(t.alerts).toEqual([]);
    expect(ids(run(t.ledger, [overdue(blockingRow, DAY2)], DAY2).alerts)).toEqual([
      '2026-11-26/overdue/incident-sev1-paging',
      '2026-11-26/summary/_run',
    ]);
  });

  it('never repeats what the scheduled run already sent that day', () => {
    const scheduled = run(start, [overdue(blockingRow, DAY1), overdue(rollback, DAY1)], DAY1);
    expect(
      run(
        scheduled.ledger,
        [overdue(blockingRow, DAY1_LATER), overdue(rollback, DAY1_LATER)],
        DAY1_LATER,
        triggered,
      ).alerts,
    ).toEqual([]);
  });
});

describe('waived problems', () => {
  const waived = { waived: [[blockingRow.id, 'overdue']] as const };

  it('send nothing while the waiver is active', () => {
    expect(ids(run(start, [overdue(blockingRow, DAY1)], DAY1, waived).alerts)).toEqual([
      '2026-11-25/summary/_run',
    ]);
  });

  it('drop an open entry silently: no recovered alert', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const w = run(first.ledger, [overdue(blockingRow, DAY2)], DAY2, waived);
    expect(ids(w.alerts)).toEqual(['2026-11-26/summary/_run']);
    expect(problemEntries(w.ledger)).toEqual([]);
  });

  it('alert as newly opened once the waiver ends', () => {
    const w = run(start, [overdue(blockingRow, DAY1)], DAY1, waived);
    expect(run(w.ledger, [overdue(blockingRow, DAY2)], DAY2).alerts[0]).toMatchObject({
      id: '2026-11-26/overdue/incident-sev1-paging@060000Z',
      body: { reminder: false },
    });
  });

  it('leave the row’s other problems alerting', () => {
    const both = evaluate(
      blockingRow,
      [success(blockingRow, iso(DAY1 - 31 * DAY), DAY1), failure(blockingRow, iso(DAY1 - DAY), DAY1)],
      DAY1,
    );
    expect(ids(run(start, [both], DAY1, waived).alerts)).toEqual([
      '2026-11-25/remediation-missing/incident-sev1-paging@060000Z',
      '2026-11-25/summary/_run',
    ]);
  });
});

describe('expiring waivers', () => {
  const expiring = { expiring: [{ rowId: blockingRow.id, waiverId: 'W-1', blocking: true }] };

  it('alert once, then once per day on a blocking row', () => {
    const first = run(start, [healthy(blockingRow, DAY1)], DAY1, expiring);
    expect(ids(first.alerts)).toContain('2026-11-25/waiver-expiring/incident-sev1-paging/W-1@060000Z');
    expect(ids(run(first.ledger, [healthy(blockingRow, DAY2)], DAY2, expiring).alerts)).toContain(
      '2026-11-26/waiver-expiring/incident-sev1-paging/W-1',
    );
  });

  it('vanish without a recovered alert when the waiver is no longer expiring', () => {
    const first = run(start, [healthy(blockingRow, DAY1)], DAY1, expiring);
    const after = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2);
    expect(ids(after.alerts)).toEqual(['2026-11-26/summary/_run']);
    expect(problemEntries(after.ledger)).toEqual([]);
  });
});

describe('settleClaim', () => {
  it('removes the claim once everything is delivered', () => {
    const { ledger } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ledger.claims).toEqual([]);
  });

  it('undoes a failed new-problem alert, so a retry the same day sends it', () => {
    const failing = run(start, [overdue(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(entry(failing.ledger, blockingRow.id, 'overdue')).toBeUndefined();
    expect(failing.ledger.claims).toEqual([]);
    expect(entry(failing.ledger, '_run', 'summary')?.lastAlerted).toBe('2026-11-25');
    const retry = run(failing.ledger, [overdue(blockingRow, DAY1_LATER)], DAY1_LATER);
    expect(ids(retry.alerts)).toEqual(['2026-11-25/overdue/incident-sev1-paging@180000Z']);
    expect(retry.alerts[0]?.body.reminder).toBe(false);
  });

  it('undoes a failed non-blocking alert so it is sent the next day', () => {
    const failing = run(start, [overdue(optionalRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(ids(run(failing.ledger, [overdue(optionalRow, DAY2)], DAY2).alerts)).toContain(
      '2026-11-26/overdue/incident-sev3-optional@060000Z',
    );
  });

  it('returns a failed reminder to the day it was last sent', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const failing = run(first.ledger, [overdue(blockingRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(entry(failing.ledger, blockingRow.id, 'overdue')?.lastAlerted).toBe('2026-11-25');
    const retry = run(failing.ledger, [overdue(blockingRow, DAY2 + 3600_000)], DAY2 + 3600_000);
    expect(ids(retry.alerts)).toEqual(['2026-11-26/overdue/incident-sev1-paging']);
    expect(retry.alerts[0]?.body.reminder).toBe(true);
  });

  it('undoes a failed summary so the next run sends it', () => {
    const failing = run(start, [healthy(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(entry(failing.ledger, '_run', 'summary')).toBeUndefined();
    expect(ids(run(failing.ledger, [healthy(blockingRow, DAY1_LATER)], DAY1_LATER).alerts)).toEqual([
      '2026-11-25/summary/_run',
    ]);
  });

  it('re-opens the problem of a failed recovery, so the next run sends it', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const failing = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'recovered',
    });
    expect(entry(failing.ledger, blockingRow.id, 'overdue')).toEqual(
      entry(first.ledger, blockingRow.id, 'overdue'),
    );
    const retry = run(failing.ledger, [healthy(blockingRow, DAY2 + 3600_000)], DAY2 + 3600_000);
    expect(ids(retry.alerts)).toEqual(['2026-11-26/recovered/incident-sev1-paging/overdue@070000Z']);
    expect(problemEntries(retry.ledger)).toEqual([]);
  });

  it('keeps the other alerts of a partly failed run delivered', () => {
    const failing = run(start, [overdue(blockingRow, DAY1), overdue(rollback, DAY1)], DAY1, {
      fails: (a) => a.attributes.rowId === rollback.id,
    });
    const retry = run(
      failing.ledger,
      [overdue(blockingRow, DAY1_LATER), overdue(rollback, DAY1_LATER)],
      DAY1_LATER,
    );
    expect(ids(retry.alerts)).toEqual(['2026-11-25/overdue/cutover-rollback-db@180000Z']);
  });

  it('settles only its own claim and leaves another run’s claim in place', () => {
    const a = plan(start, [overdue(blockingRow, DAY1)], DAY1, { by: 'A' }).planned.claimed;
    const b = plan(a, [overdue(blockingRow, DAY1), overdue(rollback, DAY1)], DAY1, { by: 'B' }).planned
      .claimed;
    expect(b.claims.map((c) => c.by)).toEqual(['A', 'B']);
    const settledA = settleClaim(b, 'A', new Set());
    expect(settledA.claims.map((c) => c.by)).toEqual(['B']);
    expect(settleClaim(settledA, 'A', new Set())).toBe(settledA);
  });

  it('does not undo an entry another run has changed since the claim', () => {
    const claimed = plan(start, [overdue(blockingRow, DAY1)], DAY1, { by: 'A' }).planned.claimed;
    // Another run closed the problem (recovered) in the meantime: A's failure must not resurrect or delete anything else.
    const changed: Ledger = {
      ...claimed,
      entries: claimed.entries.map((e) => (e.topic === 'overdue' ? { ...e, lastAlerted: '2026-11-24' } : e)),
    };
    const settled = settleClaim(changed, 'A', new Set(['2026-11-25/overdue/incident-sev1-paging@060000Z']));
    expect(entry(settled, blockingRow.id, 'overdue')?.lastAlerted).toBe('2026-11-24');
  });

  it('writes a ledger that validates against LedgerSchema', () => {
    const failing = run(start, [overdue(blockingRow, DAY1), overdue(optionalRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(LedgerSchema.safeParse(failing.ledger).success).toBe(true);
  });
});

describe('claims of runs that did not settle', () => {
  it('hold while the claiming run may still be running: a concurrent run sends nothing twice', () => {
    const claimed = plan(start, [overdue(optionalRow, DAY1)], DAY1, { by: 'A' }).planned.claimed;
    const concurrent = plan(roundTrip(claimed), [overdue(optionalRow, DAY1)], DAY1, {
      by: 'B',
      wallClock: DAY1 + 60_000,
    });
    expect(concurrent.alerts).toEqual([]);
    expect(concurrent.planned.claimed.claims.map((c) => c.by)).toEqual(['A']);
  });

  it('are released once the claiming run’s deadline has passed, and the alerts derived again', () => {
    const claimed = plan(start, [overdue(blockingRow, DAY1)], DAY1, { by: 'A' }).planned.claimed;
    const retry = plan(roundTrip(claimed), [overdue(blockingRow, DAY1)], DAY1, {
      by: 'B',
      wallClock: DAY1 + DEFAULT_CLAIM_TTL_MS + 1,
    });
    expect(ids(retry.alerts)).toEqual([
      '2026-11-25/overdue/incident-sev1-paging@060000Z',
      '2026-11-25/summary/_run',
    ]);
    expect(retry.planned.claimed.claims.map((c) => c.by)).toEqual(['B']);
  });

  it('of an earlier day are released, and a non-blocking problem alerts again as new', () => {
    const crashed = plan(start, [overdue(optionalRow, DAY1)], DAY1).planned.claimed;
    const next = run(roundTrip(crashed), [overdue(optionalRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toEqual([
      '2026-11-26/overdue/incident-sev3-optional@060000Z',
      '2026-11-26/summary/_run',
    ]);
  });

  it('re-send a released recovery', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const crashed = plan(first.ledger, [healthy(blockingRow, DAY2)], DAY2).planned.claimed;
    expect(ids(run(roundTrip(crashed), [healthy(blockingRow, DAY3)], DAY3).alerts)).toEqual([
      '2026-11-27/recovered/incident-sev1-paging/overdue@060000Z',
      '2026-11-27/summary/_run',
    ]);
  });

  it('re-derive an alert that a crashed run claimed and the next run failed to deliver', () => {
    const crashed = plan(start, [overdue(optionalRow, DAY1)], DAY1).planned.claimed;
    const day2 = run(roundTrip(crashed), [overdue(optionalRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(ids(day2.alerts)).toContain('2026-11-26/overdue/incident-sev3-optional@060000Z');
    expect(ids(run(day2.ledger, [overdue(optionalRow, DAY3)], DAY3).alerts)).toContain(
      '2026-11-27/overdue/incident-sev3-optional@060000Z',
    );
  });
});

describe('rows this run could not see', () => {
  it('close nothing: an entry of a row whose evidence was unreadable is carried over', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const unreadable = evaluate(
      blockingRow,
      [{ kind: 'unreadable', key: 'drills/x/y.json', message: 'EIO' }],
      DAY2,
    );
    const next = run(first.ledger, [unreadable], DAY2);
    expect(ids(next.alerts)).toEqual(['2026-11-26/summary/_run']);
    expect(entry(next.ledger, blockingRow.id, 'overdue')).toEqual(
      entry(first.ledger, blockingRow.id, 'overdue'),
    );
  });
});

describe('alert content', () => {
  const alertOf = (alerts: readonly Alert[], type: string) => {
    const found = alerts.find((a) => a.alertType === type);
    if (!found) throw new Error(`no ${type} alert among ${ids(alerts).join(', ')}`);
    return found;
  };

  it('gives a problem alert the attributes an owner filters on', () => {
    expect(alertOf(run(start, [overdue(blockingRow, DAY1)], DAY1).alerts, 'overdue').attributes).toEqual({
      alertType: 'overdue',
      rowId: 'incident-sev1-paging',
      runbookId: 'rb-sev1-paging',
      phase: 'incident',
      severityClass: 'sev1',
      blocking: 'true',
      roles: ['incident-commander', 'comms-lead'],
    });
  });

  it('marks an alert of a non-blocking row blocking "false"', () => {
    expect(
      alertOf(run(start, [overdue(optionalRow, DAY1)], DAY1).alerts, 'overdue').attributes,
    ).toMatchObject({
      blocking: 'false',
      severityClass: 'sev3',
      roles: ['on-call'],
    });
  });

  it('gives a recovery the attributes of its row', () => {
    const first = run(start, [overdue(rollback, DAY1)], DAY1);
    expect(
      alertOf(run(first.ledger, [healthy(rollback, DAY2)], DAY2).alerts, 'recovered').attributes,
    ).toEqual({
      alertType: 'recovered',
      rowId: 'cutover-rollback-db',
      runbookId: 'rb-rollback-db',
      phase: 'cutover',
      severityClass: 'n/a',
      blocking: 'true',
      roles: ['release-manager'],
    });
  });

  it('puts the facts of an overdue problem in the body', () => {
    const alert = alertOf(run(start, [lastDrilled(blockingRow, 33.5, DAY1)], DAY1).alerts, 'overdue');
    expect(alert.body).toMatchObject({
      subject: alert.subject,
      alertType: 'overdue',
      rowId: 'incident-sev1-paging',
      blocking: true,
      status: 'overdue',
      dueAt: iso(DAY1 - 3.5 * DAY),
      daysOverdue: 3,
      openSince: '2026-11-25T06:00:00Z',
      reportKey: 'reports/2026-11-25/usr-operational-readiness-validation.json',
      asOf: '2026-11-25T06:00:00Z',
    });
  });

  it('names the window and its start in a cutover-uncovered alert', () => {
    const w1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
    const uncovered = evaluateRow(
      rollback,
      [success(rollback, '2026-10-30T00:00:00Z', DAY1)],
      [],
      windowInForce([w1], DAY1, 30 * DAY),
      DAY1,
      PARAMS,
    );
    const alert = alertOf(run(start, [uncovered], DAY1).alerts, 'cutover-uncovered');
    expect(alert.body).toMatchObject({ windowId: 'w1', deadline: '2026-12-01T00:00:00Z' });
    expect(alert.subject).toContain('w1');
  });

  it('sends a summary with the decision as attribute and the counts in the body', () => {
    const summary = alertOf(run(start, [overdue(blockingRow, DAY1)], DAY1).alerts, 'summary');
    expect(summary.attributes).toEqual({ alertType: 'summary', decision: 'no-go' });
    expect(summary.body).toMatchObject({
      decision: 'no-go',
      blockerCount: 1,
      blockers: [{ code: 'overdue', rowId: 'incident-sev1-paging' }],
      counts: { compliant: 1 },
    });
    expect(summary.subject).toBe(
      '[usr-readiness] NO-GO for no scheduled window: 1 blocker(s), 1 open problem(s)',
    );
  });

  it('alerts policy errors that belong to no row under the _policy row id', () => {
    const alert = alertOf(run(start, [], DAY1, { policyErrors: [null] }).alerts, 'policy-invalid');
    expect(alert.id).toBe('2026-11-25/policy-invalid/_policy@060000Z');
    expect(alert.attributes).toEqual({ alertType: 'policy-invalid', rowId: POLICY_ROW_ID, blocking: 'true' });
  });

  it('keeps subjects within 100 characters', () => {
    const subject = alertOf(run(start, [overdue(longRow, DAY1)], DAY1).alerts, 'overdue').subject;
    expect(subject).toHaveLength(100);
    expect(subject.endsWith('…')).toBe(true);
  });

  it('keeps subjects on one line when a row id holds a line break', () => {
    const subject = alertOf(run(start, [overdue(brokenLineRow, DAY1)], DAY1).alerts, 'overdue').subject;
    expect(subject).toBe('[usr-readiness] OVERDUE incident sev1: last success 2026-10-25, due 2026-11-24');
  });

  it('produces alerts that validate against AlertSchema', () => {
    const first = run(start, [overdue(blockingRow, DAY1), overdue(rollback, DAY1)], DAY1, {
      policyErrors: [null, 'r'],
      expiring: [{ rowId: blockingRow.id, waiverId: 'W-1', blocking: true }],
    });
    const next = run(first.ledger, [healthy(rollback, DAY2), overdue(blockingRow, DAY2)], DAY2);
    for (const alert of [...first.alerts, ...next.alerts])
      expect(AlertSchema.safeParse(alert).success).toBe(true);
    expect(new Set([...first.alerts, ...next.alerts].map((a) => a.alertType))).toEqual(
      new Set(['overdue', 'policy-invalid', 'summary', 'recovered', 'waiver-expiring']),
    );
  });
});

describe('alertingProblems', () => {
  it('lists every problem of every row with its blocking flag', () => {
    const { problems } = alertingProblems({
      rows: [overdue(optionalRow, DAY1), evaluate(blockingRow, [], DAY1)],
      documentFindings: [],
    });
    expect(problems.map((p: OpenProblem) => [p.rowId, p.topic, p.blocking])).toEqual([
      ['incident-sev1-paging', 'never-drilled', true],
      ['incident-sev3-optional', 'overdue', false],
    ]);
  });

  it('adds one policy-invalid problem per row with errors, and one for the document', () => {
    const { problems } = alertingProblems({
      rows: [healthy(optionalRow, DAY1)],
      documentFindings: [null, optionalRow.id, optionalRow.id, null, 'gone'].map(policyError),
    });
    expect(problems.map((p) => [p.rowId, p.topic, p.blocking])).toEqual([
      [POLICY_ROW_ID, 'policy-invalid', true],
      ['gone', 'policy-invalid', true],
      ['incident-sev3-optional', 'policy-invalid', false],
    ]);
  });

  it('ignores schedule errors (they block promotion, but belong to no owner)', () => {
    const finding: Finding = { code: 'schedule-invalid', severity: 'error', message: 'bad' };
    expect(alertingProblems({ rows: [], documentFindings: [finding] }).problems).toEqual([]);
  });

  it('lists nothing for compliant rows', () => {
    expect(alertingProblems({ rows: [healthy(blockingRow, DAY1)], documentFindings: [] }).problems).toEqual(
      [],
    );
  });
});

describe('parseLedger', () => {
  it('starts an empty ledger when there is none', () => {
    expect(parseLedger(null, DAY1)).toEqual({ ok: true, ledger: emptyLedger(DAY1), migratedFrom: null });
    expect(emptyLedger(DAY1)).toEqual({
      schemaVersion: 'usr-readiness-alert-ledger/v2',
      asOf: '2026-11-25T06:00:00Z',
      entries: [],
      claims: [],
    });
  });

  it('refuses a ledger that is not JSON rather than starting again', () => {
    expect(parseLedger(new TextEncoder().encode('{'), DAY1)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('refuses a ledger of another shape, naming the path of the problem', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...emptyLedger(DAY1), entries: [{ rowId: 1 }] }));
    const read = parseLedger(bytes, DAY1);
    expect(read.ok ? '' : read.problem).toMatch(/^does not match the ledger schema \(entries\[0\]\.rowId: /);
  });

  it('refuses a ledger with a repeated key, naming its path', () => {
    const text = serializeLedger(emptyLedger(DAY1)).replace('"entries":[]', '"entries":[],"entries":[]');
    const read = parseLedger(new TextEncoder().encode(text), DAY1);
    expect(read.ok ? '' : read.problem).toMatch(/^entries: duplicate key "entries"/);
  });

  it('refuses a ledger larger than its limit without parsing it', () => {
    const read = parseLedger(new Uint8Array(MAX_LEDGER_BYTES + 1), DAY1);
    expect(read.ok ? '' : read.problem).toMatch(/^larger than 67108864 bytes/);
  });

  it('reads back a ledger it wrote', () => {
    const { ledger } = run(start, [overdue(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(parseLedger(new TextEncoder().encode(serializeLedger(ledger)), DAY2)).toEqual({
      ok: true,
      ledger,
      migratedFrom: null,
    });
  });

  it('migrates a first-format ledger: open problems carry over, claimed-but-unsettled alerts are released', () => {
    const v1 = {
      schemaVersion: 'usr-readiness-alert-ledger/v1',
      asOf: '2026-11-25T06:00:00Z',
      open: {
        'a/overdue': {
          rowId: 'a',
          problem: 'overdue',
          blocking: true,
          firstSeen: '2026-11-20',
          lastAlerted: '2026-11-25',
        },
        'b/never-drilled': {
          rowId: 'b',
          problem: 'never-drilled',
          blocking: false,
          firstSeen: '2026-11-25',
          lastAlerted: '2026-11-25',
        },
      },
      lastSummary: '2026-11-25',
      undelivered: [],
      pending: [
        {
          id: '2026-11-25/never-drilled/b',
          alertType: 'never-drilled',
          attributes: {},
          subject: 's',
          body: {},
        },
      ],
      claimExpiresAt: '2026-11-25T06:15:00Z',
    };
    const read = parseLedger(new TextEncoder().encode(JSON.stringify(v1)), DAY1_LATER);
    expect(read.ok && read.migratedFrom).toBe('usr-readiness-alert-ledger/v1');
    if (!read.ok) return;
    expect(read.ledger.entries).toEqual([
      {
        rowId: '_run',
        topic: 'summary',
        blocking: false,
        firstSeen: '2026-11-25T18:00:00Z',
        lastAlerted: '2026-11-25',
      },
      {
        rowId: 'a',
        topic: 'overdue',
        blocking: true,
        firstSeen: '2026-11-20T00:00:00Z',
        lastAlerted: '2026-11-25',
      },
      {
        rowId: 'b',
        topic: 'never-drilled',
        blocking: false,
        firstSeen: '2026-11-25T00:00:00Z',
        lastAlerted: null,
      },
    ]);
  });
});

describe('ledger size', () => {
  // The fixed part of an entry: `{"rowId":"","topic":"remediation-overdue","blocking":false,"firstSeen":"…","lastAlerted":"…"},`
  const ENTRY_BOUND = 125 + 'incident-00000'.length;

  it('costs at most 125 bytes per open problem plus its row id, whatever the policy size', () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      incidentRow({ id: `incident-${String(i).padStart(5, '0')}` }),
    );
    const evaluations = rows.map((row) => evaluate(row, [], DAY1));
    const { ledger } = run(start, evaluations, DAY1);
    const bytes = new TextEncoder().encode(serializeLedger(ledger)).byteLength;
    const perEntry = bytes / problemEntries(ledger).length;
    expect(problemEntries(ledger)).toHaveLength(2000);
    expect(perEntry).toBeLessThan(ENTRY_BOUND);
  });

  it('keeps a claim in flight under three times that per alert, with no rendered body', () => {
    const rows = Array.from({ length: 2000 }, (_, i) =>
      incidentRow({ id: `incident-${String(i).padStart(5, '0')}` }),
    );
    const { planned } = plan(
      start,
      rows.map((row) => evaluate(row, [], DAY1)),
      DAY1,
    );
    const bytes = new TextEncoder().encode(serializeLedger(planned.claimed)).byteLength;
    expect(bytes / 2000).toBeLessThan(3 * ENTRY_BOUND);
  });
});
