import { FakeBucket } from '../fixtures/fake-s3';
import { LedgerSchema } from '../../lambdas/core/schemas';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient, SNSServiceException } from '@aws-sdk/client-sns';
import type { PublishBatchCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { DailyCheckConfig } from '../../lambdas/handlers/config';
import { SERVICE_NAME, loadConfig } from '../../lambdas/handlers/config';
import type * as DailyCheckModule from '../../lambdas/handlers/daily-check';

// The module parses process.env when it loads: give it a valid environment first.
const savedEnv = { ...process.env };
process.env.EVIDENCE_BUCKET = 'module-load-bucket';
process.env.AWS_REGION = 'eu-west-1';
const { createHandler, invocationOf } = jest.requireActual<typeof DailyCheckModule>(
  '../../lambdas/handlers/daily-check',
);
afterAll(() => {
  process.env = savedEnv;
});

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const s3Client = new S3Client({ region: 'eu-west-1' });
const snsClient = new SNSClient({ region: 'eu-west-1' });

const BUCKET = 'evidence';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:usr-readiness-alerts';
const NOW = '2026-11-25T06:00:00.000Z';
const GENERATED = new Date('2026-11-25T06:00:07Z');

const config: DailyCheckConfig = loadConfig({
  EVIDENCE_BUCKET: BUCKET,
  EVIDENCE_PREFIX: 'usr/',
  ALERT_TOPIC_ARN: TOPIC,
});

const row = (id: string, phase: string, runbookId: string) => ({
  id,
  phase,
  runbookId,
  severityClass: 'sev1',
  requiredRoles: ['incident-commander'],
  requiredArtifacts: ['timeline'],
  communicationChannels: ['#inc-bridge'],
  maxResponseMinutes: 15,
  maxRecoveryMinutes: 60,
  blocking: true,
});

const POLICY = {
  schemaVersion: 'usr-operational-readiness-policy/v1',
  policyVersion: '2026.11.0',
  rows: [
    row('incident-sev1-paging', 'incident', 'rb-sev1-paging'),
    row('cutover-dns-failback', 'cutover', 'rb-dns'),
  ],
};
const DRILL_KEY = 'usr/drills/incident-sev1-paging/20261120T100500Z-2026-11-20-sev1-paging.json';
const DRILL = {
  schemaVersion: 'usr-drill-evidence/v1',
  drillId: '2026-11-20-sev1-paging',
  rowId: 'incident-sev1-paging',
  drillType: 'incident',
  runbookId: 'rb-sev1-paging',
  runbookVersion: '3.2.0',
  outcome: 'pass',
  startedAt: '2026-11-20T09:00:00Z',
  completedAt: '2026-11-20T10:05:00Z',
  responseMinutes: 6,
  recoveryMinutes: 48,
  rolesPresent: ['incident-commander'],
  artifactsProduced: ['timeline'],
  channelsUsed: ['#inc-bridge'],
};

/** The in-memory bucket behind the S3 mock (test/fixtures/fake-s3.ts); its objects by key. */
function fakeBucket(initial: Record<string, unknown>): Map<string, { body: string; etag: string }> {
  return new FakeBucket(s3, initial).objects;
}

/** Powertools Metrics that keeps the EMF documents it would print. */
class CapturedMetrics extends Metrics {
  readonly emitted: Record<string, unknown>[] = [];

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) this.emitted.push(this.serializeMetrics());
    this.clearMetrics();
    return this;
  }
}

function harness(overrides: Partial<DailyCheckConfig> = {}) {
  const metrics = new CapturedMetrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME });
  const logger = { info: jest.fn(), error: jest.fn(), addContext: jest.fn() };
  const handler = createHandler(
    { ...config, ...overrides },
    { s3: s3Client, sns: snsClient, clock: () => GENERATED, logger, metrics },
  );
  return { handler, metrics, logger };
}

const acceptAll = (input: PublishBatchCommandInput) => ({
  Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `msg-${e.Id}` })),
  Failed: [],
});

const putKeys = (): string[] => s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key ?? '');

