import { Duration, Stack } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  EVENT_MAX_RECEIVE_COUNT,
  EVENT_VISIBILITY_TIMEOUT_FACTOR,
  EVIDENCE_EVENT_TYPES,
  INPUT_FOLDERS,
} from '../../lambdas/constants';
import { acknowledge } from '../cdk-nag';
import type { ResolvedConfig } from '../resolve-config';
import type { EvidenceEventsConfig } from '../resolve-events';
import { notifyOps, queueNotEmptyAlarm } from './alarms';
import { buildTerminalQueue } from './dead-letter-queue';
import type { DailyCheckFunction } from './function';
import { buildMonitorFunction } from './function';
import type { Storage } from './storage';
import type { Topics } from './topics';

/**
 * The function runs one evaluation at a time for the store: reserved concurrency 1. The event source's own limit
 * cannot go below 2 (`MaximumConcurrency`); at 2 a second batch waits in Lambda's throttle retries (within the
 * queue's visibility timeout) instead of running beside the first. docs/events.md, "Concurrency".
 */
const RESERVED_CONCURRENCY = 1;
const EVENT_SOURCE_MAX_CONCURRENCY = 2;
/** The stack-wide singleton function CDK uses to put notification configurations on imported buckets. */
const BUCKET_NOTIFICATIONS_HANDLER = 'BucketNotificationsHandler050a0587b7544547bf325f094a3db834';

export interface EvidenceEventsInputs {
  readonly config: ResolvedConfig;
  readonly storage: Storage;
  readonly topics: Topics;
}

