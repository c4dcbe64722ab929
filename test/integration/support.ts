/**
 * The integration harness: raw AWS SDK clients pointed at the one fauxqs process that
 * `global-setup.mjs` starts for the whole jest run (S3, SNS and SQS on loopback), plus helpers to seed
 * buckets, subscribe queues to a topic and receive what SNS delivered. Every test file creates its own
 * uniquely named bucket, topic and queues, so files running in parallel workers do not interfere.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const REPO = path.join(__dirname, '..', '..');
export const EXAMPLE_STORE = path.join(REPO, 'examples', 'store');
export const NOW = '2026-11-25T06:00:00Z';
/** The files of a day's folder (and of latest/): the three reports and the manifest that seals them. */
export const REPORT_FILES = [
  'usr-incident-response-drill-report.json',
  'usr-operational-readiness-validation.json',
  'usr-readiness-manifest.json',
  'usr-rollback-drill-report.json',
] as const;
/** The HTML report and the CSV, written next to the JSON reports, with their content types. */
export const AUDIT_FILES = {
  'usr-readiness-report.html': 'text/html; charset=utf-8',
  'usr-readiness-rows.csv': 'text/csv; charset=utf-8',
} as const;
export const OUTPUT_FILES = [...REPORT_FILES, ...Object.keys(AUDIT_FILES)];
/** The day's compliance history and consumed evidence, under the output root. */
export function historyKeys(day: string): string[] {
  return [`history/consumed-evidence/date=${day}/consumed-evidence.jsonl`, `history/date=${day}/rows.jsonl`];
}

/** The fauxqs endpoint exported by global-setup.mjs. */
export function endpoint(): string {
  const url = process.env.FAUXQS_ENDPOINT;
  if (!url)
    throw new Error('FAUXQS_ENDPOINT is not set: run the integration tests through jest (global-setup.mjs)');
  return url;
}

const common = () => ({ region: REGION, endpoint: endpoint(), credentials: CREDENTIALS, maxAttempts: 2 });

export const s3Client = (): S3Client =>
  new S3Client({
    ...common(),
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
export const snsClient = (): SNSClient => new SNSClient(common());
export const sqsClient = (): SQSClient => new SQSClient(common());

/** The environment under which the SDK's default chain (and so `makeS3Client()`/`makeSnsClient()`) reaches fauxqs. */
export function awsEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint(),
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
}

/** A name unique to this test file and run: lowercase, digits and hyphens (valid for buckets, topics, queues). */
export function uniqueName(label: string): string {
  return `it-${label}-${process.pid}-${randomBytes(4).toString('hex')}`.toLowerCase().slice(0, 63);
}

// ---------------------------------------------------------------- S3

export async function createBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}

/** Every file under `dir`, as `/`-separated keys relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** Copies a directory store into `s3://bucket/prefix` key by key (a few uploads in flight); returns the relative keys. */
export async function uploadDirectory(
  s3: S3Client,
  bucket: string,
  prefix: string,
  dir: string,
): Promise<string[]> {
  const keys = filesUnder(dir);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: prefix + key,
          Body: readFileSync(path.join(dir, ...key.split('/'))),
          ContentType: 'application/json',
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return keys;
}

export interface FetchedObject {
  readonly text: string;
  readonly contentType: string | undefined;
  readonly etag: string | undefined;
}

export async function getObject(s3: S3Client, bucket: string, key: string): Promise<FetchedObject> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return {
    text: response.Body ? await response.Body.transformToString('utf-8') : '',
    contentType: response.ContentType,
    etag: response.ETag,
  };
}

export async function getJson(s3: S3Client, bucket: string, key: string): Promise<unknown> {
  return JSON.parse((await getObject(s3, bucket, key)).text);
}

/** All keys under a prefix (every page), sorted. */
export async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export interface RecordedListing {
  readonly prefix: string;
  /** True for a request that continues a truncated listing (a second or later page). */
  readonly continued: boolean;
}

/** Records every ListObjectsV2 request the client sends. */
export function recordListings(client: S3Client): RecordedListing[] {
  const calls: RecordedListing[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'ListObjectsV2Command') {
        const input = args.input as { Prefix?: string; ContinuationToken?: string };
        calls.push({ prefix: input.Prefix ?? '', continued: input.ContinuationToken !== undefined });
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordListings' },
  );
  return calls;
}

// ---------------------------------------------------------------- SNS → SQS

export async function createTopic(sns: SNSClient, name: string): Promise<string> {
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  if (!TopicArn) throw new Error(`CreateTopic ${name} returned no ARN`);
  return TopicArn;
}

