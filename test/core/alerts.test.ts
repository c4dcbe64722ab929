import type { AlertPlan } from '../../lambdas/core/alerts';
import {
  DEFAULT_CLAIM_TTL_MS,
  POLICY_ROW_ID,
  currentProblems,
  emptyLedger,
  parseLedger,
  planAlerts,
  settleAlerts,
} from '../../lambdas/core/alerts';
import type { JudgedDrill } from '../../lambdas/core/drills';
import type { RowEvaluation } from '../../lambdas/core/evaluate-row';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import { decidePromotion } from '../../lambdas/core/promotion';
import { reportKeys, serialize, VALIDATION_FILE } from '../../lambdas/core/reports';
import { windowInForce } from '../../lambdas/core/schedule';
import type { Alert, Ledger, PolicyRow } from '../../lambdas/core/schemas';
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

const evaluate = (row: PolicyRow, drills: readonly JudgedDrill[], now: number, windows = [] as const) =>
  evaluateRow(row, drills, [], windowInForce(windows, now, 30 * DAY), now, PARAMS);
/** The row's last success `daysAgo` days before `now`: 31 makes it overdue, 1 compliant. */
const lastDrilled = (row: PolicyRow, daysAgo: number, now: number) =>
  evaluate(row, [success(row, iso(now - daysAgo * DAY), now)], now);
const overdue = (row: PolicyRow, now: number) => lastDrilled(row, 31, now);
const healthy = (row: PolicyRow, now: number) => lastDrilled(row, 1, now);

interface Run {
  readonly plan: AlertPlan;
  readonly alerts: readonly Alert[];
  readonly ledger: Ledger;
}

/**
 * One run's alerting as the monitor does it: plan from the stored ledger, publish (alerts matching `fails` fail),
 * settle; the ledger goes through its bytes, as it would through the store.
 */
function run(
  stored: Ledger,
  evaluations: readonly RowEvaluation[],
  now: number,
  options: { fails?: (a: Alert) => boolean; policyErrors?: (string | null)[] } = {},
): Run {
  const problems = currentProblems(evaluations, rowsById, options.policyErrors ?? []);
  const promotion = decidePromotion(
    [],
    evaluations.map((e) => e.report),
    null,
  );
  const plan = planAlerts(stored, problems, rowsById, {
    now,
    reportKey: reportKeys(now, VALIDATION_FILE)[0],
    promotion,
    counts: { compliant: 1 },
    wallClock: now,
    claimTtlMs: DEFAULT_CLAIM_TTL_MS,
  });
  const failed = plan.alerts
    .filter((a) => options.fails?.(a) ?? false)
    .map((a) => ({ id: a.id, error: 'boom' }));
  const settled = settleAlerts(plan.claimed, plan, failed);
  return { plan, alerts: plan.alerts, ledger: roundTrip(settled) };
}

function roundTrip(ledger: Ledger): Ledger {
  const parsed = parseLedger(new TextEncoder().encode(serialize(ledger)), DAY1);
  expect(parsed.problem).toBeNull();
  return parsed.ledger;
}

const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.id);
const start = emptyLedger(DAY1);