/** Event-driven evaluation (docs/events.md): what the construct exposes of it. */
export interface EvidenceEvents {
  /** The rule that routes the evidence bucket's S3 events to the queue. */
  readonly rule: events.Rule;
  /** Gathers the events into batches for the function. */
  readonly queue: sqs.Queue;
  /** Events that could not be delivered to the queue or were received too often. */
  readonly deadLetterQueue: sqs.Queue;
  /** Runs one evaluation per batch (the daily-check code, reserved concurrency 1). */
  readonly fn: lambdaNodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  /** Dead letters waiting: events that started no evaluation. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
}

/**
 * S3 events of the evidence bucket → EventBridge rule (`EvidenceEventsRule`) → encrypted queue
 * (`EvidenceEventsQueue`, dead letters in `EvidenceEventsDeadLetterQueue`) → the `EvidenceChange` function with its
 * own role and log group. Undefined when event-driven evaluation is off.
 */
export function buildEvidenceEvents(
  scope: Construct,
  { config, storage, topics }: EvidenceEventsInputs,
): EvidenceEvents | undefined {
  const settings = config.evidenceEvents;
  if (settings === null) return undefined;
  sendBucketEventsToEventBridge(scope, storage.evidenceBucket, settings);
  const deadLetterQueue = buildDeadLetterQueue(scope);
  const queue = buildQueue(scope, config, deadLetterQueue);
  const rule = buildRule(scope, config, storage.evidenceBucket, queue, deadLetterQueue);
  const { fn, logGroup } = buildEvidenceFunction(scope, { config, storage, topics });
  fn.addEventSource(
    new lambdaEventSources.SqsEventSource(queue, {
      batchSize: settings.batchSize,
      maxBatchingWindow: settings.batchingWindow,
      reportBatchItemFailures: true,
      maxConcurrency: EVENT_SOURCE_MAX_CONCURRENCY,
    }),
  );
  const deadLetterAlarm = buildDeadLetterAlarm(scope, deadLetterQueue);
  notifyOps(topics.opsTopic, [deadLetterAlarm]);
  return { rule, queue, deadLetterQueue, fn, logGroup, deadLetterAlarm };
}

/**
 * A created bucket gets S3's own `EventBridgeConfiguration` in its CloudFormation resource (no custom resource,
 * no extra function). An imported bucket either has it already, or gets it from CDK's notifications custom
 * resource, which reads the bucket's notification configuration and writes it back with EventBridge enabled.
 */
function sendBucketEventsToEventBridge(
  scope: Construct,
  bucket: s3.IBucket,
  settings: EvidenceEventsConfig,
): void {
  if (settings.bucketEventBridge === 'already-enabled') return;
  if (settings.bucketEventBridge === 'enable') {
    bucket.enableEventBridgeNotification();
    acknowledgeNotificationsHandler(scope);
    return;
  }
  const resource = bucket.node.defaultChild;
  if (!(resource instanceof s3.CfnBucket))
    throw new Error(`the created evidence bucket ${bucket.node.path} has no CloudFormation bucket resource`);
  resource.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

function buildDeadLetterQueue(scope: Construct): sqs.Queue {
  return buildTerminalQueue(scope, 'EvidenceEventsDeadLetterQueue', [
    {
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'this queue is itself the terminal dead-letter queue of the evidence events; nothing consumes it automatically, the next scheduled run evaluates the store anyway',
    },
  ]);
}

/**
 * SSE-SQS encryption (EventBridge sends to it without a key policy), TLS only. The visibility timeout is six times
 * the function timeout, as AWS advises for an SQS event source, so throttled batches are retried before they
 * reappear; a message received `EVENT_MAX_RECEIVE_COUNT` times moves to the dead-letter queue.
 */
function buildQueue(scope: Construct, config: ResolvedConfig, deadLetterQueue: sqs.IQueue): sqs.Queue {
  return new sqs.Queue(scope, 'EvidenceEventsQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(config.timeout.toSeconds() * EVENT_VISIBILITY_TIMEOUT_FACTOR),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: EVENT_MAX_RECEIVE_COUNT },
  });
}

/** The evidence folders' keys under the evidence prefix: reports/, history/ and state/ never match. */
export function evidenceKeyPrefixes(evidencePrefix: string): { prefix: string }[] {
  return INPUT_FOLDERS.map((folder) => ({ prefix: `${evidencePrefix}${folder}` }));
}

function buildRule(
  scope: Construct,
  config: ResolvedConfig,
  bucket: s3.IBucket,
  queue: sqs.IQueue,
  deadLetterQueue: sqs.IQueue,
): events.Rule {
  return new events.Rule(scope, 'EvidenceEventsRule', {
    description: 'USR readiness monitor: evidence uploads and deletions start an evaluation',
    eventPattern: {
      source: ['aws.s3'],
      detailType: [...EVIDENCE_EVENT_TYPES],
      detail: {
        bucket: { name: [bucket.bucketName] },
        object: { key: evidenceKeyPrefixes(config.evidencePrefix) },
      },
    },
    targets: [
      new eventsTargets.SqsQueue(queue, {
        deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(2),
      }),
    ],
  });
}

function buildEvidenceFunction(scope: Construct, inputs: EvidenceEventsInputs): DailyCheckFunction {
  return buildMonitorFunction(scope, inputs, {
    ids: { fn: 'EvidenceChange', logGroup: 'EvidenceChangeLogGroup', role: 'EvidenceChangeRole' },
    description: 'USR readiness monitor: evaluates the evidence after S3 changes, one run per queued batch',
    roleDescription: 'USR readiness monitor evidence-change function',
    invocation: { reservedConcurrentExecutions: RESERVED_CONCURRENCY },
    acknowledgements: [
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'the function is only invoked synchronously by its SQS event source: a batch that fails returns to the evidence queue, whose redrive policy moves it to the evidence dead-letter queue',
      },
      {
        id: 'Serverless-LambdaEventSourceMappingDestination',
        reason:
          'an SQS event source mapping takes no on-failure destination: failed messages return to the evidence queue and its redrive policy moves them to the evidence dead-letter queue after five receives',
      },
    ],
  });
}

function buildDeadLetterAlarm(scope: Construct, queue: sqs.IQueue): cloudwatch.Alarm {
  return queueNotEmptyAlarm(
    scope,
    'EvidenceEventsDeadLetterAlarm',
    queue,
    'Evidence events are waiting in the USR readiness evidence dead-letter queue: an upload or deletion started no evaluation (malformed, undeliverable or failed five times). The next scheduled run still evaluates the store.',
  );
}

/** CDK's notifications handler for imported buckets is the stack's singleton: acknowledged where it lives. */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const handler = Stack.of(scope).node.tryFindChild(BUCKET_NOTIFICATIONS_HANDLER);
  if (!handler) return;
  acknowledge(handler, [
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notifications handler (a stack-wide singleton the construct does not define) writes its logs through the AWS managed basic execution policy; it runs only when the stack deploys, to enable EventBridge notifications on the imported evidence bucket",
    },
  ]);
}
