import { RemovalPolicy } from 'aws-cdk-lib';
import type { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  ALERT_TYPES as CORE_ALERT_TYPES,
  DEFAULT_CADENCE_DAYS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_WAIVER_DAYS,
  DEFAULT_EVENT_BATCH_SIZE,
  DEFAULT_EVENT_BATCHING_WINDOW_SECONDS,
  DEFAULT_POLICY_KEY,
  DEFAULT_SCHEDULE_EXPRESSION,
  DEFAULT_SCHEDULE_TIME_ZONE,
  DEFAULT_SCHEDULE_KEY,
  DEFAULT_WAIVERS_KEY,
  DEFAULT_WARN_DAYS,
  CONSUMED_EVIDENCE_TABLE_NAME,
  HISTORY_DATABASE_NAME,
  HISTORY_TABLE_NAME,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../lambdas/constants';

/** The alert types the monitor publishes (docs/formats.md), the allowed values of an owner's `alertTypes` filter. */
export const ALERT_TYPES: readonly string[] = CORE_ALERT_TYPES;

/** Namespace, name and dimension of the heartbeat metric that the handler emits once per successful run. */
export const RUN_SUCCEEDED_METRIC = {
  namespace: METRICS_NAMESPACE,
  metricName: METRIC_NAMES.runSucceeded,
  serviceName: SERVICE_NAME,
} as const;

/**
 * A drill owner: an email address subscribed to the alert topic, optionally narrowed by a filter on the
 * alert's message attributes. Filters on different attributes must all match; within one attribute any
 * listed value matches. An owner without any filter receives every alert.
 */
export interface ReadinessMonitorOwner {
  /** Email address that receives the alerts (SNS sends a confirmation mail first). */
  readonly email: string;
  /**
   * Only alerts for rows that require one of these roles (message attribute `roles`, a String.Array).
   * @default - no filter on roles
   */
  readonly roles?: string[];
  /**
   * Only alerts for rows with one of these runbook ids (message attribute `runbookId`).
   * @default - no filter on runbook ids
   */
  readonly runbookIds?: string[];
  /**
   * Only alerts for rows of one of these severity classes (message attribute `severityClass`).
   * @default - no filter on severity classes
   */
  readonly severityClasses?: string[];
  /**
   * Only alerts of these types (message attribute `alertType`), e.g. `overdue`, `recovered`.
   * @default - no filter on alert types
   */
  readonly alertTypes?: string[];
}

/** Names of the Glue database and tables over the compliance history (Athena identifiers: lowercase letters, digits, `_`). */
export interface ReadinessMonitorHistoryTable {
  /**
   * The Glue database, created by the construct (one per account and region: give a second monitor its own).
   * @default - 'usr_readiness'
   */
  readonly databaseName?: string;
  /**
   * The table of the rows' daily history (`history/date=<date>/rows.jsonl`).
   * @default - 'row_history'
   */
  readonly tableName?: string;
  /**
   * The table of the evidence each day's decision consumed (`history/consumed-evidence/date=<date>/…`).
   * @default - 'consumed_evidence'
   */
  readonly evidenceTableName?: string;
}

export interface ReadinessMonitorProps {
  /**
   * The evidence store. Reports and the alert ledger are written to the same bucket.
   * An imported bucket encrypted with a customer managed key must be imported with its `encryptionKey`
   * (`s3.Bucket.fromBucketAttributes`) so that the function is allowed to use that key.
   * @default - a new KMS-encrypted, versioned, access-logged bucket, retained on stack deletion (`removalPolicy`)
   */
  readonly evidenceBucket?: s3.IBucket;
  /**
   * Key prefix of the evidence store inside the bucket: empty, or ending with `/` (e.g. `usr/`).
   * @default - '' (the bucket root)
   */
  readonly evidencePrefix?: string;
  /**
   * Key prefix under which `reports/…` and the alert ledger `state/…` are written: empty, or ending with `/`.
   * @default - the evidence prefix
   */
  readonly reportsPrefix?: string;
  /**
   * Key of the policy document, relative to the evidence prefix; must be under `policy/`.
   * @default - 'policy/usr-operational-readiness-policy.json'
   */
  readonly policyKey?: string;
  /**
   * Key of the cutover schedule, relative to the evidence prefix; must be under `schedule/`.
   * @default - 'schedule/cutover-windows.json'
   */
  readonly scheduleKey?: string;
  /**
   * Key of the waivers document (time-boxed, approved acceptances of known problems), relative to the evidence
   * prefix; must be under `policy/` and differ from `policyKey`. A missing document means no waivers.
   * @default - 'policy/waivers.json'
   */
  readonly waiversKey?: string;
  /**
   * The longest a waiver may last (`expiresAt − approvedAt`); a longer one is invalid and waives nothing.
   * Whole days, greater than zero.
   * @default - Duration.days(30)
   */
  readonly maxWaiverDuration?: Duration;
  /**
   * When the check runs (EventBridge Scheduler), including its time zone.
   * @default - daily at 06:00 UTC: `cron(0 6 * * ? *)` in `Etc/UTC`
   */
  readonly schedule?: scheduler.ScheduleExpression;
  /**
   * A row must have a successful drill at least this often. Whole days.
   * @default - Duration.days(30)
   */
  readonly cadence?: Duration;
  /**
   * A row becomes `due-soon` this long before its drill is due. Whole days (0 turns the warning off),
   * shorter than the cadence.
   * @default - Duration.days(7)
   */
  readonly warnBefore?: Duration;
  /**
   * Topic that receives the drill alerts.
   * An imported topic encrypted with a customer managed key must carry its `masterKey`
   * (`sns.Topic.fromTopicAttributes`) so that the function is allowed to use that key.
   * @default - a new topic encrypted with a customer managed KMS key that only accepts TLS publishers
   */
  readonly alertTopic?: sns.ITopic;
  /**
   * Drill owners subscribed (by email) to the alert topic, each with an optional filter policy.
   * @default - no subscriptions
   */
  readonly owners?: ReadinessMonitorOwner[];
  /**
   * Email addresses subscribed to the ops topic (alarm and OK notifications of the monitor itself).
   * @default - no subscriptions
   */
  readonly opsEmails?: string[];
  /**
   * Topic that receives the monitor's own CloudWatch alarms (errors, dead letters, missing heartbeat).
   * An imported topic encrypted with a customer managed key must allow `cloudwatch.amazonaws.com` to use it.
   * @default - a new topic encrypted with a customer managed KMS key that CloudWatch alarms may use
   */
  readonly opsTopic?: sns.ITopic;
  /**
   * Memory of the daily-check function, in MiB (128–10240).
   * @default - 512
   */
  readonly memorySize?: number;
  /**
   * Timeout of the daily-check function (at most 15 minutes).
   * @default - Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * How many S3 reads the function runs in parallel (`CONCURRENCY`), 1–256.
   * @default - 16
   */
  readonly concurrency?: number;
  /**
   * Default Object Lock retention (governance mode) of a created evidence bucket, in whole days, so that
   * evidence, reports and the ledger history cannot be rewritten or deleted during that time.
   * Only for a created bucket: combining it with `evidenceBucket` is an error.
   * @default - no Object Lock
   */
  readonly objectLockRetention?: Duration;
  /**
   * How long non-current object versions are kept in a created evidence bucket, in whole days.
   * @default - Duration.days(365)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * A bucket of its own for the outputs the monitor seals and audit tooling reads: `reports/` (with the day's
   * manifests of the hash chain) and the compliance history `history/`, under `reportsPrefix`.
   *
   * `true` creates one: S3 Object Lock in COMPLIANCE mode with the default retention `reportRetention`, versioning,
   * its own KMS key, TLS only, server access logs; the function may list, read and write (new versions of)
   * objects there, nothing else, and the bucket policy denies it deleting or unlocking any. A bucket brings your
   * own, configured where it is defined (import it with its `encryptionKey`).
   *
   * The alert ledger (`state/`) stays in the evidence bucket: it is rewritten on every run and is not evidence.
   * @default - the reports are written to the evidence bucket, under `reportsPrefix`
   */
  readonly reportsBucket?: s3.IBucket | true;
  /**
   * Default Object Lock retention, COMPLIANCE mode, of the reports bucket created by `reportsBucket: true`, in
   * whole days. Required then, and only then: during it nobody, the account's root user included, can delete a
   * version of a report or shorten its retention, and a stack with such a bucket cannot be deleted before it ends.
   * @default - none (required with `reportsBucket: true`)
   */
  readonly reportRetention?: Duration;
  /**
   * Retention of the function's log group.
   * @default - logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What CloudFormation does with the data-holding resources the construct creates (the evidence and
   * access-logs buckets, the KMS keys of the bucket and of the topics, the function's log group) when they
   * leave the stack, the stack is deleted, or an update replaces them. Imported resources are never affected.
   *
   * `RemovalPolicy.DESTROY` deletes them. The construct never empties a bucket (no `autoDeleteObjects`, so no
   * extra custom-resource function): CloudFormation cannot delete a bucket that still holds objects or object
   * versions, so the deletion of a stack whose buckets are not empty fails on them until they are emptied
   * (objects under Object Lock only once their retention has passed). A destroyed KMS key is scheduled for
   * deletion after AWS KMS's waiting period (30 days by default), and data encrypted under it becomes
   * unreadable then. `RemovalPolicy.SNAPSHOT` is refused: none of these resources supports it.
   * @default - RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * A Glue database and two tables over the compliance history under `<reportsPrefix>history/`, with partition
   * projection on `date`, so that Athena can query it as soon as the stack is deployed (docs/audit-outputs.md has
   * the queries). `true` uses the default names. Querying needs Athena, read access to the bucket and, for a KMS
   * bucket, decrypt on its key: the construct grants no reader.
   * @default - false (no Glue resources)
   */
  readonly historyTable?: boolean | ReadinessMonitorHistoryTable;
  /**
   * Evaluate within about a minute of a change to the evidence (docs/events.md): the bucket sends its S3 events to
   * EventBridge, a rule routes `Object Created` / `Object Deleted` under `drills/`, `policy/` and `schedule/` of
   * the evidence prefix to an encrypted queue, and a second function (the same code, reserved concurrency 1) runs
   * one evaluation per batch. The scheduled run keeps its own function and still sends the daily reminders and
   * summary. On an imported bucket it also needs `importedBucketEventBridge`.
   * @default - true for a created bucket; for an imported bucket, true when `importedBucketEventBridge` is set
   */
  readonly evaluateOnEvidenceChange?: boolean;
  /**
   * An imported evidence bucket only: how its S3 events reach EventBridge, which event-driven evaluation needs.
   *
   * - `'already-enabled'`: the bucket's owner has turned EventBridge notifications on where the bucket is defined
   *   (`eventBridgeEnabled: true`); the construct only adds its rule. The safe choice.
   * - `'enable'`: the construct turns them on itself, through CDK's bucket-notifications custom resource (a
   *   Lambda function of the stack that reads the bucket's notification configuration and writes it back with
   *   EventBridge enabled). S3 keeps ONE notification configuration per bucket and every writer replaces it
   *   whole: the stack that owns the bucket, or any tool managing its notifications, can silently remove the
   *   setting on its next deployment (events stop; only the daily run remains), and a change made between the
   *   read and the write is lost. Use it only when nothing else manages the bucket's notifications.
   *
   * @default - undefined: an imported bucket gets no event-driven evaluation
   */
  readonly importedBucketEventBridge?: 'enable' | 'already-enabled';
  /**
   * How long the queue gathers evidence events into one batch (one evaluation); 0-300 whole seconds.
   * @default - Duration.seconds(60)
   */
  readonly evidenceChangeBatchingWindow?: Duration;
  /**
   * At most this many events per batch (1-10,000); above 10 the batching window must be at least 1 second.
   * @default - 1000
   */
  readonly evidenceChangeBatchSize?: number;
}

/** The defaults of `ReadinessMonitorProps`, in one place (documented in docs/deploy.md, "Default settings"). */
export const READINESS_MONITOR_DEFAULTS = {
  evidencePrefix: '',
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: DEFAULT_SCHEDULE_KEY,
  waiversKey: DEFAULT_WAIVERS_KEY,
  maxWaiverDays: DEFAULT_MAX_WAIVER_DAYS,
  scheduleExpression: DEFAULT_SCHEDULE_EXPRESSION,
  scheduleTimeZone: DEFAULT_SCHEDULE_TIME_ZONE,
  cadenceDays: DEFAULT_CADENCE_DAYS,
  warnDays: DEFAULT_WARN_DAYS,
  memorySize: 512,
  timeoutMinutes: 5,
  concurrency: DEFAULT_CONCURRENCY,
  noncurrentVersionDays: 365,
  logRetention: logs.RetentionDays.ONE_YEAR,
  schedulerRetryAttempts: 3,
  schedulerMaxEventAgeHours: 6,
  lambdaRetryAttempts: 2,
  lambdaMaxEventAgeHours: 6,
  heartbeatHours: 26,
  removalPolicy: RemovalPolicy.RETAIN,
  historyDatabaseName: HISTORY_DATABASE_NAME,
  historyTableName: HISTORY_TABLE_NAME,
  historyEvidenceTableName: CONSUMED_EVIDENCE_TABLE_NAME,
  evidenceChangeBatchingWindowSeconds: DEFAULT_EVENT_BATCHING_WINDOW_SECONDS,
  evidenceChangeBatchSize: DEFAULT_EVENT_BATCH_SIZE,
} as const;
