/**
 * runMonitor when parts of the world fail: an unreadable policy or artifact must not fake recoveries or new
 * problems, a bad row id or a failed listing must not stop the run, and a ledger that cannot be written must not
 * cost the day's reports. Each case was a defect found in review.
 */
import type { MonitorDeps } from '../../lambdas/monitor';
import { LEDGER_KEY, runMonitor } from '../../lambdas/monitor';
import type { ListDrillsOptions, ObjectMeta, ReadResult } from '../../lambdas/ports';
import { ReportWriteError } from '../../lambdas/ports';
import { ValidationReportSchema } from '../../lambdas/core/schemas';
import {
  drillKey,
  encode,
  evidence,
  incidentRow,
  policyDocument,
  rollbackRow,
} from '../fixtures/core/builders';
import {
  MemoryAlertSink,
  MemoryEvidenceStore,
  MemoryLedgerStore,
  MemoryReportSink,
} from '../fixtures/core/memory-store';

const NOW = new Date('2026-11-25T06:00:00Z');
const POLICY_KEY = 'policy/usr-operational-readiness-policy.json';
const OPTIONS = {
  policyKey: POLICY_KEY,
  scheduleKey: 'schedule/cutover-windows.json',
  parameters: { cadenceDays: 30, warnDays: 7 },
  concurrency: 4,
};

/** A store whose incident row is overdue (an alerting problem) and whose rollback row is compliant. */
function storeWithOverdueIncident(): MemoryEvidenceStore {
  const incident = incidentRow();
  const rollback = rollbackRow();
  return new MemoryEvidenceStore({
    [POLICY_KEY]: encode(policyDocument()),
    [drillKey(incident.id, '2026-10-01T10:00:00Z')]: encode(evidence(incident, '2026-10-01T10:00:00Z')),
    [drillKey(rollback.id, '2026-11-20T10:00:00Z')]: encode(evidence(rollback, '2026-11-20T10:00:00Z')),
  });
}

function deps(
  store: MonitorDeps['store'],
  sink: MemoryAlertSink,
  ledger: MemoryLedgerStore,
  reports = new MemoryReportSink(),
): MonitorDeps {
  return { store, reports, alerts: { sink, ledger }, now: NOW, clock: () => NOW };
}

/** `<alertType>/<rowId>` of every published alert (from its attributes, never parsed out of its id). */
const types = (sink: MemoryAlertSink): string[] =>
  sink.published
    .map((a) => `${a.alertType}/${typeof a.attributes.rowId === 'string' ? a.attributes.rowId : '_run'}`)
    .sort();

