/**
 * Event-driven evaluation end to end on loopback (fauxqs; docs/events.md): evidence in S3, the S3 events sent to an
 * SQS queue as the EventBridge rule target sends them (the event as the message body), received from that queue
 * and handed to the handler as the SQS event source hands them to Lambda, alerts published to SNS and received
 * through an SNS→SQS subscription.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Message } from '@aws-sdk/client-sqs';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { ValidationReportSchema } from '../../lambdas/core/schemas';
import { loadConfig } from '../../lambdas/handlers/config';
import type * as DailyCheck from '../../lambdas/handlers/daily-check';
import type { DailyCheckHandler } from '../../lambdas/handlers/daily-check';
import { objectCreated } from '../fixtures/s3-events';
import { drillFor, drillKey, goStore, row } from '../fixtures/store-builder';
import type { SubscribedQueue } from './support';
import {
  REGION,
  createBucket,
  createTopic,
  delivered,
  getJson,
  receiveAlerts,
  s3Client,
  snsClient,
  sqsClient,
  subscribeQueue,
  uniqueName,
  uploadDirectory,
} from './support';

// The module parses process.env when it loads; the handler under test is built with createHandler.
const savedEnv = { ...process.env };
process.env.EVIDENCE_BUCKET = 'module-load-bucket';
const { createHandler } = jest.requireActual<typeof DailyCheck>('../../lambdas/handlers/daily-check');

const s3 = s3Client();
const sns = snsClient();
const sqs = sqsClient();
afterAll(() => {
  process.env = savedEnv;
  s3.destroy();
  sns.destroy();
  sqs.destroy();
});

const PREFIX = 'usr/';
const incident = row({ id: 'incident-a' });
const LATEST = `${PREFIX}reports/latest/usr-operational-readiness-validation.json`;

interface EventsQueue {
  readonly url: string;
  readonly arn: string;
}

async function createEventsQueue(): Promise<EventsQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('evidence-events') }));
  if (!QueueUrl) throw new Error('CreateQueue returned no URL');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!Attributes?.QueueArn) throw new Error('the events queue has no QueueArn');
  return { url: QueueUrl, arn: Attributes.QueueArn };
}

/** A received message as the Lambda SQS event source puts it in a record (AWS Lambda Developer Guide). */
function lambdaRecord(message: Message, queue: EventsQueue): SQSRecord {
  const a = message.Attributes ?? {};
  const need = (value: string | undefined, name: string): string => {
    if (value === undefined) throw new Error(`received message lacks ${name}`);
    return value;
  };
  return {
    messageId: need(message.MessageId, 'MessageId'),
    receiptHandle: need(message.ReceiptHandle, 'ReceiptHandle'),
    body: need(message.Body, 'Body'),
    attributes: {
      ApproximateReceiveCount: need(a.ApproximateReceiveCount, 'ApproximateReceiveCount'),
      SentTimestamp: need(a.SentTimestamp, 'SentTimestamp'),
      SenderId: need(a.SenderId, 'SenderId'),
      ApproximateFirstReceiveTimestamp: need(
        a.ApproximateFirstReceiveTimestamp,
        'ApproximateFirstReceiveTimestamp',
      ),
    },
    messageAttributes: {},
    md5OfBody: need(message.MD5OfBody, 'MD5OfBody'),
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: REGION,
  };
}

/** Sends the bodies to the queue, then receives them as one batch (the event source's batching window). */
async function deliver(queue: EventsQueue, bodies: readonly string[]): Promise<SQSEvent> {
  for (const body of bodies)
    await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body }));
  const records: SQSRecord[] = [];
  while (records.length < bodies.length) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (!Messages || Messages.length === 0) throw new Error(`received ${records.length} of ${bodies.length}`);
    records.push(...Messages.map((m) => lambdaRecord(m, queue)));
  }
  return { Records: records };
}

