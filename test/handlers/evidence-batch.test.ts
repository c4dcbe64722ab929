/**
 * The daily-check handler given an SQS batch of S3 events (docs/events.md) and the scheduled run next to it, on
 * mocked S3 and SNS clients.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ListObjectsV2Command, NoSuchBucket, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PublishBatchCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { ValidationReportSchema } from '../../lambdas/core/schemas';
import type { DailyCheckConfig } from '../../lambdas/handlers/config';
import { SERVICE_NAME, loadConfig } from '../../lambdas/handlers/config';
import type * as DailyCheckModule from '../../lambdas/handlers/daily-check';
import { StoreUnreachableError } from '../../lambdas/ports';
import { FakeBucket } from '../fixtures/fake-s3';
import { objectCreated, sqsBatch } from '../fixtures/s3-events';
import { drillFor, drillKey, row } from '../fixtures/store-builder';

const savedEnv = { ...process.env };
process.env.EVIDENCE_BUCKET = 'module-load-bucket';
process.env.AWS_REGION = 'eu-west-1';
const { createHandler } = jest.requireActual<typeof DailyCheckModule>('../../lambdas/handlers/daily-check');
afterAll(() => {
  process.env = savedEnv;
});

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const BUCKET = 'evidence';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:usr-readiness-alerts';
const config: DailyCheckConfig = loadConfig({
  EVIDENCE_BUCKET: BUCKET,
  EVIDENCE_PREFIX: 'usr/',
  ALERT_TOPIC_ARN: TOPIC,
});
const LATEST = 'usr/reports/latest/usr-operational-readiness-validation.json';

const incident = row({ id: 'incident-a' });
const rollback = row({ id: 'rollback-a', phase: 'cutover' });
const POLICY = { schemaVersion: 'usr-operational-readiness-policy/v1', rows: [incident, rollback] };

/** Incident compliant; rollback overdue (its last success 2026-10-01), blocking: reminded daily. */
function seed(): FakeBucket {
  const pass = drillFor(incident, '2026-11-20T10:00:00Z');
  const old = drillFor(rollback, '2026-10-01T10:00:00Z');
  return new FakeBucket(s3, {
    'usr/policy/usr-operational-readiness-policy.json': POLICY,
    [`usr/${drillKey(incident.id, '2026-11-20T10:00:00Z', pass.drillId)}`]: pass,
    [`usr/${drillKey(rollback.id, '2026-10-01T10:00:00Z', old.drillId)}`]: old,
  });
}

/** Uploads a failed incident drill and returns its bucket key. */
function uploadFailure(bucket: FakeBucket, completedAt: string): string {
  const failed = drillFor(incident, completedAt, { outcome: 'fail', drillId: 'failed' });
  const key = `usr/${drillKey(incident.id, completedAt, 'failed')}`;
  bucket.put(key, JSON.stringify(failed));
  return key;
}

class CapturedMetrics extends Metrics {
  readonly emitted: Record<string, unknown>[] = [];

  override publishStoredMetrics(): this {
    if (this.hasStoredMetrics()) this.emitted.push(this.serializeMetrics());
    this.clearMetrics();
    return this;
  }
}

/** A handler whose clock the test moves. */
function harness(start: string) {
  let now = new Date(start);
  const metrics = new CapturedMetrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME });
  const logger = { info: jest.fn(), error: jest.fn(), addContext: jest.fn() };
  const handler = createHandler(config, {
    s3: new S3Client({ region: 'eu-west-1' }),
    sns: new SNSClient({ region: 'eu-west-1' }),
    clock: () => now,
    logger,
    metrics,
  });
  return { handler, metrics, logger, setClock: (iso: string) => (now = new Date(iso)) };
}

const published: string[] = [];
beforeEach(() => {
  s3.reset();
  sns.reset();
  published.length = 0;
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    for (const entry of input.PublishBatchRequestEntries ?? []) {
      const body = JSON.parse(String(entry.Message)) as { default: string };
      const alert = JSON.parse(body.default) as { alertType: string; rowId?: string };
      published.push(`${alert.alertType}/${alert.rowId ?? '_run'}`);
    }
    return {
      Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
    };
  });
});