const REPORT_KEYS = [
  'reports/2026-11-25/usr-operational-readiness-validation.json',
  'reports/2026-11-25/usr-incident-response-drill-report.json',
  'reports/2026-11-25/usr-rollback-drill-report.json',
  'reports/2026-11-25/usr-readiness-report.html',
  'reports/2026-11-25/usr-readiness-rows.csv',
  'reports/2026-11-25/usr-readiness-manifest.json',
  'reports/latest/usr-incident-response-drill-report.json',
  'reports/latest/usr-rollback-drill-report.json',
  'reports/latest/usr-readiness-report.html',
  'reports/latest/usr-readiness-rows.csv',
  'reports/latest/usr-operational-readiness-validation.json',
  'reports/latest/usr-readiness-manifest.json',
];
/** The day's compliance history, written after the reports. */
const HISTORY_KEYS = [
  'history/date=2026-11-25/rows.jsonl',
  'history/consumed-evidence/date=2026-11-25/consumed-evidence.jsonl',
];

beforeEach(() => {
  s3.reset();
  sns.reset();
});

describe('daily-check handler', () => {
  it('runs the monitor over the bucket, writes the reports, publishes alerts and returns the summary', async () => {
    const objects = fakeBucket({
      'usr/policy/usr-operational-readiness-policy.json': POLICY,
      [DRILL_KEY]: DRILL,
    });
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const { handler, metrics, logger } = harness();

    const summary = await handler({ source: 'usr-readiness-monitor.schedule', scheduledTime: NOW });

    expect(Date.parse(summary.asOf)).toBe(Date.parse(NOW));
    expect(summary).toMatchObject({
      decision: 'no-go',
      rows: 2,
      blockingRows: 2,
      statuses: { compliant: 1, 'never-drilled': 1 },
      evidenceRead: 1,
      alertsFailed: 0,
      reportKeys: REPORT_KEYS,
    });
    expect(summary.alertsPublished).toBeGreaterThan(0);
    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: DRILL_KEY });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: BUCKET,
      Key: 'usr/reports/latest/usr-operational-readiness-validation.json',
      ContentType: 'application/json',
    });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, {
      Key: 'usr/state/alert-ledger.json',
      IfNoneMatch: '*',
    });
    expect(sns).toHaveReceivedCommandWith(PublishBatchCommand, { TopicArn: TOPIC });
    const validation = JSON.parse(
      objects.get('usr/reports/latest/usr-operational-readiness-validation.json')?.body ?? '{}',
    ) as { asOf: string; generatedAt: string };
    expect(Date.parse(validation.asOf)).toBe(Date.parse(NOW));
    expect(Date.parse(validation.generatedAt)).toBe(GENERATED.getTime());

    expect(metrics.emitted).toHaveLength(1);
    expect(metrics.emitted[0]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: 'UsrReadiness', Dimensions: [['service']] }] },
      service: 'usr-readiness-monitor',
      RunSucceeded: 1,
      RowsNonCompliant: 1,
      PromotionBlocked: 1,
      AlertsPublished: summary.alertsPublished,
      AlertsFailed: 0,
      EvidenceRead: 1,
      ChainBroken: 0,
    });
    expect(logger.info).toHaveBeenCalledWith('daily check completed', { summary });
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('throws after writing the reports and the ledger when alerts could not be published', async () => {
    const objects = fakeBucket({
      'usr/policy/usr-operational-readiness-policy.json': POLICY,
      [DRILL_KEY]: DRILL,
    });
    sns.on(PublishBatchCommand).rejects(
      new SNSServiceException({
        name: 'AuthorizationError',
        message: 'not authorized to perform: SNS:Publish',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { handler, metrics, logger } = harness();

    await expect(handler({ now: NOW })).rejects.toMatchObject({
      name: 'AlertDeliveryError',
      message: expect.stringContaining(`could not be published to sns:${TOPIC}`),
    });

    expect(putKeys()).toEqual(expect.arrayContaining(REPORT_KEYS.map((k) => `usr/${k}`)));
    // Nothing counts as sent: the claim is settled and every undelivered alert undone, so a retry sends it.
    const ledger = LedgerSchema.parse(JSON.parse(objects.get('usr/state/alert-ledger.json')?.body ?? '{}'));
    expect(ledger.claims).toEqual([]);
    expect(ledger.entries).toEqual([]);
    expect(metrics.emitted[0]).toMatchObject({ RunSucceeded: 1, AlertsPublished: 0 });
    expect((metrics.emitted[0]?.AlertsFailed as number) > 0).toBe(true);
    expect(logger.error).toHaveBeenCalledWith('daily check: alerts undelivered', expect.anything());
  });

  it('logs and rethrows StoreUnreachableError, with RunSucceeded 0 and no reports', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new NoSuchBucket({
        message: 'The specified bucket does not exist',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const { handler, metrics, logger } = harness();

    await expect(handler({})).rejects.toMatchObject({
      name: 'StoreUnreachableError',
      message: 's3://evidence/usr: bucket does not exist (NoSuchBucket)',
    });
    expect(logger.error).toHaveBeenCalledWith(
      'daily check failed: the store could not be reached; no reports were written',
      expect.objectContaining({ name: 'StoreUnreachableError' }),
    );
    expect(metrics.emitted).toEqual([expect.objectContaining({ RunSucceeded: 0 })]);
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('propagates ReportWriteError when a report cannot be written', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY });
    s3.on(PutObjectCommand, {
      Key: 'usr/reports/2026-11-25/usr-operational-readiness-validation.json',
    }).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        message: 'Access Denied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const { handler } = harness({ alertTopicArn: null });

    await expect(handler({ now: NOW })).rejects.toMatchObject({
      name: 'ReportWriteError',
      message: expect.stringContaining(
        's3://evidence/usr/reports/2026-11-25/usr-operational-readiness-validation.json',
      ),
    });
  });

  it('leaves SNS and the ledger alone without ALERT_TOPIC_ARN', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    const { handler } = harness({ alertTopicArn: null });

    const summary = await handler({ now: NOW });

    expect(summary.alertsPublished).toBe(0);
    expect(sns).not.toHaveReceivedAnyCommand();
    // No ledger: only the run lease around the reports and the history.
    expect(putKeys()).toEqual(
      ['state/run-lease.json', ...REPORT_KEYS, ...HISTORY_KEYS, 'state/run-lease.json'].map(
        (k) => `usr/${k}`,
      ),
    );
  });

  it('writes reports and the ledger under REPORTS_PREFIX', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const { handler } = harness({ reportsPrefix: 'out/' });

    await handler({ now: NOW });

    expect(putKeys()).toEqual(
      expect.arrayContaining([
        'out/state/alert-ledger.json',
        ...[...REPORT_KEYS, ...HISTORY_KEYS].map((k) => `out/${k}`),
      ]),
    );
    expect(putKeys().every((k) => k.startsWith('out/'))).toBe(true);
  });
});

