/**
 * `runMonitor` started by evidence changes (docs/events.md), on in-memory ports: the trigger in the validation
 * report, what a triggered run sends next to the scheduled one, and drills checked on arrival.
 */
import { DEFAULT_PARAMETERS } from '../../lambdas/core/cadence';
import type { EvidenceChange, RunTrigger } from '../../lambdas/core/evidence-events';
import { changeTrigger, runTrigger } from '../../lambdas/core/evidence-events';
import type { Alert, RowReport } from '../../lambdas/core/schemas';
import { POLICY_SCHEMA_VERSION, ValidationReportSchema } from '../../lambdas/core/schemas';
import type { MonitorOptions } from '../../lambdas/monitor';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';
import { CATALOG, drillKey, evidence, incidentRow, rollbackRow } from '../fixtures/core/builders';
import {
  MemoryAlertSink,
  MemoryEvidenceStore,
  MemoryLedgerStore,
  MemoryReportSink,
} from '../fixtures/core/memory-store';

const OPTIONS: MonitorOptions = {
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: DEFAULT_SCHEDULE_KEY,
  parameters: DEFAULT_PARAMETERS,
  concurrency: 4,
};
const incident = incidentRow();
const rollback = rollbackRow();
const POLICY = JSON.stringify({
  schemaVersion: POLICY_SCHEMA_VERSION,
  runbooks: CATALOG,
  rows: [incident, rollback],
});
const NOW = new Date('2026-11-25T06:00:00Z');

const json = (value: unknown): string => JSON.stringify(value);
const put = (store: MemoryEvidenceStore, row: typeof incident, at: string, extra = {}): string => {
  const drill = evidence(row, at, extra);
  const key = drillKey(row.id, at, drill.drillId);
  store.put(key, json(drill));
  return key;
};

/** Incident compliant (success 2026-11-20), rollback overdue (last success 2026-10-01): blocking, so it reminds. */
function store(): MemoryEvidenceStore {
  const s = new MemoryEvidenceStore({ [DEFAULT_POLICY_KEY]: POLICY });
  put(s, incident, '2026-11-20T10:05:00Z');
  put(s, rollback, '2026-10-01T01:00:00Z');
  return s;
}

const created = (...keys: string[]): EvidenceChange[] =>
  keys.map((key, i) => ({ messageId: String(i), change: 'created', key, at: NOW.getTime() }));

interface Harness {
  readonly store: MemoryEvidenceStore;
  readonly reports: MemoryReportSink;
  readonly sink: MemoryAlertSink;
  readonly ledger: MemoryLedgerStore;
}

function harness(evidenceStore: MemoryEvidenceStore = store()): Harness {
  return {
    store: evidenceStore,
    reports: new MemoryReportSink(),
    sink: new MemoryAlertSink(),
    ledger: new MemoryLedgerStore(),
  };
}

async function run(h: Harness, now: string | Date, trigger?: RunTrigger, alerting = true) {
  const at = new Date(now);
  const before = h.sink.published.length;
  const result = await runMonitor(
    {
      store: h.store,
      reports: h.reports,
      alerts: alerting ? { sink: h.sink, ledger: h.ledger } : null,
      now: at,
      clock: () => at,
      ...(trigger ? { trigger } : {}),
    },
    OPTIONS,
  );
  return { result, sent: h.sink.published.slice(before) };
}

const kinds = (alerts: readonly Alert[]): string[] =>
  alerts.map((a) => `${a.alertType}/${String(a.attributes.rowId ?? '_run')}`).sort();

const rowOf = (rows: readonly { report: RowReport }[], id: string): RowReport => {
  const found = rows.find((r) => r.report.rowId === id);
  if (!found) throw new Error(`no row ${id}`);
  return found.report;
};

