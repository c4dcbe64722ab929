import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { FsEvidenceStore, FsLedgerStore, FsReportSink } from '../../lambdas/adapters/fs-store';
import { CSV_REPORT_FILE, HTML_REPORT_FILE } from '../../lambdas/constants';
import { DEFAULT_PARAMETERS } from '../../lambdas/core/cadence';
import { MANIFEST_FILE } from '../../lambdas/core/manifest';
import { INCIDENT_FILE, REPORT_FILES, ROLLBACK_FILE, VALIDATION_FILE } from '../../lambdas/core/reports';
import type { DrillReport, ValidationReport } from '../../lambdas/core/schemas';
import { DrillReportSchema, POLICY_SCHEMA_VERSION, ValidationReportSchema } from '../../lambdas/core/schemas';
import type { MonitorDeps, MonitorOptions } from '../../lambdas/monitor';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, LEDGER_KEY, runMonitor } from '../../lambdas/monitor';
import { LedgerError, StoreUnreachableError } from '../../lambdas/ports';
import { CATALOG, drillKey, evidence, incidentRow, rollbackRow } from '../fixtures/core/builders';
import { MemoryAlertSink } from '../fixtures/core/memory-store';
import { CountingStore, Timed, removeTempDirs, tempDir, writeStore } from '../fixtures/core/temp-store';

const NOW = new Date('2026-11-25T06:00:00Z');
const OPTIONS: MonitorOptions = {
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: DEFAULT_SCHEDULE_KEY,
  parameters: DEFAULT_PARAMETERS,
  concurrency: 3,
};

const incident = incidentRow();
const rollback = rollbackRow();
const optional = incidentRow({
  id: 'incident-sev3-optional',
  runbookId: 'rb-sev3',
  severityClass: 'sev3',
  blocking: false,
});
const freeze = rollbackRow({ id: 'pre-cutover-freeze', phase: 'pre-cutover', runbookId: 'rb-freeze' });

const drill = (row: typeof incident, completedAt: string, overrides: Record<string, unknown> = {}) => {
  const value = evidence(row, completedAt, overrides);
  return { [drillKey(row.id, completedAt, value.drillId)]: value };
};

/**
 * Every blocking row drilled within the readiness period of the upcoming December window. Older history sits
 * before the recent listing and must not be read.
 */
const HEALTHY: Record<string, unknown> = {
  [DEFAULT_POLICY_KEY]: {
    schemaVersion: POLICY_SCHEMA_VERSION,
    policyVersion: '2026.11.0',
    runbooks: CATALOG,
    rows: [incident, rollback],
  },
  [DEFAULT_SCHEDULE_KEY]: {
    schemaVersion: 'usr-cutover-schedule/v1',
    windows: [{ id: 'cutover-2026-12', startsAt: '2026-12-10T22:00:00Z', endsAt: '2026-12-11T04:00:00Z' }],
  },
  ...drill(incident, '2026-09-01T10:00:00Z'),
  ...drill(incident, '2026-10-01T10:00:00Z'),
  ...drill(incident, '2026-11-20T10:05:00Z'),
  ...drill(rollback, '2026-11-19T01:00:00Z', { outcome: 'fail' }),
  ...drill(rollback, '2026-11-21T01:00:00Z'),
};

/**
 * The window `cutover-2026-11` is in progress; the previous one ended 2026-11-01T04:00Z, so its readiness period is
 * (2026-11-01T04:00Z, 2026-11-24T22:00Z].
 * - incident: a success, then a failure without remediation, an unparseable artifact and a future-dated one;
 * - rollback: a success inside the window (too late to cover it) and one before the previous cutover ended;
 * - optional (non-blocking): never drilled;
 * - freeze: covered by an artifact under a nonconforming key.
 */
