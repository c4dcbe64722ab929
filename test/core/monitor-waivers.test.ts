/**
 * Waivers through `runMonitor` with the in-memory ports (docs/waivers.md): reports, the promotion decision and the
 * alerts of a waived problem, of an expiring waiver and of a waiver that has ended.
 */
import { DEFAULT_PARAMETERS } from '../../lambdas/core/cadence';
import type { Alert } from '../../lambdas/core/schemas';
import {
  LedgerSchema,
  POLICY_SCHEMA_VERSION,
  ValidationReportSchema,
  WAIVERS_SCHEMA_VERSION,
} from '../../lambdas/core/schemas';
import type { MonitorOptions, RunResult } from '../../lambdas/monitor';
import { DEFAULT_POLICY_KEY, runMonitor } from '../../lambdas/monitor';
import {
  CATALOG,
  DAY,
  at,
  drillKey,
  evidence,
  incidentRow,
  iso,
  rollbackRow,
} from '../fixtures/core/builders';
import {
  MemoryAlertSink,
  MemoryEvidenceStore,
  MemoryLedgerStore,
  MemoryReportSink,
} from '../fixtures/core/memory-store';

const DAY1 = at('2026-11-25T06:00:00Z');
const OPTIONS: MonitorOptions = {
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: 'schedule/cutover-windows.json',
  parameters: DEFAULT_PARAMETERS,
  concurrency: 2,
};

/** Blocking; last success 40 days before DAY1: overdue. */
const paging = incidentRow();
/** Blocking; last success 5 days before DAY1: compliant (the policy needs a blocking cutover-phase row). */
const rollback = rollbackRow();
/** Not blocking; last success 35 days before DAY1: overdue. */
const comms = incidentRow({
  id: 'incident-sev3-comms',
  runbookId: 'rb-comms',
  severityClass: 'sev3',
  blocking: false,
});

function waiver(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'W-2026-014',
    rowId: paging.id,
    codes: ['overdue'],
    reason: 'pager vendor migration; drill booked for 2026-12-03',
    approvedBy: 'jane.doe@example.com',
    approvedAt: '2026-11-20T09:00:00Z',
    expiresAt: '2026-12-04T00:00:00Z',
    ...overrides,
  };
}

function store(
  waivers: Record<string, unknown>[] | string | null,
  key = 'policy/waivers.json',
): MemoryEvidenceStore {
  const success = (row: typeof paging, completedAt: string) => {
    const drill = evidence(row, completedAt);
    return [drillKey(row.id, completedAt, drill.drillId), JSON.stringify(drill)] as const;
  };
  const objects: Record<string, string> = Object.fromEntries([
    [
      DEFAULT_POLICY_KEY,
      JSON.stringify({
        schemaVersion: POLICY_SCHEMA_VERSION,
        runbooks: { ...CATALOG, 'rb-comms': { version: '1.0.0' } },
        rows: [paging, rollback, comms],
      }),
    ],
    success(paging, iso(DAY1 - 40 * DAY)),
    success(comms, iso(DAY1 - 35 * DAY)),
    success(rollback, iso(DAY1 - 5 * DAY)),
  ]);
  if (typeof waivers === 'string') objects[key] = waivers;
  else if (waivers !== null)
    objects[key] = JSON.stringify({ schemaVersion: WAIVERS_SCHEMA_VERSION, waivers });
  return new MemoryEvidenceStore(objects);
}

interface Harness {
  readonly ledger: MemoryLedgerStore;
  run(
    evidence: MemoryEvidenceStore,
    now: number,
    options?: Partial<MonitorOptions>,
  ): Promise<{ result: RunResult; alerts: Alert[] }>;
}

function harness(): Harness {
  const ledger = new MemoryLedgerStore();
  return {
    ledger,
    async run(evidenceStore, now, options = {}) {
      const sink = new MemoryAlertSink();
      const result = await runMonitor(
        {
          store: evidenceStore,
          reports: new MemoryReportSink(),
          alerts: { sink, ledger },
          now: new Date(now),
          clock: () => new Date(now),
        },
        { ...OPTIONS, ...options },
      );
      return { result, alerts: sink.published };
    },
  };
}