describe('runMonitor trigger', () => {
  it('records a manual trigger without events when none is given', async () => {
    const { result } = await run(harness(), NOW, undefined, false);
    expect(result.reports.validation.trigger).toEqual({ kind: 'manual', count: 0, keys: [] });
  });

  it('records the kind, the number of events and the keys of an evidence change, and validates', async () => {
    const h = harness();
    const key = put(h.store, incident, '2026-11-24T09:00:00Z');
    const trigger = changeTrigger([
      ...created(key),
      { messageId: 'x', change: 'deleted', key: DEFAULT_SCHEDULE_KEY, at: NOW.getTime() },
    ]);
    const { result } = await run(h, NOW, trigger, false);
    expect(result.reports.validation.trigger).toEqual({
      kind: 'evidence-change',
      count: 2,
      keys: [key, DEFAULT_SCHEDULE_KEY],
    });
    const written = h.reports.files.get('reports/latest/usr-operational-readiness-validation.json') ?? '';
    expect(ValidationReportSchema.parse(JSON.parse(written)).trigger?.kind).toBe('evidence-change');
  });
});

describe('runMonitor started by evidence changes: what it sends', () => {
  it('sends a new problem and its recovery at once, never a reminder or the summary', async () => {
    const h = harness();
    expect(kinds((await run(h, NOW, runTrigger('schedule'))).sent)).toEqual([
      'overdue/cutover-rollback-db',
      'summary/_run',
    ]);
    const failed = put(h.store, incident, '2026-11-25T06:30:00Z', { outcome: 'fail', drillId: 'failed' });
    const opened = await run(h, '2026-11-25T07:01:00Z', changeTrigger(created(failed)));
    expect(kinds(opened.sent)).toEqual(['remediation-missing/incident-sev1-paging']);
    const rerun = put(h.store, incident, '2026-11-25T07:30:00Z', { drillId: 'rerun', rerunOf: 'failed' });
    const recovered = await run(h, '2026-11-25T08:01:00Z', changeTrigger(created(rerun)));
    expect(kinds(recovered.sent)).toEqual(['recovered/incident-sev1-paging']);
  });

  it('leaves the next day’s reminder and summary to the scheduled run, even after a triggered run', async () => {
    const h = harness();
    await run(h, NOW, runTrigger('schedule'));
    const key = put(h.store, incident, '2026-11-26T04:00:00Z', { drillId: 'another-pass' });
    const triggered = await run(h, '2026-11-26T05:00:00Z', changeTrigger(created(key)));
    expect(triggered.sent).toEqual([]);
    const scheduled = await run(h, '2026-11-26T06:00:00Z', runTrigger('schedule'));
    expect(kinds(scheduled.sent)).toEqual(['overdue/cutover-rollback-db', 'summary/_run']);
    expect(scheduled.sent.every((a) => a.id.startsWith('2026-11-26/'))).toBe(true);
  });

  it('never repeats what the scheduled run already sent that day', async () => {
    const h = harness();
    await run(h, NOW, runTrigger('schedule'));
    const key = put(h.store, rollback, '2026-11-01T01:00:00Z', { outcome: 'fail', drillId: 'old-fail' });
    const triggered = await run(h, '2026-11-25T09:00:00Z', changeTrigger(created(key)));
    expect(kinds(triggered.sent)).toEqual(['remediation-missing/cutover-rollback-db']);
    const again = await run(h, '2026-11-25T10:00:00Z', changeTrigger(created(key)));
    expect(again.sent).toEqual([]);
  });
});