describe('daily-check handler with waivers', () => {
  const WAIVERS = {
    schemaVersion: 'usr-readiness-waivers/v1',
    waivers: [
      {
        id: 'W-1',
        rowId: 'cutover-dns-failback',
        codes: ['never-drilled'],
        reason: 'new row; first drill booked',
        approvedBy: 'jane.doe@example.com',
        approvedAt: '2026-11-20T00:00:00Z',
        expiresAt: '2026-12-10T00:00:00Z',
      },
    ],
  };

  it('reads WAIVERS_KEY under the evidence prefix and decides go on the waived blocker', async () => {
    const objects = fakeBucket({
      'usr/policy/usr-operational-readiness-policy.json': POLICY,
      'usr/policy/team-waivers.json': WAIVERS,
      [DRILL_KEY]: DRILL,
    });
    const { handler } = harness({
      alertTopicArn: null,
      ...loadConfigWaivers({ WAIVERS_KEY: 'policy/team-waivers.json' }),
    });

    const summary = await handler({ now: NOW });

    expect(s3).toHaveReceivedCommandWith(GetObjectCommand, {
      Bucket: BUCKET,
      Key: 'usr/policy/team-waivers.json',
    });
    expect(summary).toMatchObject({ decision: 'go', blockers: 0, waived: 1 });
    const validation = JSON.parse(
      objects.get('usr/reports/latest/usr-operational-readiness-validation.json')?.body ?? '{}',
    ) as {
      waivers: { id: string; state: string }[];
    };
    expect(validation.waivers).toEqual([expect.objectContaining({ id: 'W-1', state: 'active' })]);
  });

  it('applies MAX_WAIVER_DAYS: a longer waiver waives nothing', async () => {
    fakeBucket({
      'usr/policy/usr-operational-readiness-policy.json': POLICY,
      'usr/policy/waivers.json': WAIVERS,
      [DRILL_KEY]: DRILL,
    });
    const { handler } = harness({ alertTopicArn: null, ...loadConfigWaivers({ MAX_WAIVER_DAYS: '14' }) });

    expect(await handler({ now: NOW })).toMatchObject({ decision: 'no-go', waived: 0, warnings: 1 });
  });
});