describe('daily-check handler given an SQS batch of S3 events', () => {
  it('runs one evaluation, alerts the new failure at once and reports only the malformed record', async () => {
    const bucket = seed();
    const key = uploadFailure(bucket, '2026-11-25T06:55:00Z');
    const { handler } = harness('2026-11-25T07:01:00Z');
    const batch = sqsBatch([
      objectCreated(BUCKET, key, { time: '2026-11-25T07:00:00Z' }),
      '{"detail-type": "Object Created"',
      objectCreated(BUCKET, key, { time: '2026-11-25T07:00:05Z' }),
    ]);

    const response = await handler(batch);

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: batch.Records[1]?.messageId }] });
    // Both problems are new to the empty ledger: sent at once; the summary waits for the scheduled run.
    expect(published.sort()).toEqual(['overdue/rollback-a', 'remediation-missing/incident-a']);
    const validation = ValidationReportSchema.parse(JSON.parse(bucket.text(LATEST)));
    expect(validation.asOf).toBe('2026-11-25T07:01:00Z');
    expect(validation.trigger).toEqual({
      kind: 'evidence-change',
      count: 2,
      keys: [key.slice('usr/'.length)],
    });
    // One evaluation for the batch: the latest validation report is written once.
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Key: LATEST });
    expect(s3.commandCalls(PutObjectCommand, { Key: LATEST })).toHaveLength(1);
  });

  it('acknowledges a batch without evidence changes without evaluating anything', async () => {
    seed();
    const { handler } = harness('2026-11-25T07:01:00Z');
    const batch = sqsBatch([
      'garbage',
      objectCreated(BUCKET, 'usr/reports/latest/usr-operational-readiness-validation.json', {
        time: '2026-11-25T07:00:00Z',
      }),
    ]);
    expect(await handler(batch)).toEqual({
      batchItemFailures: [{ itemIdentifier: batch.Records[0]?.messageId }],
    });
    expect(s3.calls()).toHaveLength(0);
  });

  it('fails the whole batch when the evaluation fails, so every message is retried', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new NoSuchBucket({
        message: 'The specified bucket does not exist',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const { handler, logger, metrics } = harness('2026-11-25T07:01:00Z');
    const batch = sqsBatch([
      objectCreated(BUCKET, 'usr/drills/incident-a/x.json', { time: '2026-11-25T07:00:00Z' }),
    ]);
    await expect(handler(batch)).rejects.toBeInstanceOf(StoreUnreachableError);
    expect(logger.error).toHaveBeenCalledWith(
      'daily check failed: the store could not be reached; no reports were written',
      expect.any(StoreUnreachableError),
    );
    // The heartbeat belongs to the schedule: a failed triggered run says nothing about it either way.
    expect(metrics.emitted.some((m) => 'RunSucceeded' in m)).toBe(false);
  });

  it('measures EvaluationLagSeconds from the earliest event and leaves the heartbeat to the schedule', async () => {
    const bucket = seed();
    const key = uploadFailure(bucket, '2026-11-25T06:55:00Z');
    const { handler, metrics } = harness('2026-11-25T07:01:30Z');
    await handler(
      sqsBatch([
        objectCreated(BUCKET, key, { time: '2026-11-25T07:00:30Z' }),
        objectCreated(BUCKET, 'usr/policy/usr-operational-readiness-policy.json', {
          time: '2026-11-25T07:00:00Z',
        }),
      ]),
    );
    const [emitted] = metrics.emitted;
    expect(emitted).toMatchObject({ EvaluationLagSeconds: 90, AlertsPublished: 2 });
    expect(emitted).not.toHaveProperty('RunSucceeded');
    const definitions = JSON.stringify(emitted);
    expect(definitions).toContain('{"Name":"EvaluationLagSeconds","Unit":"Seconds"}');
  });
});

describe('daily-check handler: a scheduled run next to triggered runs', () => {
  it('keeps its scheduled time when no later run has alerted (a retry alerts nothing twice)', async () => {
    const bucket = seed();
    const { handler, setClock } = harness('2026-11-25T06:00:02Z');
    const event = { source: 'usr-readiness-monitor.schedule', scheduledTime: '2026-11-25T06:00:00Z' };
    await handler(event);
    expect(published.sort()).toEqual(['overdue/rollback-a', 'summary/_run']);
    setClock('2026-11-25T06:05:00Z');
    const retried = await handler(event);
    expect(retried.asOf).toBe('2026-11-25T06:00:00Z');
    expect(published).toHaveLength(2);
    expect(ValidationReportSchema.parse(JSON.parse(bucket.text(LATEST))).trigger).toEqual({
      kind: 'schedule',
      count: 0,
      keys: [],
    });
  });

  it('evaluates at the invocation time after a triggered run alerted later, and still sends its reminder and summary', async () => {
    const bucket = seed();
    const { handler, setClock } = harness('2026-11-25T06:00:02Z');
    await handler({ scheduledTime: '2026-11-25T06:00:00Z' });
    const key = uploadFailure(bucket, '2026-11-26T05:58:00Z');
    setClock('2026-11-26T06:00:30Z');
    await handler(sqsBatch([objectCreated(BUCKET, key, { time: '2026-11-26T05:59:00Z' })]));
    expect(published.slice(2)).toEqual(['remediation-missing/incident-a']);

    setClock('2026-11-26T06:02:00Z');
    const summary = await handler({ scheduledTime: '2026-11-26T06:00:00Z' });

    expect(summary.asOf).toBe('2026-11-26T06:02:00Z');
    // The failure alerted at 06:00:30 today is not reminded again; the overdue row is, with the summary.
    expect(published.slice(3).sort()).toEqual(['overdue/rollback-a', 'summary/_run']);
  });
});
