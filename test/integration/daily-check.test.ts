/**
 * The daily-check Lambda handler end to end against real HTTP endpoints on loopback (fauxqs): evidence in S3,
 * reports and the alert ledger written back to S3, alerts published to SNS and received through SQS queues
 * whose subscriptions filter on message attributes.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { makeS3Client, makeSnsClient } from '../../lambdas/adapters/aws-clients';
import { FsEvidenceStore } from '../../lambdas/adapters/fs-store';
import type { Alert } from '../../lambdas/core/schemas';
import type { Ledger } from '../../lambdas/core/schemas';
import { DrillReportSchema, LedgerSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import { loadConfig } from '../../lambdas/handlers/config';
import type * as DailyCheck from '../../lambdas/handlers/daily-check';
import type { RunSummary } from '../../lambdas/monitor';
import { runMonitor } from '../../lambdas/monitor';
import { StoreBuilder, drillFor, drillKey, row } from '../fixtures/store-builder';
import type { DeliveredAlert, SubscribedQueue } from './support';
import {
  EXAMPLE_STORE,
  MemoryLedgerStore,
  MemoryReportSink,
  NOW,
  MemoryAlertSink,
  REGION,
  OUTPUT_FILES,
  REPORT_FILES,
  historyKeys,
  awsEnv,
  createBucket,
  createTopic,
  delivered,
  drain,
  endpoint,
  getJson,
  getObject,
  listKeys,
  receiveAlerts,
  s3Client,
  snsClient,
  sqsClient,
  subscribeQueue,
  uniqueName,
  uploadDirectory,
} from './support';

const DAY = NOW.slice(0, 10);
const LATER_SAME_DAY = '2026-11-25T18:00:00Z';
const NEXT_DAY = '2026-11-26T06:00:00Z';
const s3 = s3Client();
const sns = snsClient();
const sqs = sqsClient();
const savedEnv = { ...process.env };

afterAll(() => {
  process.env = savedEnv;
  s3.destroy();
  sns.destroy();
  sqs.destroy();
});

/** The message attributes SNS should carry for an alert: strings as String, arrays as String.Array. */
function expectedAttributes(alert: Alert): Record<string, { Type: string; Value: string }> {
  return Object.fromEntries(
    Object.entries(alert.attributes).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? { Type: 'String', Value: value }
        : { Type: 'String.Array', Value: JSON.stringify(value) },
    ]),
  );
}

const alertKey = (a: Alert): string =>
  `${a.alertType}/${typeof a.attributes.rowId === 'string' ? a.attributes.rowId : '_run'}`;

/** The same store, evaluated through the directory adapters with in-memory sinks: the alerts to expect. */
async function referenceAlerts(storeDir: string, now: string): Promise<Alert[]> {
  const sink = new MemoryAlertSink();
  await runMonitor(
    {
      store: new FsEvidenceStore(storeDir),
      reports: new MemoryReportSink(),
      alerts: { sink, ledger: new MemoryLedgerStore() },
      now: new Date(now),
      clock: () => new Date(now),
    },
    {
      policyKey: 'policy/usr-operational-readiness-policy.json',
      scheduleKey: 'schedule/cutover-windows.json',
      parameters: { cadenceDays: 30, warnDays: 7 },
      concurrency: 4,
    },
  );
  return sink.published;
}

/** `<rowId>/<problem>` of every open problem in a ledger (the summary's entry aside). */
const openProblems = (ledger: Ledger): string[] =>
  ledger.entries
    .filter((e) => e.topic !== 'summary')
    .map((e) => `${e.rowId}/${e.topic}`)
    .sort();