/** What the event source does after the invocation: deletes the messages that were not reported as failures. */
async function acknowledge(queue: EventsQueue, batch: SQSEvent, failed: readonly string[]): Promise<void> {
  const done = batch.Records.filter((r) => !failed.includes(r.messageId));
  if (done.length === 0) return;
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: done.map((r, i) => ({ Id: `d${i}`, ReceiptHandle: r.receiptHandle })),
    }),
  );
}

describe('daily-check handler given S3 events through SQS, on fauxqs', () => {
  const bucket = uniqueName('events');
  let clock = new Date('2026-11-25T07:01:00Z');
  let handler: DailyCheckHandler;
  let alerts: SubscribedQueue;
  let events: EventsQueue;

  async function upload(completedAt: string, extra: Record<string, unknown>): Promise<string> {
    const drill = drillFor(incident, completedAt, extra);
    const key = `${PREFIX}${drillKey(incident.id, completedAt, drill.drillId)}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(drill) }));
    return key;
  }

  beforeAll(async () => {
    await createBucket(s3, bucket);
    // goStore: incident-a and rollback-a, both compliant on 2026-11-25 (a valid policy, decision go).
    await uploadDirectory(s3, bucket, PREFIX, goStore().root);
    const topicArn = await createTopic(sns, uniqueName('alerts'));
    alerts = await subscribeQueue(sns, sqs, topicArn, uniqueName('owner'));
    events = await createEventsQueue();
    const config = loadConfig({
      EVIDENCE_BUCKET: bucket,
      EVIDENCE_PREFIX: PREFIX,
      ALERT_TOPIC_ARN: topicArn,
      CONCURRENCY: '4',
    });
    const silent = { info: jest.fn(), error: jest.fn(), addContext: jest.fn() };
    const metrics = { addMetric: jest.fn(), publishStoredMetrics: jest.fn() };
    handler = createHandler(config, { s3, sns, clock: () => clock, logger: silent, metrics });
  });

  it('alerts a failed drill at once and reports the malformed record as the only batch item failure', async () => {
    const key = await upload('2026-11-25T06:55:00Z', { outcome: 'fail', drillId: 'failed' });
    const batch = await deliver(events, [
      JSON.stringify(objectCreated(bucket, key, { time: '2026-11-25T07:00:00Z' })),
      '{"detail-type": "Object Created", "detail": ',
    ]);
    const malformed = batch.Records.find((r) => r.body.startsWith('{"detail-type"'))?.messageId;

    const response = await handler(batch);
    await acknowledge(
      events,
      batch,
      response.batchItemFailures.map((f) => f.itemIdentifier),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed }] });
    const received = await receiveAlerts(sqs, alerts, 1);
    expect(delivered(received)).toEqual(['remediation-missing/incident-a']);
    expect(received[0]?.attributes.alertType).toEqual({ Type: 'String', Value: 'remediation-missing' });
    const validation = ValidationReportSchema.parse(await getJson(s3, bucket, LATEST));
    expect(validation.trigger).toEqual({
      kind: 'evidence-change',
      count: 1,
      keys: [key.slice(PREFIX.length)],
    });
    expect(validation.asOf).toBe('2026-11-25T07:01:00Z');
  });

  it('alerts the recovery once the rerun drill arrives', async () => {
    const key = await upload('2026-11-25T07:30:00Z', { drillId: 'rerun', rerunOf: 'failed' });
    clock = new Date('2026-11-25T07:31:10Z');
    const batch = await deliver(events, [
      JSON.stringify(objectCreated(bucket, key, { time: '2026-11-25T07:30:05Z' })),
    ]);

    const response = await handler(batch);

    expect(response).toEqual({ batchItemFailures: [] });
    const received = await receiveAlerts(sqs, alerts, 1);
    expect(delivered(received)).toEqual(['recovered/incident-a']);
    expect(received[0]?.body).toMatchObject({ alertType: 'recovered', rowId: 'incident-a' });
  });
});