describe('runMonitor resilience', () => {
  it('sends no recovered alert when the policy becomes unreadable: the problems are unknown, not closed', async () => {
    const store = storeWithOverdueIncident();
    const sink = new MemoryAlertSink();
    const ledger = new MemoryLedgerStore();
    await runMonitor(deps(store, sink, ledger), OPTIONS);
    expect(types(sink)).toContain('overdue/incident-sev1-paging');

    store.put(POLICY_KEY, '{ broken');
    const before = sink.published.length;
    await runMonitor(deps(store, sink, ledger), OPTIONS);
    const later = sink.published.slice(before).map((a) => a.alertType);
    expect(later).not.toContain('recovered');
    expect(ledger.body).toContain('"rowId":"incident-sev1-paging","topic":"overdue"');
  });

  it('still sends recovered for a row deliberately removed from a valid policy', async () => {
    const store = storeWithOverdueIncident();
    const sink = new MemoryAlertSink();
    const ledger = new MemoryLedgerStore();
    await runMonitor(deps(store, sink, ledger), OPTIONS);
    const replacement = incidentRow({ id: 'incident-other' });
    store.put(POLICY_KEY, encode(policyDocument({ rows: [replacement, rollbackRow()] })));
    store.put(
      drillKey(replacement.id, '2026-11-20T10:00:00Z'),
      encode(evidence(replacement, '2026-11-20T10:00:00Z')),
    );
    const before = sink.published.length;
    await runMonitor(deps(store, sink, ledger), OPTIONS);
    expect(sink.published.slice(before).map((a) => a.id)).toContain(
      '2026-11-25/recovered/incident-sev1-paging/overdue@060000Z',
    );
  });

  it('raises no new problem and no recovery for a row whose evidence could not be read', async () => {
    const incident = incidentRow();
    const store = storeWithOverdueIncident();
    store.put(
      drillKey(incident.id, '2026-11-20T10:00:00Z'),
      encode(evidence(incident, '2026-11-20T10:00:00Z')),
    );
    const failing = new (class extends MemoryEvidenceStore {
      failNext = true;
      override read(key: string, maxBytes: number): Promise<ReadResult> {
        if (this.failNext && key.startsWith(`drills/${incident.id}/`)) {
          this.failNext = false;
          return Promise.resolve({
            kind: 'error',
            key,
            message: 'SlowDown: Please reduce your request rate.',
          });
        }
        return super.read(key, maxBytes);
      }
    })();
    for (const key of [POLICY_KEY, drillKey(incident.id, '2026-11-20T10:00:00Z')]) {
      const read = await store.read(key, 1 << 20);
      if (read.kind === 'ok') failing.put(key, read.object.bytes);
    }
    failing.put(
      drillKey(rollbackRow().id, '2026-11-20T10:00:00Z'),
      encode(evidence(rollbackRow(), '2026-11-20T10:00:00Z')),
    );
    const sink = new MemoryAlertSink();
    const ledger = new MemoryLedgerStore();

    const first = await runMonitor(deps(failing, sink, ledger), OPTIONS);
    expect(first.reports.validation.promotion.blockers.map((b) => b.code)).toContain('evidence-unreadable');
    expect(types(sink).filter((t) => t.endsWith(`/${incident.id}`))).toEqual([]);

    await runMonitor(deps(failing, sink, ledger), { ...OPTIONS });
    expect(sink.published.map((a) => a.alertType)).not.toContain('recovered');
  });

  it('keeps reading drills completed in the same second as the latest success (key times are floored)', async () => {
    const incident = incidentRow();
    const rollback = rollbackRow();
    const store = new MemoryEvidenceStore({
      [POLICY_KEY]: encode(policyDocument()),
      'drills/incident-sev1-paging/20261120T100000Z-z.json': encode(
        evidence(incident, '2026-11-20T10:00:00.200Z', { drillId: 'z' }),
      ),
      'drills/incident-sev1-paging/20261120T100000Z-a.json': encode(
        evidence(incident, '2026-11-20T10:00:00.900Z', { drillId: 'a', outcome: 'fail' }),
      ),
      [drillKey(rollback.id, '2026-11-20T10:00:00Z')]: encode(evidence(rollback, '2026-11-20T10:00:00Z')),
    });
    const result = await runMonitor(
      { store, reports: new MemoryReportSink(), alerts: null, now: NOW, clock: () => NOW },
      OPTIONS,
    );
    const row = result.reports.incident.rows.find((r) => r.rowId === incident.id);
    expect(row?.failures.map((f) => f.drillId)).toEqual(['a']);
    expect(result.reports.validation.promotion.decision).toBe('no-go');
  });

  it.each([
    ['a path separator', 'a/b'],
    ['a parent reference', '..'],
    ['a control character', 'a\u0000b'],
    ['a lone surrogate', 'a\ud800'],
    ['more than 200 characters', 'x'.repeat(201)],
  ])('reports a row id with %s as a schema error instead of failing the run', async (_label, id) => {
    const store = new MemoryEvidenceStore({
      [POLICY_KEY]: encode(policyDocument({ rows: [incidentRow(), rollbackRow(), incidentRow({ id })] })),
    });
    const result = await runMonitor(
      { store, reports: new MemoryReportSink(), alerts: null, now: NOW, clock: () => NOW },
      OPTIONS,
    );
    expect(result.reports.validation.findings).toContainEqual(
      expect.objectContaining({ code: 'schema', path: 'rows[2].id', severity: 'error' }),
    );
    expect(result.rows.map((r) => r.report.rowId)).not.toContain(id);
  });

  it('turns a listing that fails for one row into an evidence-unreadable finding on that row', async () => {
    const store = new (class extends MemoryEvidenceStore {
      override listDrills(rowId: string, options?: ListDrillsOptions): Promise<readonly ObjectMeta[]> {
        if (rowId === 'incident-sev1-paging')
          return Promise.reject(new Error('ListObjectsV2: InternalError'));
        return super.listDrills(rowId, options);
      }
    })({ [POLICY_KEY]: encode(policyDocument()) });
    const result = await runMonitor(
      { store, reports: new MemoryReportSink(), alerts: null, now: NOW, clock: () => NOW },
      OPTIONS,
    );
    const row = result.reports.incident.rows.find((r) => r.rowId === 'incident-sev1-paging');
    expect(row?.findings).toContainEqual(
      expect.objectContaining({
        code: 'evidence-unreadable',
        severity: 'error',
        key: 'drills/incident-sev1-paging/',
      }),
    );
    expect(result.reports.validation.promotion.blockers.map((b) => b.code)).toContain('evidence-unreadable');
  });

  it('writes the reports even when the alert ledger cannot be read, then fails the run', async () => {
    const reports = new MemoryReportSink();
    const ledger = new (class extends MemoryLedgerStore {
      override read(): Promise<{ bytes: Uint8Array | null; version: string | null }> {
        return Promise.reject(new ReportWriteError(`cannot read the alert ledger ${LEDGER_KEY} (EISDIR)`));
      }
    })();
    await expect(
      runMonitor(deps(storeWithOverdueIncident(), new MemoryAlertSink(), ledger, reports), OPTIONS),
    ).rejects.toBeInstanceOf(ReportWriteError);
    const validation = ValidationReportSchema.parse(
      JSON.parse(reports.files.get('reports/latest/usr-operational-readiness-validation.json') ?? 'null'),
    );
    expect(validation.alerts?.error).toContain('cannot read the alert ledger');
    // Five reports and the manifest, in the day's folder and in latest/, and the day's two history files.
    expect(reports.files.size).toBe(14);
  });
});