const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.id);

describe('runMonitor with waivers', () => {
  it('reports the waived blocker, the waivedBy finding and every waiver with its state; the status stays', async () => {
    const expired = waiver({
      id: 'W-2026-009',
      approvedAt: '2026-10-01T00:00:00Z',
      expiresAt: '2026-10-15T00:00:00Z',
    });
    const { result } = await harness().run(store([waiver(), expired]), DAY1);
    const validation = ValidationReportSchema.parse(result.reports.validation);
    expect(validation.promotion.decision).toBe('go');
    expect(validation.promotion.blockers).toEqual([]);
    expect(validation.promotion.waived).toEqual([
      expect.objectContaining({
        code: 'overdue',
        rowId: paging.id,
        waiverId: 'W-2026-014',
        expiresAt: '2026-12-04T00:00:00Z',
      }),
    ]);
    expect(validation.summary).toMatchObject({ waived: 1, warnings: 0 });
    expect(validation.waivers).toEqual([
      {
        id: 'W-2026-009',
        rowId: paging.id,
        codes: ['overdue'],
        state: 'expired',
        expiresAt: '2026-10-15T00:00:00Z',
      },
      {
        id: 'W-2026-014',
        rowId: paging.id,
        codes: ['overdue'],
        state: 'active',
        expiresAt: '2026-12-04T00:00:00Z',
      },
    ]);
    expect(validation.waiversSource).toMatchObject({
      key: 'policy/waivers.json',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    const row = result.reports.incident.rows.find((r) => r.rowId === paging.id);
    expect(row?.status).toBe('overdue');
    expect(row?.findings.find((f) => f.code === 'overdue')?.waivedBy).toBe('W-2026-014');
    expect(result.summary).toMatchObject({ decision: 'go', blockers: 0, waived: 1 });
  });

  it('reports no waivers and no finding when there is no waivers file', async () => {
    const { result } = await harness().run(store(null), DAY1);
    expect(result.reports.validation.waivers).toEqual([]);
    expect(result.reports.validation.waiversSource).toBeNull();
    expect(result.reports.validation.findings).toEqual([]);
    expect(result.reports.validation.promotion.decision).toBe('no-go');
  });

  it('fails closed on a waivers file it cannot parse: a waiver-invalid warning, nothing waived, the problem alerts', async () => {
    const { result, alerts } = await harness().run(
      store('{"schemaVersion": "usr-readiness-waivers/v1", '),
      DAY1,
    );
    expect(result.reports.validation.findings).toEqual([
      expect.objectContaining({ code: 'waiver-invalid', severity: 'warning', key: 'policy/waivers.json' }),
    ]);
    expect(result.reports.validation.summary).toMatchObject({ errors: 0, warnings: 1, waived: 0 });
    expect(result.reports.validation.promotion.decision).toBe('no-go');
    expect(ids(alerts)).toContain('2026-11-25/overdue/incident-sev1-paging@060000Z');
  });

  it('reads the waivers key and applies the maximum duration it is given', async () => {
    const custom = store([waiver()], 'policy/prod-waivers.json');
    const read = await harness().run(custom, DAY1, { waiversKey: 'policy/prod-waivers.json' });
    expect(read.result.reports.validation.promotion.decision).toBe('go');
    const strict = await harness().run(custom, DAY1, {
      waiversKey: 'policy/prod-waivers.json',
      maxWaiverDays: 10,
    });
    expect(strict.result.reports.validation.waivers.map((w) => w.state)).toEqual(['invalid']);
    expect(strict.result.reports.validation.promotion.decision).toBe('no-go');
  });
});

describe('alerts with waivers (runMonitor)', () => {
  it('sends no alert for a waived problem while the waiver is active, and keeps no ledger entry for it', async () => {
    const h = harness();
    const { alerts } = await h.run(store([waiver()]), DAY1);
    expect(ids(alerts)).toEqual([
      '2026-11-25/overdue/incident-sev3-comms@060000Z',
      '2026-11-25/summary/_run',
    ]);
    const ledger = LedgerSchema.parse(JSON.parse(h.ledger.body ?? 'null'));
    expect(ledger.entries.map((e) => `${e.rowId}/${e.topic}`)).toEqual([
      '_run/summary',
      'incident-sev3-comms/overdue',
    ]);
  });

  it('drops an open problem silently when a waiver starts: no recovered alert', async () => {
    const h = harness();
    const before = await h.run(store(null), DAY1 - DAY);
    expect(ids(before.alerts)).toContain('2026-11-24/overdue/incident-sev1-paging@060000Z');
    const waived = await h.run(store([waiver()]), DAY1);
    expect(waived.alerts.map((a) => a.alertType)).not.toContain('recovered');
    expect(ids(waived.alerts)).toEqual(['2026-11-25/summary/_run']);
  });

  it('alerts the problem as newly opened once the waiver has expired (expiresAt == now)', async () => {
    const h = harness();
    const ends = '2026-11-26T06:00:00Z';
    await h.run(store([waiver({ expiresAt: ends })]), DAY1);
    const after = await h.run(store([waiver({ expiresAt: ends })]), at(ends));
    const overdue = after.alerts.find((a) => a.alertType === 'overdue' && a.attributes.rowId === paging.id);
    expect(overdue).toMatchObject({
      id: '2026-11-26/overdue/incident-sev1-paging@060000Z',
      body: { reminder: false, rowId: paging.id },
    });
    expect(after.result.reports.validation.waivers.map((w) => w.state)).toEqual(['expired']);
  });

  it('alerts waiver-expiring within warnDays with the waiver’s facts, then once per day on a blocking row', async () => {
    const h = harness();
    const soon = waiver({ expiresAt: '2026-11-30T00:00:00Z' });
    const first = await h.run(store([soon]), DAY1);
    const alert = first.alerts.find((a) => a.alertType === 'waiver-expiring');
    expect(alert).toMatchObject({
      id: '2026-11-25/waiver-expiring/incident-sev1-paging/W-2026-014@060000Z',
      attributes: {
        alertType: 'waiver-expiring',
        rowId: paging.id,
        blocking: 'true',
        runbookId: paging.runbookId,
      },
      subject: '[usr-readiness] WAIVER EXPIRING incident-sev1-paging: W-2026-014 ends 2026-11-30T00:00:00Z',
      body: {
        waiverId: 'W-2026-014',
        codes: ['overdue'],
        expiresAt: '2026-11-30T00:00:00Z',
        approvedBy: 'jane.doe@example.com',
        reason: 'pager vendor migration; drill booked for 2026-12-03',
        blocking: true,
        reminder: false,
      },
    });
    const sameDay = await h.run(store([soon]), DAY1 + 6 * 3_600_000);
    expect(sameDay.alerts).toEqual([]);
    const next = await h.run(store([soon]), DAY1 + DAY);
    expect(ids(next.alerts)).toContain('2026-11-26/waiver-expiring/incident-sev1-paging/W-2026-014');
  });

  it('does not remind an expiring waiver of a non-blocking row', async () => {
    const h = harness();
    const soon = waiver({ id: 'W-3', rowId: comms.id, expiresAt: '2026-11-30T00:00:00Z' });
    expect(ids((await h.run(store([soon]), DAY1)).alerts)).toContain(
      '2026-11-25/waiver-expiring/incident-sev3-comms/W-3@060000Z',
    );
    const next = await h.run(store([soon]), DAY1 + DAY);
    expect(next.alerts.map((a) => a.alertType)).not.toContain('waiver-expiring');
  });

  it('sends no waiver-expiring alert for a waiver further away than warnDays', async () => {
    const { alerts } = await harness().run(store([waiver()]), DAY1);
    expect(alerts.map((a) => a.alertType)).not.toContain('waiver-expiring');
  });
});