export interface SubscribedQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** Creates a queue and subscribes it to the topic (SNS envelope delivery), with an optional filter policy on message attributes. */
export async function subscribeQueue(
  sns: SNSClient,
  sqs: SQSClient,
  topicArn: string,
  name: string,
  filterPolicy?: Record<string, unknown>,
): Promise<SubscribedQueue> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`queue ${name} has no QueueArn`);
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: arn,
      ...(filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(filterPolicy) } } : {}),
    }),
  );
  return { name, url: QueueUrl, arn };
}

/** One alert as a subscriber receives it: the SNS envelope unwrapped. */
export interface DeliveredAlert {
  readonly subject: string | null;
  /** The JSON body of the alert (the `default` message of the MessageStructure). */
  readonly body: Record<string, unknown>;
  /** Message attributes as delivered in the envelope: name → { Type, Value }. */
  readonly attributes: Record<string, { Type: string; Value: string }>;
}

interface Envelope {
  Type?: string;
  Subject?: string | null;
  Message?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/**
 * Unwraps an SNS notification as delivered to SQS. AWS puts only the `default` value of a
 * `MessageStructure: json` message in `Message`; fauxqs 1.9.2 puts the whole structure there
 * (`{"default": "...", "email": "..."}`), so that case is unwrapped too.
 */
export function unwrapNotification(sqsBody: string): DeliveredAlert {
  const envelope = JSON.parse(sqsBody) as Envelope;
  if (envelope.Type !== 'Notification' || typeof envelope.Message !== 'string')
    throw new Error(`not an SNS notification: ${sqsBody.slice(0, 200)}`);
  let message = JSON.parse(envelope.Message) as Record<string, unknown>;
  const isStructure =
    typeof message.default === 'string' &&
    Object.keys(message).every((k) =>
      ['default', 'email', 'email-json', 'sqs', 'lambda', 'http', 'https'].includes(k),
    );
  if (isStructure) message = JSON.parse(message.default as string) as Record<string, unknown>;
  return { subject: envelope.Subject ?? null, body: message, attributes: envelope.MessageAttributes ?? {} };
}

async function receiveOnce(
  sqs: SQSClient,
  queue: SubscribedQueue,
  waitSeconds: number,
): Promise<DeliveredAlert[]> {
  const { Messages } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
  );
  const messages = Messages ?? [];
  if (messages.length === 0) return [];
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  return messages.map((m) => unwrapNotification(m.Body ?? ''));
}

/**
 * Receives (and deletes) messages until `expected` have arrived or `timeoutMs` has passed, then keeps
 * listening for `settleMs` more so that extra, unexpected deliveries are caught too.
 */
export async function receiveAlerts(
  sqs: SQSClient,
  queue: SubscribedQueue,
  expected: number,
  { timeoutMs = 10_000, settleMs = 1_000 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<DeliveredAlert[]> {
  const received: DeliveredAlert[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < expected && Date.now() < deadline)
    received.push(...(await receiveOnce(sqs, queue, 1)));
  received.push(...(await drain(sqs, queue, settleMs)));
  return received;
}

/** Receives (and deletes) whatever arrives within `ms`. */
export async function drain(sqs: SQSClient, queue: SubscribedQueue, ms = 2_000): Promise<DeliveredAlert[]> {
  const received: DeliveredAlert[] = [];
  const until = Date.now() + ms;
  do received.push(...(await receiveOnce(sqs, queue, 1)));
  while (Date.now() < until);
  return received;
}

/** `alertType/rowId` of each delivered alert (`_run` for the summary), sorted: compact to compare. */
export const delivered = (alerts: readonly DeliveredAlert[]): string[] =>
  alerts
    .map((a) => `${String(a.body.alertType)}/${typeof a.body.rowId === 'string' ? a.body.rowId : '_run'}`)
    .sort();

// ---------------------------------------------------------------- in-memory ports for the reference runs

export { MemoryAlertSink, MemoryLedgerStore, MemoryReportSink } from '../fixtures/core/memory-store';

// ---------------------------------------------------------------- the real binary

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `bin/usr-readiness.js` with only dummy credentials in its environment: the endpoint and region come from its
 * flags, not from AWS_ENDPOINT_URL/AWS_REGION or a profile. Asynchronous, so the jest worker stays responsive.
 */
export function runCli(args: readonly string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith('AWS_') && value !== undefined) env[name] = value;
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_CONFIG_FILE: path.join(REPO, 'test', 'integration', 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(REPO, 'test', 'integration', 'no-such-aws-credentials'),
    NODE_NO_WARNINGS: '1',
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'usr-readiness.js'), ...args], {
      cwd: REPO,
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