describe('runMonitor started by evidence changes: drills checked on arrival', () => {
  /** A drill that passes on 2026-11-24 stored under a key naming 2026-01-02: the reading plan never lists it. */
  function misnamed(s: MemoryEvidenceStore): string {
    const key = `drills/${incident.id}/20260102T000000Z-misnamed.json`;
    s.put(key, json(evidence(incident, '2026-11-24T09:00:00Z', { drillId: 'misnamed' })));
    return key;
  }

  it('reports a misnamed upload the reading plan would not reach, and changes no status', async () => {
    const plain = harness();
    misnamed(plain.store);
    const unchecked = await run(plain, NOW, runTrigger('schedule'), false);
    expect(plain.store.reads).not.toContain(`drills/${incident.id}/20260102T000000Z-misnamed.json`);

    const h = harness();
    const key = misnamed(h.store);
    const { result } = await run(h, NOW, changeTrigger(created(key)), false);
    const report = rowOf(result.rows, incident.id);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'evidence-key-mismatch', severity: 'warning', key }),
    );
    const before = rowOf(unchecked.result.rows, incident.id);
    expect({ ...report, findings: [], evidenceRead: 0 }).toEqual({
      ...before,
      findings: [],
      evidenceRead: 0,
    });
    expect(report.evidenceRead).toBe(before.evidenceRead + 1);
  });

  it('reports a drill filed under another row’s folder and an unreadable upload', async () => {
    const h = harness();
    const misfiled = `drills/${incident.id}/20260103T000000Z-wrong-folder.json`;
    h.store.put(misfiled, json(evidence(rollback, '2026-01-03T00:00:00Z')));
    const broken = `drills/${rollback.id}/20260104T000000Z-broken.json`;
    h.store.put(broken, '{"schemaVersion": ');
    const { result } = await run(h, NOW, changeTrigger(created(misfiled, broken)), false);
    expect(rowOf(result.rows, incident.id).findings).toContainEqual(
      expect.objectContaining({
        code: 'evidence-invalid',
        key: misfiled,
        message: expect.stringContaining('misfiled: rowId "cutover-rollback-db"') as string,
      }),
    );
    expect(rowOf(result.rows, rollback.id).findings).toContainEqual(
      expect.objectContaining({ code: 'evidence-invalid', key: broken }),
    );
  });

  it('warns in the validation report of drills no row of the policy reads', async () => {
    const h = harness();
    const ghost = 'drills/ghost-row/20261124T000000Z-x.json';
    const nested = `drills/${incident.id}/2026/20261124T000000Z-x.json`;
    h.store.put(ghost, '{}').put(nested, '{}');
    const { result } = await run(h, NOW, changeTrigger(created(ghost, nested)), false);
    expect(result.reports.validation.findings).toEqual([
      expect.objectContaining({ code: 'evidence-invalid', severity: 'warning', key: ghost }),
      expect.objectContaining({ code: 'evidence-invalid', severity: 'warning', key: nested }),
    ]);
    expect(result.reports.validation.summary.warnings).toBe(2);
    expect(result.reports.validation.promotion.decision).toBe('no-go');
    expect(h.store.reads).not.toContain(ghost);
  });

  it('reads a key the reading plan already read only once, and adds nothing twice', async () => {
    const h = harness();
    const recent = put(h.store, incident, '2026-11-24T09:00:00Z', { drillId: 'recent' });
    const { result } = await run(h, NOW, changeTrigger(created(recent)), false);
    expect(h.store.reads.filter((k) => k === recent)).toHaveLength(1);
    const plain = await run(harness(h.store), NOW, runTrigger('schedule'), false);
    expect(rowOf(result.rows, incident.id)).toEqual(rowOf(plain.result.rows, incident.id));
  });

  it('skips an upload that is gone by the time of the run, and reads no deleted key', async () => {
    const h = harness();
    const gone = `drills/${incident.id}/20260105T000000Z-gone.json`;
    const deleted = `drills/${incident.id}/20260106T000000Z-deleted.json`;
    const trigger = changeTrigger([
      ...created(gone),
      { messageId: 'd', change: 'deleted', key: deleted, at: NOW.getTime() },
    ]);
    const { result } = await run(h, NOW, trigger, false);
    const plain = await run(harness(), NOW, runTrigger('schedule'), false);
    expect(rowOf(result.rows, incident.id)).toEqual(rowOf(plain.result.rows, incident.id));
    expect(h.store.reads).not.toContain(deleted);
  });

  it('finds an upload whose key the event named URL-encoded', async () => {
    const h = harness();
    const key = `drills/${incident.id}/manual upload.json`;
    h.store.put(key, '[]');
    const { result } = await run(h, NOW, changeTrigger(created(key.replace(' ', '+'))), false);
    expect(rowOf(result.rows, incident.id).findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'evidence-invalid', key }),
        expect.objectContaining({ code: 'evidence-key-nonconforming', key }),
      ]),
    );
  });
});