const TROUBLED: Record<string, unknown> = {
  [DEFAULT_POLICY_KEY]: {
    schemaVersion: POLICY_SCHEMA_VERSION,
    policyVersion: '2026.11.1',
    runbooks: { ...CATALOG, 'rb-sev3': { version: '1.0.0' }, 'rb-freeze': { version: '1.0.0' } },
    rows: [incident, rollback, optional, freeze],
  },
  [DEFAULT_SCHEDULE_KEY]: [
    { id: 'cutover-2026-10', startsAt: '2026-10-31T22:00:00Z', endsAt: '2026-11-01T04:00:00Z' },
    { id: 'cutover-2026-11', startsAt: '2026-11-24T22:00:00Z', endsAt: '2026-11-26T04:00:00Z' },
  ],
  ...drill(incident, '2026-11-20T10:05:00Z'),
  ...drill(incident, '2026-11-22T09:00:00Z', { outcome: 'fail', drillId: 'sev1-failed' }),
  'drills/incident-sev1-paging/20261123T000000Z-broken.json': '{"schemaVersion": ',
  ...drill(incident, '2026-11-26T00:00:00Z', { drillId: 'sev1-future' }),
  ...drill(rollback, '2026-10-29T08:00:00Z'),
  ...drill(rollback, '2026-11-25T01:00:00Z'),
  'drills/pre-cutover-freeze/manual-upload.json': new Timed(
    evidence(freeze, '2026-11-21T12:00:00Z'),
    '2026-11-21T12:30:00Z',
  ),
};

async function check(
  files: Readonly<Record<string, unknown>>,
  extra: Partial<MonitorDeps> = {},
  options: MonitorOptions = OPTIONS,
) {
  return checkAt(await writeStore(files), extra, options);
}

/** Runs the monitor on the store at `root`, writing reports to a new directory, without alerts. */
async function checkAt(root: string, extra: Partial<MonitorDeps> = {}, options: MonitorOptions = OPTIONS) {
  const out = await tempDir('out');
  const store = new CountingStore(new FsEvidenceStore(root));
  const result = await runMonitor(
    {
      store,
      reports: new FsReportSink(out),
      alerts: null,
      now: NOW,
      clock: () => new Date('2026-11-25T06:00:02.500Z'),
      ...extra,
    },
    options,
  );
  const readReport = async (folder: string, file: string): Promise<unknown> =>
    JSON.parse(await fs.readFile(path.join(out, 'reports', folder, file), 'utf8')) as unknown;
  return { root, out, store, result, readReport };
}

afterAll(removeTempDirs);