/** The waiver settings as the configuration reads them from the environment. */
function loadConfigWaivers(
  env: Record<string, string>,
): Pick<DailyCheckConfig, 'waiversKey' | 'maxWaiverDays'> {
  const { waiversKey, maxWaiverDays } = loadConfig({ EVIDENCE_BUCKET: BUCKET, ...env });
  return { waiversKey, maxWaiverDays };
}

describe('daily-check handler manifest chain', () => {
  const DAY_BEFORE = '2026-11-24T06:00:00.000Z';

  it('emits ChainBroken 0 when the newest days and latest/ verify', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    const { handler, metrics, logger } = harness({ alertTopicArn: null });

    await handler({ now: DAY_BEFORE });
    await handler({ now: NOW });

    expect(metrics.emitted.map((m) => m.ChainBroken)).toEqual([0, 0]);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('emits ChainBroken 1 and logs the problem when a report of an earlier day was edited', async () => {
    const objects = fakeBucket({
      'usr/policy/usr-operational-readiness-policy.json': POLICY,
      [DRILL_KEY]: DRILL,
    });
    const { handler, metrics, logger } = harness({ alertTopicArn: null });
    await handler({ now: DAY_BEFORE });
    const key = 'usr/reports/2026-11-24/usr-rollback-drill-report.json';
    const edited = objects.get(key);
    objects.set(key, { body: (edited?.body ?? '').replace('"rows"', '"rows" '), etag: '"edited"' });

    await handler({ now: NOW });

    expect(metrics.emitted.map((m) => m.ChainBroken)).toEqual([0, 1]);
    expect(logger.error).toHaveBeenCalledWith('manifest chain broken', {
      problems: ['2026-11-24 digest-mismatch usr-rollback-drill-report.json'],
    });
  });

  it('counts a chain it cannot read as broken, logs why, and still returns the run', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    const { handler, metrics, logger } = harness({ alertTopicArn: null });
    await handler({ now: DAY_BEFORE });
    // Only the chain check reads the earlier day's reports (the run reads that day's manifest alone).
    s3.on(GetObjectCommand, { Key: 'usr/reports/2026-11-24/usr-rollback-drill-report.json' }).rejects(
      new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
    );

    const summary = await handler({ now: NOW });

    expect(summary.decision).toBe('no-go');
    expect(metrics.emitted.map((m) => m.ChainBroken)).toEqual([0, 1]);
    expect(logger.error).toHaveBeenCalledWith(
      'manifest chain check failed',
      expect.objectContaining({
        message: expect.stringContaining('reports/2026-11-24/usr-rollback-drill-report.json'),
      }),
    );
  });

  it('fails the run before writing when the manifest to link to cannot be read', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    const { handler } = harness({ alertTopicArn: null });
    await handler({ now: DAY_BEFORE });
    s3.on(GetObjectCommand, { Key: 'usr/reports/2026-11-24/usr-readiness-manifest.json' }).rejects(
      new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 } }),
    );
    const before = putKeys().length;

    await expect(handler({ now: NOW })).rejects.toMatchObject({
      name: 'ReportWriteError',
      message: expect.stringContaining(
        "cannot link the day's manifest to reports/2026-11-24/usr-readiness-manifest.json",
      ),
    });
    // Nothing but the run lease (taken, then released) was written.
    expect(putKeys().slice(before)).toEqual(['usr/state/run-lease.json', 'usr/state/run-lease.json']);
  });

  it('writes reports to REPORTS_BUCKET and keeps the ledger in the evidence bucket', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const { handler } = harness({ reportsBucket: 'usr-reports' });

    await handler({ now: NOW });

    const puts = s3
      .commandCalls(PutObjectCommand)
      .map((c) => `${c.args[0].input.Bucket}/${c.args[0].input.Key}`);
    // The reports and the compliance history go to the reports bucket; only the ledger stays with the evidence.
    expect(puts.filter((p) => p.startsWith('usr-reports/')).sort()).toEqual(
      [...REPORT_KEYS, ...HISTORY_KEYS].map((k) => `usr-reports/usr/${k}`).sort(),
    );
    expect(new Set(puts.filter((p) => !p.startsWith('usr-reports/')))).toEqual(
      new Set(['evidence/usr/state/alert-ledger.json', 'evidence/usr/state/run-lease.json']),
    );
  });
});