describe('planAlerts', () => {
  it('alerts a new problem and sends the day summary', () => {
    const { alerts } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ids(alerts)).toEqual(['2026-11-25/overdue/incident-sev1-paging', '2026-11-25/summary/_run']);
    expect(alerts[0]?.body.reminder).toBe(false);
  });

  it('claims every planned alert as pending before anything is published', () => {
    const { plan } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ids(plan.claimed.pending)).toEqual(ids(plan.alerts));
    expect(plan.claimed.open).toEqual({
      'incident-sev1-paging/overdue': {
        rowId: 'incident-sev1-paging',
        problem: 'overdue',
        blocking: true,
        firstSeen: '2026-11-25',
        lastAlerted: '2026-11-25',
      },
    });
    expect(plan.claimed.lastSummary).toBe('2026-11-25');
  });

  it('publishes nothing when run again the same day', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const again = run(first.ledger, [overdue(blockingRow, DAY1_LATER)], DAY1_LATER);
    expect(again.alerts).toEqual([]);
  });

  it('reminds a problem of a blocking row the next day', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const next = run(first.ledger, [overdue(blockingRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toEqual(['2026-11-26/overdue/incident-sev1-paging', '2026-11-26/summary/_run']);
    expect(next.alerts[0]?.body.reminder).toBe(true);
    expect(next.ledger.open['incident-sev1-paging/overdue']).toMatchObject({
      firstSeen: '2026-11-25',
      lastAlerted: '2026-11-26',
    });
  });

  it('does not remind a problem of a non-blocking row', () => {
    const first = run(start, [overdue(optionalRow, DAY1)], DAY1);
    expect(ids(first.alerts)).toContain('2026-11-25/overdue/incident-sev3-optional');
    const next = run(first.ledger, [overdue(optionalRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toEqual(['2026-11-26/summary/_run']);
    expect(next.ledger.open['incident-sev3-optional/overdue']?.lastAlerted).toBe('2026-11-25');
  });

  it('sends recovered once when a problem closes', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const closed = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2);
    expect(ids(closed.alerts)).toEqual([
      '2026-11-26/recovered/incident-sev1-paging/overdue',
      '2026-11-26/summary/_run',
    ]);
    expect(closed.alerts[0]?.body).toMatchObject({
      problem: 'overdue',
      openSince: '2026-11-25',
      rowId: blockingRow.id,
    });
    expect(closed.ledger.open).toEqual({});
    expect(ids(run(closed.ledger, [healthy(blockingRow, DAY3)], DAY3).alerts)).toEqual([
      '2026-11-27/summary/_run',
    ]);
  });

  it('sends recovered for a non-blocking row too', () => {
    const first = run(start, [overdue(optionalRow, DAY1)], DAY1);
    expect(ids(run(first.ledger, [healthy(optionalRow, DAY2)], DAY2).alerts)).toContain(
      '2026-11-26/recovered/incident-sev3-optional/overdue',
    );
  });

  it('alerts a problem that reopens as new', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const closed = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2);
    const reopened = run(closed.ledger, [overdue(blockingRow, DAY3)], DAY3);
    expect(reopened.alerts[0]).toMatchObject({
      id: '2026-11-27/overdue/incident-sev1-paging',
      body: { reminder: false },
    });
    expect(reopened.ledger.open['incident-sev1-paging/overdue']?.firstSeen).toBe('2026-11-27');
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
      '2026-11-25/remediation-missing/incident-sev1-paging',
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

  describe('with pending alerts left by a run that did not settle', () => {
    it('releases those of an earlier day, so they are derived again', () => {
      const crashed = run(start, [overdue(optionalRow, DAY1)], DAY1).plan.claimed;
      const next = run(crashed, [overdue(optionalRow, DAY2)], DAY2);
      // A non-blocking problem is never reminded: it is sent again only because the claim was released.
      expect(ids(next.alerts)).toEqual([
        '2026-11-26/overdue/incident-sev3-optional',
        '2026-11-26/summary/_run',
      ]);
      expect(ids(next.plan.claimed.pending)).toEqual(ids(next.alerts));
    });

    it('re-sends a released recovery', () => {
      const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
      const crashed = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2).plan.claimed;
      const next = run(crashed, [healthy(blockingRow, DAY3)], DAY3);
      expect(ids(next.alerts)).toEqual([
        '2026-11-27/recovered/incident-sev1-paging/overdue',
        '2026-11-27/summary/_run',
      ]);
    });

    it('does not publish again those of the same day while the claiming run may still be running', () => {
      const crashed = run(start, [overdue(optionalRow, DAY1)], DAY1).plan.claimed;
      const aMinuteLater = DAY1 + 60_000;
      const retry = run(crashed, [overdue(optionalRow, aMinuteLater)], aMinuteLater);
      expect(retry.alerts).toEqual([]);
      expect(retry.ledger.pending).toHaveLength(2);
    });
  });
});