describe('runMonitor', () => {
  describe('with every blocking row covered', () => {
    it('decides go and writes the three reports, the HTML report and the CSV for the day and as latest', async () => {
      const { out, result } = await check(HEALTHY);
      expect(result.summary).toMatchObject({ decision: 'go', rows: 2, blockers: 0, errors: 0, warnings: 0 });
      expect(result.summary.reportKeys).toEqual(
        // The day's folder first, sealed by its manifest, then latest/, whose validation report (the mark of its
        // asOf) comes after the other reports, and the copy of the day's manifest last.
        [
          ...[...REPORT_FILES, HTML_REPORT_FILE, CSV_REPORT_FILE, MANIFEST_FILE].map(
            (file) => `reports/2026-11-25/${file}`,
          ),
          ...[
            INCIDENT_FILE,
            ROLLBACK_FILE,
            HTML_REPORT_FILE,
            CSV_REPORT_FILE,
            VALIDATION_FILE,
            MANIFEST_FILE,
          ].map((file) => `reports/latest/${file}`),
        ],
      );
      for (const file of [...REPORT_FILES, HTML_REPORT_FILE, CSV_REPORT_FILE, MANIFEST_FILE]) {
        const dated = await fs.readFile(path.join(out, 'reports', '2026-11-25', file), 'utf8');
        const latest = await fs.readFile(path.join(out, 'reports', 'latest', file), 'utf8');
        expect(latest).toBe(dated);
      }
    });

    it('writes reports that validate against the report schemas', async () => {
      const { readReport } = await check(HEALTHY);
      const validation = ValidationReportSchema.parse(await readReport('2026-11-25', VALIDATION_FILE));
      const incidentReport = DrillReportSchema.parse(await readReport('2026-11-25', INCIDENT_FILE));
      const rollbackReport = DrillReportSchema.parse(await readReport('2026-11-25', ROLLBACK_FILE));
      expect(validation.promotion).toMatchObject({
        decision: 'go',
        window: { id: 'cutover-2026-12', startsAt: '2026-12-10T22:00:00Z' },
      });
      expect(incidentReport.rows.map((r) => [r.rowId, r.status])).toEqual([[incident.id, 'compliant']]);
      expect(rollbackReport.rows.map((r) => [r.rowId, r.status])).toEqual([[rollback.id, 'compliant']]);
    });

    it('records the policy source and the consumed evidence with the digest of its bytes', async () => {
      const { root, result } = await check(HEALTHY);
      const digest = async (key: string) =>
        createHash('sha256')
          .update(await fs.readFile(path.join(root, ...key.split('/'))))
          .digest('hex');
      const validation = result.reports.validation;
      expect(validation.policySource).toMatchObject({
        key: DEFAULT_POLICY_KEY,
        etag: null,
        versionId: null,
        sha256: await digest(DEFAULT_POLICY_KEY),
      });
      expect(validation.policyVersion).toBe('2026.11.0');
      const incidentKey = drillKey(incident.id, '2026-11-20T10:05:00Z', '2026-11-20-incident-sev1-paging');
      const rollbackKey = drillKey(rollback.id, '2026-11-21T01:00:00Z', '2026-11-21-cutover-rollback-db');
      expect(validation.promotion.consumedEvidence).toEqual([
        {
          rowId: rollback.id,
          key: rollbackKey,
          etag: null,
          versionId: null,
          sha256: await digest(rollbackKey),
          completedAt: '2026-11-21T01:00:00Z',
          runbookVersion: '1.4.0',
        },
        {
          rowId: incident.id,
          key: incidentKey,
          etag: null,
          versionId: null,
          sha256: await digest(incidentKey),
          completedAt: '2026-11-20T10:05:00Z',
          runbookVersion: '3.2.0',
        },
      ]);
    });

    it('reads only the latest success of each row', async () => {
      const { store, result } = await check(HEALTHY);
      expect(store.reads.slice(0, 2)).toEqual([DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY]);
      expect(store.drillReads.sort()).toEqual([
        drillKey(rollback.id, '2026-11-21T01:00:00Z', '2026-11-21-cutover-rollback-db'),
        drillKey(incident.id, '2026-11-20T10:05:00Z', '2026-11-20-incident-sev1-paging'),
      ]);
      expect(result.summary.evidenceRead).toBe(2);
      // One listing per row, from a cadence before the recent part (2026-10-26T05:59:59Z).
      expect(store.listings).toEqual([
        { rowId: incident.id, options: { startAfter: '20260926T055959Z' } },
        { rowId: rollback.id, options: { startAfter: '20260926T055959Z' } },
      ]);
    });

    it('lists only the recent history and the cadence before it while the recent part holds a success', async () => {
      const { store } = await check(HEALTHY, { now: new Date('2026-12-15T00:00:00Z') });
      expect(store.listings.filter((l) => l.rowId === incident.id)).toEqual([
        { rowId: incident.id, options: { startAfter: '20261015T235959Z' } },
      ]);
    });

    it('reads the cadence before the recent part, after probing the oldest keys, when the recent part holds no success', async () => {
      const { store, result } = await check(HEALTHY, { now: new Date('2027-01-15T00:00:00Z') });
      expect(store.listings.filter((l) => l.rowId === incident.id)).toEqual([
        { rowId: incident.id, options: { startAfter: '20261115T235959Z' } },
        { rowId: incident.id, options: { limit: 1000 } },
      ]);
      expect(store.drillReads.filter((k) => k.includes(incident.id))).toEqual([
        drillKey(incident.id, '2026-11-20T10:05:00Z', '2026-11-20-incident-sev1-paging'),
      ]);
      expect(result.rows.find((r) => r.report.rowId === incident.id)?.report.status).toBe('overdue');
    });

    it('always reads an artifact under a nonconforming key, and the newer timestamped ones after it', async () => {
      const files = {
        ...HEALTHY,
        'drills/incident-sev1-paging/old-upload.json': new Timed(
          evidence(incident, '2026-11-02T10:00:00Z'),
          '2026-11-02T11:00:00Z',
        ),
      };
      const { store, result } = await check(files);
      expect(store.drillReads.filter((k) => k.includes(incident.id))).toEqual([
        'drills/incident-sev1-paging/old-upload.json',
        drillKey(incident.id, '2026-11-20T10:05:00Z', '2026-11-20-incident-sev1-paging'),
      ]);
      const report = result.rows.find((r) => r.report.rowId === incident.id)?.report;
      expect(report?.lastSuccess?.completedAt).toBe('2026-11-20T10:05:00Z');
      expect(report?.findings.map((f) => f.code)).toEqual(['evidence-key-nonconforming']);
    });

    it('produces byte-identical reports apart from generatedAt when run twice with the same now', async () => {
      const first = await check(TROUBLED);
      const second = await checkAt(first.root, { clock: () => new Date('2026-11-25T07:45:00Z') });
      for (const file of REPORT_FILES) {
        const a = await fs.readFile(path.join(first.out, 'reports', 'latest', file), 'utf8');
        const b = await fs.readFile(path.join(second.out, 'reports', 'latest', file), 'utf8');
        expect(b).not.toBe(a);
        const withoutGeneratedAt = (text: string) =>
          text.replace(/"generatedAt": "[^"]*"/, '"generatedAt": ""');
        expect(withoutGeneratedAt(b)).toBe(withoutGeneratedAt(a));
      }
    });
  });

  describe('with problems on several rows and a window in progress', () => {
    it('decides no-go with one blocker per problem of a blocking row', async () => {
      const { result } = await check(TROUBLED);
      expect(result.reports.validation.promotion).toMatchObject({
        decision: 'no-go',
        window: { id: 'cutover-2026-11', startsAt: '2026-11-24T22:00:00Z', endsAt: '2026-11-26T04:00:00Z' },
      });
      expect(result.reports.validation.promotion.blockers.map((b) => [b.rowId, b.code])).toEqual([
        [rollback.id, 'cutover-uncovered'],
        [incident.id, 'remediation-missing'],
      ]);
      expect(result.summary).toMatchObject({ decision: 'no-go', blockers: 2, errors: 0, warnings: 0 });
    });

    it('gives each row its status and findings', async () => {
      const { result } = await check(TROUBLED);
      const byRow = (report: DrillReport) =>
        Object.fromEntries(report.rows.map((r) => [r.rowId, [r.status, r.findings.map((f) => f.code)]]));
      expect(byRow(result.reports.incident)).toEqual({
        [incident.id]: ['compliant', ['evidence-from-future', 'evidence-invalid', 'remediation-missing']],
        // cutover-uncovered applies to incident rows too; never-drilled comes first.
        [optional.id]: ['never-drilled', ['cutover-uncovered', 'never-drilled']],
      });
      expect(byRow(result.reports.rollback)).toEqual({
        [rollback.id]: ['cutover-uncovered', ['cutover-uncovered']],
        [freeze.id]: ['compliant', ['evidence-key-nonconforming']],
      });
      expect(result.reports.incident.summary).toEqual({
        compliant: 1,
        'due-soon': 0,
        overdue: 0,
        'never-drilled': 1,
        'cutover-uncovered': 0,
      });
      const failures = result.reports.incident.rows.find((r) => r.rowId === incident.id)?.failures;
      expect(failures).toEqual([expect.objectContaining({ drillId: 'sev1-failed', remediation: 'missing' })]);
    });

    it('reads a window in progress back to a success before it started, and no further', async () => {
      const { store } = await check(TROUBLED);
      expect(store.drillReads.filter((k) => k.includes(rollback.id))).toEqual([
        drillKey(rollback.id, '2026-11-25T01:00:00Z', '2026-11-25-cutover-rollback-db'),
      ]);
      expect(store.drillReads.filter((k) => k.includes(incident.id))).toEqual([
        drillKey(incident.id, '2026-11-26T00:00:00Z', 'sev1-future'),
        'drills/incident-sev1-paging/20261123T000000Z-broken.json',
        drillKey(incident.id, '2026-11-22T09:00:00Z', 'sev1-failed'),
        drillKey(incident.id, '2026-11-20T10:05:00Z', '2026-11-20-incident-sev1-paging'),
      ]);
      expect(store.drillReads.filter((k) => k.includes(freeze.id))).toEqual([
        'drills/pre-cutover-freeze/manual-upload.json',
      ]);
    });

    it('keeps reading a window in progress while the successes it finds came after the start', async () => {
      const files = {
        ...TROUBLED,
        ...drill(rollback, '2026-11-10T00:00:00Z'),
        ...drill(rollback, '2026-11-05T00:00:00Z'),
      };
      const { store, result } = await check(files);
      expect(store.drillReads.filter((k) => k.includes(rollback.id))).toEqual([
        drillKey(rollback.id, '2026-11-25T01:00:00Z', '2026-11-25-cutover-rollback-db'),
        drillKey(rollback.id, '2026-11-10T00:00:00Z', '2026-11-10-cutover-rollback-db'),
      ]);
      expect(result.rows.find((r) => r.report.rowId === rollback.id)?.report.status).toBe('compliant');
    });
  });

  describe('with a broken policy', () => {
    it('reports a missing policy as policy-unreadable and decides no-go, still writing every report', async () => {
      const files = { ...HEALTHY };
      delete files[DEFAULT_POLICY_KEY];
      const { result, readReport } = await check(files);
      expect(result.reports.validation.findings).toEqual([
        {
          code: 'policy-unreadable',
          severity: 'error',
          message: `${DEFAULT_POLICY_KEY}: not found`,
        },
      ]);
      expect(result.reports.validation.policySource).toEqual({
        key: DEFAULT_POLICY_KEY,
        etag: null,
        versionId: null,
        lastModified: null,
        sha256: null,
      });
      expect(result.summary.decision).toBe('no-go');
      expect(ValidationReportSchema.parse(await readReport('latest', VALIDATION_FILE)).summary).toEqual({
        rows: 0,
        blockingRows: 0,
        errors: 1,
        warnings: 0,
        waived: 0,
      });
      expect(DrillReportSchema.parse(await readReport('latest', INCIDENT_FILE)).rows).toEqual([]);
    });

    it('evaluates the valid rows of a policy with errors', async () => {
      const policy = {
        schemaVersion: POLICY_SCHEMA_VERSION,
        runbooks: CATALOG,
        rows: [incident, rollback, { ...incident, id: 'bad', phase: 'rollout' }],
      };
      const { result } = await check({ ...HEALTHY, [DEFAULT_POLICY_KEY]: policy });
      expect(result.reports.validation.summary).toEqual({
        rows: 3,
        blockingRows: 2,
        errors: 1,
        warnings: 0,
        waived: 0,
      });
      expect(result.reports.validation.promotion.blockers).toEqual([
        expect.objectContaining({ code: 'schema', rowId: 'bad' }),
      ]);
      expect(result.rows.map((r) => r.report.status)).toEqual(['compliant', 'compliant']);
    });

    it('decides no-go on an invalid schedule', async () => {
      const { result } = await check({ ...HEALTHY, [DEFAULT_SCHEDULE_KEY]: '{"windows": ' });
      expect(result.reports.validation.promotion.blockers.map((b) => b.code)).toEqual(['schedule-invalid']);
    });
  });

  describe('with alerts', () => {
    it('publishes through the ledger once per day and reports what it published', async () => {
      const root = await writeStore(TROUBLED);
      const out = await tempDir('out');
      const sink = new MemoryAlertSink();
      const deps = (): MonitorDeps => ({
        store: new FsEvidenceStore(root),
        reports: new FsReportSink(out),
        alerts: { sink, ledger: new FsLedgerStore(out) },
        now: NOW,
        clock: () => NOW,
      });
      const first = await runMonitor(deps(), OPTIONS);
      expect(first.alerts.map((a) => a.id)).toEqual([
        '2026-11-25/cutover-uncovered/cutover-rollback-db@060000Z',
        '2026-11-25/cutover-uncovered/incident-sev3-optional@060000Z',
        '2026-11-25/never-drilled/incident-sev3-optional@060000Z',
        '2026-11-25/remediation-missing/incident-sev1-paging@060000Z',
        '2026-11-25/summary/_run',
      ]);
      expect(first.reports.validation.alerts).toEqual({ sink: sink.location, undelivered: [] });
      await expect(fs.readFile(path.join(out, ...LEDGER_KEY.split('/')), 'utf8')).resolves.toContain(
        '"topic":"summary","blocking":false,"firstSeen":"2026-11-25T06:00:00Z","lastAlerted":"2026-11-25"',
      );

      const again = await runMonitor(deps(), OPTIONS);
      expect(again.alerts).toEqual([]);
      expect(again.reports.validation.alerts).toEqual({ sink: sink.location, undelivered: [] });
      expect(sink.published).toHaveLength(5);
    });

    it('lists undelivered alerts in the report and sends them on the next run', async () => {
      const root = await writeStore(TROUBLED);
      const out = await tempDir('out');
      const sink = new MemoryAlertSink();
      sink.failing = (a) => a.alertType === 'never-drilled';
      const deps = (): MonitorDeps => ({
        store: new FsEvidenceStore(root),
        reports: new FsReportSink(out),
        alerts: { sink, ledger: new FsLedgerStore(out) },
        now: NOW,
        clock: () => NOW,
      });
      const first = await runMonitor(deps(), OPTIONS);
      expect(first.summary).toMatchObject({ alertsPublished: 4, alertsFailed: 1 });
      expect(first.reports.validation.alerts?.undelivered).toEqual([
        {
          id: '2026-11-25/never-drilled/incident-sev3-optional@060000Z',
          alertType: 'never-drilled',
          rowId: 'incident-sev3-optional',
          error: 'simulated delivery failure',
        },
      ]);
      sink.failing = null;
      const retry = await runMonitor(deps(), OPTIONS);
      expect(retry.alerts.map((a) => a.id)).toEqual([
        '2026-11-25/never-drilled/incident-sev3-optional@060000Z',
      ]);
    });

    it('leaves the live ledger and reports/latest/ alone when re-running an earlier day (a backfill)', async () => {
      const root = await writeStore(TROUBLED);
      const out = await tempDir('out');
      const sink = new MemoryAlertSink();
      const at = (now: Date): MonitorDeps => ({
        store: new FsEvidenceStore(root),
        reports: new FsReportSink(out),
        alerts: { sink, ledger: new FsLedgerStore(out) },
        now,
        clock: () => new Date('2026-11-27T08:00:00Z'),
      });
      const read = (...parts: string[]) => fs.readFile(path.join(out, ...parts), 'utf8');
      await runMonitor(at(new Date('2026-11-26T06:00:00Z')), OPTIONS);
      const ledgerBefore = await read(...LEDGER_KEY.split('/'));
      const latestBefore = await read('reports', 'latest', VALIDATION_FILE);
      const published = sink.published.length;

      const backfill = await runMonitor(at(NOW), OPTIONS);
      expect(sink.published).toHaveLength(published);
      expect(backfill.alerts).toEqual([]);
      expect(backfill.summary.latestMoved).toBe(false);
      expect(backfill.reports.validation.alerts?.skipped).toMatch(
        /^backfill: 2026-11-25T06:00:00.000Z is earlier/,
      );
      await expect(read(...LEDGER_KEY.split('/'))).resolves.toBe(ledgerBefore);
      await expect(read('reports', 'latest', VALIDATION_FILE)).resolves.toBe(latestBefore);
      const day = JSON.parse(await read('reports', '2026-11-25', VALIDATION_FILE)) as ValidationReport;
      expect(day.asOf).toBe('2026-11-25T06:00:00Z');
    });

    it('catches a late scheduled run up to the clock when reports/latest/ already holds a later run', async () => {
      const root = await writeStore(TROUBLED);
      const out = await tempDir('out');
      const deps = (now: string, clock: string, catchUp: boolean): MonitorDeps => ({
        store: new FsEvidenceStore(root),
        reports: new FsReportSink(out),
        alerts: { sink: new MemoryAlertSink(), ledger: new FsLedgerStore(out) },
        lease: new FsLedgerStore(out, 'state/run-lease.json'),
        now: new Date(now),
        clock: () => new Date(clock),
        catchUp,
      });
      await runMonitor(deps('2026-11-25T10:00:00Z', '2026-11-25T10:00:01Z', false), OPTIONS);
      const late = await runMonitor(deps('2026-11-25T06:00:00Z', '2026-11-25T11:00:00Z', true), OPTIONS);
      expect(late.summary).toMatchObject({ asOf: '2026-11-25T11:00:00Z', dayMoved: true, latestMoved: true });
      const stale = await runMonitor(deps('2026-11-25T06:00:00Z', '2026-11-25T11:30:00Z', false), OPTIONS);
      expect(stale.summary).toMatchObject({ asOf: '2026-11-25T06:00:00Z', dayMoved: false, reportKeys: [] });
    });

    it('fails on an unreadable ledger after writing the reports, and never starts a new one', async () => {
      const root = await writeStore(HEALTHY);
      const out = await writeStore({ [LEDGER_KEY]: 'not json' });
      const sink = new MemoryAlertSink();
      const run = runMonitor(
        {
          store: new FsEvidenceStore(root),
          reports: new FsReportSink(out),
          alerts: { sink, ledger: new FsLedgerStore(out) },
          now: NOW,
          clock: () => NOW,
        },
        OPTIONS,
      );
      await expect(run).rejects.toBeInstanceOf(LedgerError);
      await expect(run).rejects.toThrow(/^state\/alert-ledger\.json: not valid JSON .*; no alert was sent/);
      expect(sink.published).toEqual([]);
      await expect(fs.readFile(path.join(out, ...LEDGER_KEY.split('/')), 'utf8')).resolves.toBe('not json');
      const validation = JSON.parse(
        await fs.readFile(path.join(out, 'reports', 'latest', VALIDATION_FILE), 'utf8'),
      ) as ValidationReport;
      expect(validation.promotion.decision).toBe('go');
      expect(validation.alerts?.error).toMatch(/^state\/alert-ledger\.json: not valid JSON/);
    });
  });

  it('throws StoreUnreachableError when the store directory does not exist', async () => {
    const out = await tempDir('out');
    await expect(
      runMonitor(
        {
          store: new FsEvidenceStore(path.join(out, 'nowhere')),
          reports: new FsReportSink(out),
          alerts: null,
          now: NOW,
          clock: () => NOW,
        },
        OPTIONS,
      ),
    ).rejects.toBeInstanceOf(StoreUnreachableError);
  });

  it('follows configured cadence and warning days', async () => {
    const { result } = await check(HEALTHY, {}, { ...OPTIONS, parameters: { cadenceDays: 7, warnDays: 3 } });
    const validation: ValidationReport = result.reports.validation;
    expect(validation.parameters).toEqual({ cadenceDays: 7, warnDays: 3 });
    expect(result.rows.map((r) => [r.report.rowId, r.report.status, r.report.dueAt])).toEqual([
      [incident.id, 'due-soon', '2026-11-27T10:05:00Z'],
      [rollback.id, 'due-soon', '2026-11-28T01:00:00Z'],
    ]);
  });
});
