import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as glue from 'aws-cdk-lib/aws-glue';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { buildAlarms } from './builders/alarms';
import { buildDeadLetterQueue } from './builders/dead-letter-queue';
import type { EvidenceEvents } from './builders/evidence-events';
import { buildEvidenceEvents } from './builders/evidence-events';
import { buildFunction } from './builders/function';
import { buildHistoryTables } from './builders/history-table';
import { buildIntegrity } from './builders/integrity';
import { buildSchedule } from './builders/schedule';
import { buildStorage } from './builders/storage';
import { subscribeRecipients } from './builders/subscriptions';
import { buildTopics } from './builders/topics';
import type { ReadinessMonitorProps } from './readiness-monitor-props';
import { resolveConfig } from './resolve-config';

export { flattenReference } from './cdk-nag';
export { ALERT_TYPES, READINESS_MONITOR_DEFAULTS, RUN_SUCCEEDED_METRIC } from './readiness-monitor-props';
export type {
  ReadinessMonitorHistoryTable,
  ReadinessMonitorOwner,
  ReadinessMonitorProps,
} from './readiness-monitor-props';
export type { EvidenceEvents } from './builders/evidence-events';

/**
 * A daily, least-privilege readiness monitor: EventBridge Scheduler invokes the `daily-check` function,
 * which reads the evidence store, writes reports and the alert ledger, and publishes alerts to SNS.
 * CloudWatch alarms watch the monitor itself (errors, dead letters, a missing `RunSucceeded` heartbeat).
 * Evidence uploads and deletions also start an evaluation within about a minute (S3 → EventBridge → SQS → a
 * second function, `evaluateOnEvidenceChange`; docs/events.md).
 *
 * Each concern is built by its own function under `lib/builders/`, always with this construct as the scope,
 * so the logical ids stay those of a flat construct (pinned in `test/infra/logical-ids.test.ts`).
 */
export class ReadinessMonitor extends Construct {
  /** The evidence store (created or imported). */
  public readonly evidenceBucket: s3.IBucket;
  /** The bucket receiving the created evidence bucket's server access logs; undefined for an imported bucket. */
  public readonly accessLogsBucket?: s3.IBucket;
  /** The topic the alerts are published to. */
  public readonly alertTopic: sns.ITopic;
  /** The topic the monitor's alarms notify. */
  public readonly opsTopic: sns.ITopic;
  /** The daily-check function. */
  public readonly lambdaFunction: lambda.IFunction;
  /**
   * The daily-check function.
   * @deprecated use `lambdaFunction` (the same function)
   */
  public readonly function: lambda.IFunction;
  /** The function's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Receives failed schedule deliveries, failed asynchronous invocations and undeliverable emails. */
  public readonly deadLetterQueue: sqs.IQueue;
  /** The EventBridge Scheduler schedule. */
  public readonly schedule: scheduler.ISchedule;
  /** Function errors ≥ 1 within an hour. */
  public readonly errorsAlarm: cloudwatch.Alarm;
  /** Dead-letter queue not empty. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;
  /** No `RunSucceeded` datapoint for 26 hours. */
  public readonly heartbeatAlarm: cloudwatch.Alarm;
  /** The Glue database over the compliance history; undefined unless `historyTable` is set. */
  public readonly historyDatabase?: glue.CfnDatabase;
  /** The Glue table of the rows' daily history; undefined unless `historyTable` is set. */
  public readonly historyTable?: glue.CfnTable;
  /** The Glue table of each day's consumed evidence; undefined unless `historyTable` is set. */
  public readonly consumedEvidenceTable?: glue.CfnTable;
  /** Where `reports/` is written: the separate reports bucket (`reportsBucket`), else the evidence bucket. */
  public readonly reportsBucket: s3.IBucket;
  /** `ChainBroken` ≥ 1: the newest days of the manifest hash chain or `reports/latest/` did not verify. */
  public readonly chainBrokenAlarm: cloudwatch.Alarm;
  /** Event-driven evaluation (rule, queues, function, alarm); undefined when `evaluateOnEvidenceChange` is off. */
  public readonly evidenceEvents?: EvidenceEvents;

  constructor(scope: Construct, id: string, props: ReadinessMonitorProps = {}) {
    super(scope, id);
    // The created access-logs bucket must be written to through a bucket policy (ACLs are disabled on new
    // buckets); scoped to this construct, whatever the app's feature flags say. Set before any child exists.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const config = resolveConfig(props);

    const storage = buildStorage(this, config);
    const topics = buildTopics(this, config);
    const deadLetterQueue = buildDeadLetterQueue(this);
    subscribeRecipients(config, topics, deadLetterQueue);
    const daily = buildFunction(this, { config, storage, topics, deadLetterQueue });
    const schedule = buildSchedule(this, { config, fn: daily.fn, deadLetterQueue });
    const alarms = buildAlarms(this, { fn: daily.fn, deadLetterQueue, opsTopic: topics.opsTopic });
    const integrity = buildIntegrity(this, { config, storage, ...daily, opsTopic: topics.opsTopic });
    // The history lives beside the reports: in the separate reports bucket when there is one.
    const history = buildHistoryTables(this, config, integrity.reportsBucket);
    const evidenceEvents = buildEvidenceEvents(this, { config, storage, topics });
    if (evidenceEvents) integrity.share(evidenceEvents.fn);

    this.evidenceBucket = storage.evidenceBucket;
    this.accessLogsBucket = storage.accessLogsBucket;
    this.alertTopic = topics.alertTopic;
    this.opsTopic = topics.opsTopic;
    this.lambdaFunction = daily.fn;
    this.function = daily.fn;
    this.logGroup = daily.logGroup;
    this.deadLetterQueue = deadLetterQueue;
    this.schedule = schedule;
    this.errorsAlarm = alarms.errorsAlarm;
    this.deadLetterAlarm = alarms.deadLetterAlarm;
    this.heartbeatAlarm = alarms.heartbeatAlarm;
    this.historyDatabase = history?.database;
    this.historyTable = history?.rowsTable;
    this.consumedEvidenceTable = history?.evidenceTable;
    this.reportsBucket = integrity.reportsBucket;
    this.chainBrokenAlarm = integrity.chainBrokenAlarm;
    if (evidenceEvents) this.evidenceEvents = evidenceEvents;
  }
}