describe('settleAlerts', () => {
  it('clears pending once everything is delivered', () => {
    const { ledger } = run(start, [overdue(blockingRow, DAY1)], DAY1);
    expect(ledger.pending).toEqual([]);
    expect(ledger.undelivered).toEqual([]);
  });

  it('releases a failed new-problem alert, records it as undelivered, and the next run sends it', () => {
    const failing = run(start, [overdue(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(failing.ledger.open['incident-sev1-paging/overdue']?.lastAlerted).toBeNull();
    expect(ids(failing.ledger.undelivered)).toEqual(['2026-11-25/overdue/incident-sev1-paging']);
    expect(failing.ledger.pending).toEqual([]);
    expect(failing.ledger.lastSummary).toBe('2026-11-25');

    const retry = run(failing.ledger, [overdue(blockingRow, DAY1_LATER)], DAY1_LATER);
    expect(ids(retry.alerts)).toEqual(['2026-11-25/overdue/incident-sev1-paging']);
    expect(retry.alerts[0]?.body.reminder).toBe(false);
    expect(retry.ledger.undelivered).toEqual([]);
  });

  it('releases a failed non-blocking alert so it is sent the next day', () => {
    const failing = run(start, [overdue(optionalRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(ids(run(failing.ledger, [overdue(optionalRow, DAY2)], DAY2).alerts)).toContain(
      '2026-11-26/overdue/incident-sev3-optional',
    );
  });

  it('forgets an undelivered alert once the same alert is delivered on a later day', () => {
    const failing = run(start, [overdue(optionalRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'overdue',
    });
    const next = run(failing.ledger, [overdue(optionalRow, DAY2)], DAY2);
    expect(ids(next.alerts)).toContain('2026-11-26/overdue/incident-sev3-optional');
    expect(next.ledger.undelivered).toEqual([]);
  });

  it('keeps one undelivered record per alert, the latest failed attempt', () => {
    const fails = { fails: (a: Alert) => a.alertType === 'overdue' };
    const day1 = run(start, [overdue(optionalRow, DAY1)], DAY1, fails);
    const day2 = run(day1.ledger, [overdue(optionalRow, DAY2)], DAY2, fails);
    expect(ids(day2.ledger.undelivered)).toEqual(['2026-11-26/overdue/incident-sev3-optional']);
  });

  it('releases a failed reminder back to the day it was last sent', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const failing = run(first.ledger, [overdue(blockingRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(failing.ledger.open['incident-sev1-paging/overdue']?.lastAlerted).toBe('2026-11-25');
    const retry = run(failing.ledger, [overdue(blockingRow, DAY2 + 3600_000)], DAY2 + 3600_000);
    expect(ids(retry.alerts)).toEqual(['2026-11-26/overdue/incident-sev1-paging']);
    expect(retry.alerts[0]?.body.reminder).toBe(true);
  });

  it('releases a failed summary so the next run sends it', () => {
    const failing = run(start, [healthy(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(failing.ledger.lastSummary).toBeNull();
    expect(ids(run(failing.ledger, [healthy(blockingRow, DAY1_LATER)], DAY1_LATER).alerts)).toEqual([
      '2026-11-25/summary/_run',
    ]);
  });

  it('releases a failed recovery by reopening the problem, so the next run sends it', () => {
    const first = run(start, [overdue(blockingRow, DAY1)], DAY1);
    const failing = run(first.ledger, [healthy(blockingRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'recovered',
    });
    expect(failing.ledger.open['incident-sev1-paging/overdue']).toEqual(
      first.ledger.open['incident-sev1-paging/overdue'],
    );
    const retry = run(failing.ledger, [healthy(blockingRow, DAY2 + 3600_000)], DAY2 + 3600_000);
    expect(ids(retry.alerts)).toEqual(['2026-11-26/recovered/incident-sev1-paging/overdue']);
    expect(retry.ledger.open).toEqual({});
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
    expect(ids(retry.alerts)).toEqual(['2026-11-25/overdue/cutover-rollback-db']);
  });

  it('writes a ledger that validates against LedgerSchema', () => {
    const failing = run(start, [overdue(blockingRow, DAY1), overdue(optionalRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(LedgerSchema.safeParse(failing.ledger).success).toBe(true);
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
    expect(alert.id).toBe('2026-11-25/policy-invalid/_policy');
    expect(alert.attributes).toEqual({ alertType: 'policy-invalid', rowId: '_policy', blocking: 'true' });
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
    });
    const next = run(first.ledger, [healthy(rollback, DAY2), overdue(blockingRow, DAY2)], DAY2);
    for (const alert of [...first.alerts, ...next.alerts])
      expect(AlertSchema.safeParse(alert).success).toBe(true);
    expect(new Set([...first.alerts, ...next.alerts].map((a) => a.alertType))).toEqual(
      new Set(['overdue', 'policy-invalid', 'summary', 'recovered']),
    );
  });
});

describe('currentProblems', () => {
  it('lists every problem of every row with its blocking flag and row', () => {
    const problems = currentProblems(
      [overdue(optionalRow, DAY1), evaluate(blockingRow, [], DAY1)],
      rowsById,
      [],
    );
    expect(problems.map((p) => [p.rowId, p.problem, p.blocking])).toEqual([
      ['incident-sev1-paging', 'never-drilled', true],
      ['incident-sev3-optional', 'overdue', false],
    ]);
    expect(problems[0]?.row).toBe(blockingRow);
    expect(problems[0]?.detail).toBe('no successful drill on record');
  });

  it('adds one policy-invalid problem per row with errors, and one for the document', () => {
    const problems = currentProblems([], rowsById, [null, optionalRow.id, optionalRow.id, null, 'gone']);
    expect(problems.map((p) => [p.rowId, p.problem, p.blocking])).toEqual([
      [POLICY_ROW_ID, 'policy-invalid', true],
      ['gone', 'policy-invalid', true],
      ['incident-sev3-optional', 'policy-invalid', false],
    ]);
  });

  it('lists nothing for compliant rows', () => {
    expect(currentProblems([healthy(blockingRow, DAY1)], rowsById, [])).toEqual([]);
  });
});

describe('parseLedger', () => {
  it('starts an empty ledger when there is none', () => {
    expect(parseLedger(null, DAY1)).toEqual({ ledger: emptyLedger(DAY1), problem: null });
    expect(emptyLedger(DAY1)).toEqual({
      schemaVersion: 'usr-readiness-alert-ledger/v1',
      claimExpiresAt: null,
      asOf: '2026-11-25T06:00:00Z',
      open: {},
      lastSummary: null,
      undelivered: [],
      pending: [],
    });
  });

  it('reports a ledger that is not JSON and starts a new one', () => {
    expect(parseLedger(new TextEncoder().encode('{'), DAY1)).toEqual({
      ledger: emptyLedger(DAY1),
      problem: expect.stringMatching(/^not valid JSON/),
    });
  });

  it('reports a ledger of another shape with the path of the problem', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ ...emptyLedger(DAY1), open: { x: { rowId: 1 } } }),
    );
    expect(parseLedger(bytes, DAY1).problem).toMatch(/^does not match the ledger schema \(open\.x\.rowId: /);
  });

  it('reports a ledger problem on one line when a key holds a line break', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ ...emptyLedger(DAY1), open: { 'a\nb': [] } }));
    expect(parseLedger(bytes, DAY1).problem).toMatch(
      /^does not match the ledger schema \(open\["a\\nb"\]: [^\n]+\)$/,
    );
  });

  it('reads back a ledger it wrote', () => {
    const { ledger } = run(start, [overdue(blockingRow, DAY1)], DAY1, {
      fails: (a) => a.alertType === 'summary',
    });
    expect(parseLedger(new TextEncoder().encode(serialize(ledger)), DAY2)).toEqual({ ledger, problem: null });
  });
});

describe('alerts after a crashed run', () => {
  it('re-derives an alert that a crashed run claimed and the next run failed to deliver', () => {
    // Day 1: the run claims a new problem of a non-blocking row, then dies before settling.
    const day1 = planAlerts(start, currentProblems([overdue(optionalRow, DAY1)], rowsById, []), rowsById, {
      now: DAY1,
      reportKey: reportKeys(DAY1, VALIDATION_FILE)[0],
      promotion: decidePromotion([], [], null),
      counts: {},
      wallClock: DAY1,
      claimTtlMs: DEFAULT_CLAIM_TTL_MS,
    });
    expect(ids(day1.alerts)).toContain('2026-11-25/overdue/incident-sev3-optional');
    const crashed = roundTrip(day1.claimed);

    // Day 2: the stale claim is released and the alert planned again, but its delivery fails.
    const day2 = run(crashed, [overdue(optionalRow, DAY2)], DAY2, {
      fails: (a) => a.alertType === 'overdue',
    });
    expect(ids(day2.alerts)).toContain('2026-11-26/overdue/incident-sev3-optional');

    // Day 3: it is derived and sent again, not lost.
    const day3 = run(day2.ledger, [overdue(optionalRow, DAY3)], DAY3);
    expect(ids(day3.alerts)).toContain('2026-11-27/overdue/incident-sev3-optional');
  });
});

describe('alerts after a run that died the same day', () => {
  const plan = (stored: Ledger, wallClock: number, ttl = 5 * 60 * 1000) =>
    planAlerts(stored, currentProblems([overdue(blockingRow, DAY1)], rowsById, []), rowsById, {
      now: DAY1,
      reportKey: reportKeys(DAY1, VALIDATION_FILE)[0],
      promotion: decidePromotion([], [], null),
      counts: {},
      wallClock,
      claimTtlMs: ttl,
    });

  it('leaves the claim of a run that may still be running alone', () => {
    const claimed = roundTrip(plan(start, DAY1).claimed);
    expect(claimed.claimExpiresAt).toBe('2026-11-25T06:05:00Z');
    expect(plan(claimed, DAY1 + 60_000).alerts).toEqual([]);
  });

  it('re-sends what a run claimed once its deadline has passed without a settlement', () => {
    const claimed = roundTrip(plan(start, DAY1).claimed);
    const retry = plan(claimed, DAY1 + 6 * 60_000);
    expect(ids(retry.alerts)).toEqual(['2026-11-25/overdue/incident-sev1-paging', '2026-11-25/summary/_run']);
    expect(retry.claimed.pending.map((a) => a.id)).toEqual(ids(retry.alerts));
  });

  it('clears the claim once every pending alert is settled', () => {
    const first = plan(start, DAY1);
    expect(settleAlerts(first.claimed, first, []).claimExpiresAt).toBeNull();
  });
});