describe('daily-check handler events', () => {
  it('logs and refuses an event whose now is not a date-time, before touching S3', async () => {
    const { handler, logger } = harness();

    await expect(handler({ now: '25/11/2026' })).rejects.toThrow(
      'invalid daily-check event: now must be an ISO-8601 date-time with a zone, got "25/11/2026"',
    );
    expect(logger.error).toHaveBeenCalledWith('daily check refused its event', expect.any(Error));
    expect(s3).not.toHaveReceivedAnyCommand();
  });

  it('adds the Lambda context to the logs', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY });
    const { handler, logger } = harness({ alertTopicArn: null });
    const context = { functionName: 'daily-check', awsRequestId: 'req-1' } as unknown as Parameters<
      typeof handler
    >[1];

    await handler({ now: NOW }, context);

    expect(logger.addContext).toHaveBeenCalledWith(context);
  });

  it('claims the alert ledger for the remaining time of the invocation', async () => {
    fakeBucket({ 'usr/policy/usr-operational-readiness-policy.json': POLICY, [DRILL_KEY]: DRILL });
    sns.on(PublishBatchCommand).callsFake(acceptAll);
    const { handler } = harness();
    const context = { getRemainingTimeInMillis: () => 120_000 } as unknown as Parameters<typeof handler>[1];

    await handler({ now: NOW }, context);

    const ledgerWrites = s3
      .commandCalls(PutObjectCommand)
      .map((c) => c.args[0].input)
      .filter((input) => (input.Key ?? '').endsWith('state/alert-ledger.json'))
      .map(
        (input) =>
          JSON.parse(typeof input.Body === 'string' ? input.Body : '{}') as {
            claims: { expiresAt: string }[];
          },
      );
    expect(ledgerWrites.map((l) => l.claims.map((c) => c.expiresAt))).toEqual([['2026-11-25T06:02:07Z'], []]);
  });
});

describe('invocationOf', () => {
  const clock = () => GENERATED;
  const of = (event: unknown) => {
    const { trigger, now } = invocationOf(event, clock);
    return [trigger.kind, now.toISOString()];
  };

  it('takes a now override as a manual run, the schedule fire time as a scheduled run, else the clock', () => {
    expect(of({ now: '2026-11-01T00:00:00Z', scheduledTime: NOW })).toEqual([
      'manual',
      '2026-11-01T00:00:00.000Z',
    ]);
    expect(of({ scheduledTime: NOW })).toEqual(['schedule', NOW]);
    expect(of({})).toEqual(['manual', GENERATED.toISOString()]);
    expect(of(undefined)).toEqual(['manual', GENERATED.toISOString()]);
  });

  it('refuses a now that is not an ISO-8601 date-time with a zone', () => {
    expect(() => invocationOf({ now: 'yesterday' }, clock)).toThrow(
      'invalid daily-check event: now must be an ISO-8601 date-time with a zone, got "yesterday"',
    );
  });
});