describe('daily-check handler (the real `handler` export) on the example store in S3', () => {
  const bucket = uniqueName('handler');
  let topicArn = '';
  let queues: Record<'all' | 'types' | 'row' | 'blockingSev1', SubscribedQueue>;
  let reference: Alert[] = [];
  let handler: DailyCheck.DailyCheckHandler;
  let summary: RunSummary;

  beforeAll(async () => {
    await createBucket(s3, bucket);
    await uploadDirectory(s3, bucket, '', EXAMPLE_STORE);
    topicArn = await createTopic(sns, uniqueName('alerts'));
    const [all, types, rowQueue, blockingSev1] = await Promise.all([
      subscribeQueue(sns, sqs, topicArn, uniqueName('all')),
      subscribeQueue(sns, sqs, topicArn, uniqueName('types'), {
        alertType: ['overdue', 'remediation-missing'],
      }),
      subscribeQueue(sns, sqs, topicArn, uniqueName('row'), { rowId: ['post-cutover-data-reconcile'] }),
      subscribeQueue(sns, sqs, topicArn, uniqueName('sev1'), { blocking: ['true'], severityClass: ['sev1'] }),
    ]);
    queues = { all, types, row: rowQueue, blockingSev1 };
    reference = await referenceAlerts(EXAMPLE_STORE, NOW);

    handler = loadHandlerModule({
      EVIDENCE_BUCKET: bucket,
      EVIDENCE_PREFIX: '',
      ALERT_TOPIC_ARN: topicArn,
      CADENCE_DAYS: '30',
      WARN_DAYS: '7',
      CONCURRENCY: '4',
    }).handler;
    summary = await handler({ now: NOW });
  });

  it('returns the run summary: no-go, 12 rows, 1 waived blocker, 10 alerts published, every output of the day and of latest', () => {
    expect(summary).toEqual(
      expect.objectContaining({
        asOf: NOW,
        decision: 'no-go',
        rows: 12,
        blockingRows: 8,
        blockers: 4,
        waived: 1,
        alertsPublished: 10,
        alertsFailed: 0,
      }),
    );
    expect([...summary.reportKeys].sort()).toEqual(
      [DAY, 'latest'].flatMap((folder) => OUTPUT_FILES.map((file) => `reports/${folder}/${file}`)).sort(),
    );
  });

  it('writes the three reports under reports/<day>/ and reports/latest/ as identical application/json objects', async () => {
    expect(await listKeys(s3, bucket, 'reports/')).toEqual(
      [DAY, 'latest'].flatMap((folder) => OUTPUT_FILES.map((file) => `reports/${folder}/${file}`)).sort(),
    );
    expect(await listKeys(s3, bucket, 'history/')).toEqual(historyKeys(DAY));
    for (const file of REPORT_FILES) {
      const day = await getObject(s3, bucket, `reports/${DAY}/${file}`);
      const latest = await getObject(s3, bucket, `reports/latest/${file}`);
      expect(day.contentType).toBe('application/json');
      expect(latest.contentType).toBe('application/json');
      expect(latest.text).toBe(day.text);
    }
  });

  it('records the no-go decision, its blockers and the S3 evidence it consumed in the validation report', async () => {
    const validation = ValidationReportSchema.parse(
      await getJson(s3, bucket, `reports/${DAY}/usr-operational-readiness-validation.json`),
    );
    expect(validation.asOf).toBe(NOW);
    expect(validation.store).toBe(`s3://${bucket}`);
    expect(validation.parameters).toEqual({ cadenceDays: 30, warnDays: 7 });
    expect(validation.summary).toEqual({ rows: 12, blockingRows: 8, errors: 0, warnings: 0, waived: 1 });
    expect(validation.policySource.key).toBe('policy/usr-operational-readiness-policy.json');
    expect(validation.policySource.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(validation.policySource.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(path.join(EXAMPLE_STORE, 'policy', 'usr-operational-readiness-policy.json')))
        .digest('hex'),
    );
    expect(validation.promotion.decision).toBe('no-go');
    expect(validation.promotion.window?.id).toBe('cutover-2026-11');
    expect(validation.promotion.blockers.map((b) => `${b.code}/${b.rowId ?? ''}`)).toEqual([
      'remediation-missing/cutover-dns-failback',
      'remediation-overdue/incident-sev1-security',
      'cutover-uncovered/post-cutover-data-reconcile',
      'cutover-uncovered/rollback-feature-flags',
    ]);
    // The example store's waivers file: W-2026-014 accepts the overdue drill of post-cutover-data-reconcile (and
    // nothing else of that row); W-2026-009 has expired and waives nothing.
    expect(
      validation.promotion.waived.map((w) => `${w.code}/${w.rowId ?? ''}/${w.waiverId}/${w.expiresAt}`),
    ).toEqual(['overdue/post-cutover-data-reconcile/W-2026-014/2026-12-04T00:00:00Z']);
    expect(validation.waivers.map((w) => `${w.id ?? ''}:${w.state}`)).toEqual([
      'W-2026-009:expired',
      'W-2026-014:active',
    ]);
    expect(validation.waiversSource?.key).toBe('policy/waivers.json');
    expect(validation.waiversSource?.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(validation.alerts).toEqual({ sink: `sns:${topicArn}`, undelivered: [] });

    const consumed = validation.promotion.consumedEvidence;
    expect(consumed.length).toBeGreaterThan(0);
    for (const evidence of consumed) {
      const object = await getObject(s3, bucket, evidence.key);
      expect(evidence.etag).toBe(object.etag?.replace(/"/g, ''));
      expect(evidence.sha256).toBe(createHash('sha256').update(object.text).digest('hex'));
    }
  });

  it('reports every row of each drill type with its status, sorted by row id', async () => {
    const incident = DrillReportSchema.parse(
      await getJson(s3, bucket, 'reports/latest/usr-incident-response-drill-report.json'),
    );
    const rollback = DrillReportSchema.parse(
      await getJson(s3, bucket, 'reports/latest/usr-rollback-drill-report.json'),
    );
    expect(incident.drillType).toBe('incident');
    expect(Object.fromEntries(incident.rows.map((r) => [r.rowId, r.status]))).toEqual({
      'incident-postmortem': 'never-drilled',
      'incident-sev1-paging': 'compliant',
      'incident-sev1-security': 'compliant',
      'incident-sev2-escalation': 'due-soon',
      'incident-sev3-comms': 'overdue',
    });
    expect(rollback.drillType).toBe('rollback');
    expect(Object.fromEntries(rollback.rows.map((r) => [r.rowId, r.status]))).toEqual({
      'cutover-dns-failback': 'compliant',
      'cutover-region-evac': 'compliant',
      'cutover-traffic-shift': 'compliant',
      'post-cutover-cache-warm': 'compliant',
      'post-cutover-data-reconcile': 'overdue',
      'rollback-db-schema': 'compliant',
      'rollback-feature-flags': 'cutover-uncovered',
    });
    for (const report of [incident, rollback]) {
      const ids = report.rows.map((r) => r.rowId);
      expect(ids).toEqual([...ids].sort());
    }
    const evac = rollback.rows.find((r) => r.rowId === 'cutover-region-evac');
    expect(evac?.findings.map((f) => f.code)).toContain('evidence-key-nonconforming');
  });

  describe('alerts delivered through SNS to SQS', () => {
    let received: Record<keyof typeof queues, DeliveredAlert[]>;

    beforeAll(async () => {
      const [all, types, rowQueue, blockingSev1] = await Promise.all([
        receiveAlerts(sqs, queues.all, 10),
        receiveAlerts(sqs, queues.types, 2),
        receiveAlerts(sqs, queues.row, 1),
        receiveAlerts(sqs, queues.blockingSev1, 1),
      ]);
      received = { all, types, row: rowQueue, blockingSev1 };
    });

    it('delivers every alert of the run to the unfiltered queue, with the JSON body and the message attributes', () => {
      expect(delivered(received.all)).toEqual(reference.map(alertKey).sort());
      expect(delivered(received.all)).toEqual([
        'cutover-uncovered/incident-postmortem',
        'cutover-uncovered/incident-sev3-comms',
        'cutover-uncovered/post-cutover-data-reconcile',
        'cutover-uncovered/rollback-feature-flags',
        'due-soon/incident-sev2-escalation',
        'never-drilled/incident-postmortem',
        'overdue/incident-sev3-comms',
        'remediation-missing/cutover-dns-failback',
        'remediation-overdue/incident-sev1-security',
        'summary/_run',
      ]);
      const byKey = new Map(reference.map((a) => [alertKey(a), a]));
      for (const message of received.all) {
        const alert = byKey.get(
          `${String(message.body.alertType)}/${typeof message.body.rowId === 'string' ? message.body.rowId : '_run'}`,
        );
        expect(alert).toBeDefined();
        if (!alert) continue;
        expect(message.body).toEqual(alert.body);
        expect(message.attributes).toEqual(expectedAttributes(alert));
        expect(message.subject).toMatch(/^\[usr-readiness\] [\x20-\x7e]{1,84}$/);
      }
    });

    it('delivers only overdue and remediation-missing alerts to the queue filtering on alertType', () => {
      // overdue/post-cutover-data-reconcile is waived (W-2026-014): present in the reports, silent here.
      expect(delivered(received.types)).toEqual([
        'overdue/incident-sev3-comms',
        'remediation-missing/cutover-dns-failback',
      ]);
    });

    it("delivers only one row's alerts to the queue filtering on rowId, the waived problem aside", () => {
      expect(delivered(received.row)).toEqual(['cutover-uncovered/post-cutover-data-reconcile']);
    });

    it('delivers only blocking sev1 alerts to the queue filtering on blocking AND severityClass', () => {
      expect(delivered(received.blockingSev1)).toEqual(['remediation-overdue/incident-sev1-security']);
    });
  });

  describe('a rerun the same day', () => {
    let reruns: RunSummary[] = [];
    let after: DeliveredAlert[][] = [];

    beforeAll(async () => {
      reruns = [await handler({ now: NOW }), await handler({ now: LATER_SAME_DAY })];
      after = await Promise.all(Object.values(queues).map((queue) => drain(sqs, queue, 2_000)));
    });

    it('publishes nothing and delivers nothing new to any queue', () => {
      expect(reruns.map((r) => [r.decision, r.alertsPublished, r.alertsFailed])).toEqual([
        ['no-go', 0, 0],
        ['no-go', 0, 0],
      ]);
      expect(after).toEqual([[], [], [], []]);
    });

    it('keeps the alert ledger in state/alert-ledger.json with every open problem and nothing pending', async () => {
      const object = await getObject(s3, bucket, 'state/alert-ledger.json');
      const ledger = LedgerSchema.parse(JSON.parse(object.text));
      expect(ledger.claims).toEqual([]);
      expect(openProblems(ledger)).toEqual(
        reference
          .filter((a) => a.alertType !== 'summary')
          .map((a) => `${String(a.attributes.rowId)}/${a.alertType}`)
          .sort(),
      );
    });

    it('rewrites the reports of the day with the later evaluation instant', async () => {
      const validation = ValidationReportSchema.parse(
        await getJson(s3, bucket, `reports/${DAY}/usr-operational-readiness-validation.json`),
      );
      expect(validation.asOf).toBe(LATER_SAME_DAY);
      expect(validation.alerts).toEqual({ sink: `sns:${topicArn}`, undelivered: [] });
    });
  });
});

describe('daily-check handler (createHandler with the adapters’ clients) on a prefixed store', () => {
  const bucket = uniqueName('prefixed');
  const incident = row({ id: 'incident-a' });
  const nonBlocking = row({ id: 'incident-b', blocking: false, severityClass: 'sev3' });
  const rollback = row({ id: 'rollback-a', phase: 'cutover' });
  const remediate = row({ id: 'rollback-b', phase: 'pre-cutover', severityClass: 'sev2' });
  let topicArn = '';
  let queues: Record<'all' | 'types' | 'row', SubscribedQueue>;
  let handler: DailyCheck.DailyCheckHandler;

  beforeAll(async () => {
    const store = new StoreBuilder()
      .policy([incident, nonBlocking, rollback, remediate], { policyVersion: 'it-1' })
      .drill(incident, '2026-11-20T10:00:00Z')
      .drill(nonBlocking, '2026-11-10T10:00:00Z', { outcome: 'fail' })
      .drill(rollback, '2026-10-15T10:00:00Z')
      .drill(remediate, '2026-11-12T10:00:00Z')
      .drill(remediate, '2026-11-19T10:00:00Z', { outcome: 'fail', drillId: 'rollback-b-fail' });
    await createBucket(s3, bucket);
    await uploadDirectory(s3, bucket, 'teams/small/', store.root);
    topicArn = await createTopic(sns, uniqueName('small'));
    const [all, types, rowQueue] = await Promise.all([
      subscribeQueue(sns, sqs, topicArn, uniqueName('small-all')),
      subscribeQueue(sns, sqs, topicArn, uniqueName('small-types'), {
        alertType: ['overdue', 'remediation-missing'],
      }),
      subscribeQueue(sns, sqs, topicArn, uniqueName('small-row'), { rowId: ['rollback-a'] }),
    ]);
    queues = { all, types, row: rowQueue };
    const env = {
      EVIDENCE_BUCKET: bucket,
      EVIDENCE_PREFIX: 'teams/small',
      REPORTS_PREFIX: 'out/small/',
      ALERT_TOPIC_ARN: topicArn,
      CONCURRENCY: '2',
    };
    const { createHandler } = loadHandlerModule(env);
    const clients = { endpoint: endpoint(), region: REGION };
    const logger = { info: () => undefined, error: () => undefined, addContext: () => undefined };
    const metrics = { addMetric: () => undefined, publishStoredMetrics: () => undefined };
    handler = createHandler(loadConfig(env), {
      s3: makeS3Client(clients),
      sns: makeSnsClient(clients),
      clock: () => new Date('2026-11-25T06:00:05Z'),
      logger,
      metrics,
    });
  });

  it('reads the prefix, writes reports and the ledger under REPORTS_PREFIX and alerts once per problem', async () => {
    const first = await handler({ now: NOW });
    expect(first).toEqual(expect.objectContaining({ decision: 'no-go', rows: 4, alertsPublished: 4 }));
    const [all, types, rowQueue] = await Promise.all([
      receiveAlerts(sqs, queues.all, 4),
      receiveAlerts(sqs, queues.types, 2),
      receiveAlerts(sqs, queues.row, 1),
    ]);
    expect(delivered(all)).toEqual([
      'never-drilled/incident-b',
      'overdue/rollback-a',
      'remediation-missing/rollback-b',
      'summary/_run',
    ]);
    expect(delivered(types)).toEqual(['overdue/rollback-a', 'remediation-missing/rollback-b']);
    expect(delivered(rowQueue)).toEqual(['overdue/rollback-a']);

    expect(await listKeys(s3, bucket, 'out/small/')).toEqual(
      [
        ...[DAY, 'latest'].flatMap((folder) =>
          OUTPUT_FILES.map((file) => `out/small/reports/${folder}/${file}`),
        ),
        ...historyKeys(DAY).map((key) => `out/small/${key}`),
        'out/small/state/alert-ledger.json',
        'out/small/state/run-lease.json',
      ].sort(),
    );
    expect(await listKeys(s3, bucket, 'teams/small/reports/')).toEqual([]);
    expect(await listKeys(s3, bucket, 'teams/small/state/')).toEqual([]);
    const validation = ValidationReportSchema.parse(
      await getJson(s3, bucket, `out/small/reports/${DAY}/usr-operational-readiness-validation.json`),
    );
    expect(validation.store).toBe(`s3://${bucket}/teams/small`);
    expect(validation.generatedAt).toBe('2026-11-25T06:00:05.000Z');
    expect(validation.policyVersion).toBe('it-1');
    expect(validation.promotion.consumedEvidence.map((e) => [e.rowId, e.key])).toEqual([
      ['incident-a', drillKey('incident-a', '2026-11-20T10:00:00Z', '2026-11-20-incident-a')],
      ['rollback-a', drillKey('rollback-a', '2026-10-15T10:00:00Z', '2026-10-15-rollback-a')],
      ['rollback-b', drillKey('rollback-b', '2026-11-12T10:00:00Z', '2026-11-12-rollback-b')],
    ]);

    const rerun = await handler({ now: LATER_SAME_DAY });
    expect(rerun.alertsPublished).toBe(0);
    expect(
      await Promise.all([drain(sqs, queues.all), drain(sqs, queues.types), drain(sqs, queues.row)]),
    ).toEqual([[], [], []]);
  });

  it('the next day: reminds of open problems on blocking rows and announces the recovery of a fixed row', async () => {
    const fixed = drillFor(rollback, '2026-11-25T12:00:00Z');
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `teams/small/${drillKey('rollback-a', fixed.completedAt, fixed.drillId)}`,
        Body: JSON.stringify(fixed),
        ContentType: 'application/json',
      }),
    );
    const next = await handler({ now: NEXT_DAY });
    const [all, types, rowQueue] = await Promise.all([
      receiveAlerts(sqs, queues.all, next.alertsPublished),
      receiveAlerts(sqs, queues.types, 1),
      receiveAlerts(sqs, queues.row, 1),
    ]);
    expect(delivered(all)).toEqual([
      'recovered/rollback-a',
      'remediation-missing/rollback-b',
      'summary/_run',
    ]);
    expect(next.alertsPublished).toBe(3);
    expect(all.find((a) => a.body.alertType === 'remediation-missing')?.body.reminder).toBe(true);
    expect(delivered(types)).toEqual(['remediation-missing/rollback-b']);
    expect(delivered(rowQueue)).toEqual(['recovered/rollback-a']);
    const ledger = LedgerSchema.parse(await getJson(s3, bucket, 'out/small/state/alert-ledger.json'));
    expect(openProblems(ledger)).toEqual(['incident-b/never-drilled', 'rollback-b/remediation-missing']);
  });
});

/**
 * Sets the Lambda's environment (configuration, plus the SDK's endpoint, region and credentials for fauxqs;
 * logs and metrics silenced) and loads the handler module in isolation: its `handler` export parses
 * process.env when the module loads, so it must load after the environment is set.
 */
function loadHandlerModule(config: Record<string, string>): typeof DailyCheck {
  process.env = {
    ...savedEnv,
    ...awsEnv(),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...config,
  };
  let loaded: typeof DailyCheck | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof DailyCheck>('../../lambdas/handlers/daily-check');
  });
  if (!loaded) throw new Error('lambdas/handlers/daily-check did not load');
  return loaded;
}
