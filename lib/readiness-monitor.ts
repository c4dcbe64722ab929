import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as lambdaNodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import {
  ALERT_TYPES as CORE_ALERT_TYPES,
  DEFAULT_CADENCE_DAYS,
  DEFAULT_CONCURRENCY,
  DEFAULT_POLICY_KEY,
  DEFAULT_SCHEDULE_EXPRESSION,
  DEFAULT_SCHEDULE_TIME_ZONE,
  DEFAULT_SCHEDULE_KEY,
  DEFAULT_WARN_DAYS,
  MAX_CONCURRENCY,
  METRIC_NAMES,
  METRICS_NAMESPACE,
  SERVICE_NAME,
} from '../lambdas/constants';

/** The alert types the monitor publishes (CONTRACT §6), the allowed values of an owner's `alertTypes` filter. */
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

export interface ReadinessMonitorProps {
  /**
   * The evidence store. Reports and the alert ledger are written to the same bucket.
   * An imported bucket encrypted with a customer managed key must be imported with its `encryptionKey`
   * (`s3.Bucket.fromBucketAttributes`) so that the function is allowed to use that key.
   * @default - a new KMS-encrypted, versioned, access-logged bucket that is retained on stack deletion
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
   * Retention of the function's log group.
   * @default - logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The defaults of `ReadinessMonitorProps`, in one place (documented in the README, "Default settings"). */
export const READINESS_MONITOR_DEFAULTS = {
  evidencePrefix: '',
  policyKey: DEFAULT_POLICY_KEY,
  scheduleKey: DEFAULT_SCHEDULE_KEY,
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
} as const;

const PINNED_RUNTIME_REASON =
  'the runtime is pinned to nodejs22.x, the Node version the handler and its bundled AWS SDK are built (esbuild target node22) and tested for; a newer runtime is a deliberate, tested upgrade';

/** `<cdk-nag rule>[<finding>]` ids acknowledged by the construct, with their reasons. */
interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * A daily, least-privilege readiness monitor: EventBridge Scheduler invokes the `daily-check` function,
 * which reads the evidence store, writes reports and the alert ledger, and publishes alerts to SNS.
 * CloudWatch alarms watch the monitor itself (errors, dead letters, a missing `RunSucceeded` heartbeat).
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

  constructor(scope: Construct, id: string, props: ReadinessMonitorProps = {}) {
    super(scope, id);
    // The created access-logs bucket must be written to through a bucket policy (ACLs are disabled on new
    // buckets); scoped to this construct, whatever the app's feature flags say.
    this.node.setContext(cxapi.S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    const config = resolveConfig(props);
    const stack = Stack.of(this);

    // ---- storage -------------------------------------------------------------------------------------
    let bucketKey: kms.IKey | undefined;
    if (props.evidenceBucket) {
      this.evidenceBucket = props.evidenceBucket;
      bucketKey = props.evidenceBucket.encryptionKey;
    } else {
      const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
        encryption: s3.BucketEncryption.S3_MANAGED, // server access logging requires SSE-S3 on the target
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        lifecycleRules: [
          {
            id: 'expire-access-logs',
            expiration: Duration.days(365),
            noncurrentVersionExpiration: Duration.days(30),
          },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const key = new kms.Key(this, 'EvidenceKey', {
        description: 'USR readiness monitor: evidence, reports and alert ledger',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const bucket = new s3.Bucket(this, 'EvidenceBucket', {
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        minimumTLSVersion: 1.2,
        versioned: true,
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: 'evidence/',
        lifecycleRules: [
          {
            id: 'expire-noncurrent-versions',
            noncurrentVersionExpiration: config.noncurrentVersionRetention,
            abortIncompleteMultipartUploadAfter: Duration.days(7),
          },
        ],
        ...(config.objectLockRetention
          ? {
              objectLockEnabled: true,
              objectLockDefaultRetention: s3.ObjectLockRetention.governance(config.objectLockRetention),
            }
          : {}),
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.accessLogsBucket = accessLogs;
      this.evidenceBucket = bucket;
      bucketKey = key;
    }

    // ---- topics --------------------------------------------------------------------------------------
    let topicKey: kms.Key | undefined;
    const topicKeyFor = (): kms.Key => {
      topicKey ??= new kms.Key(this, 'TopicKey', {
        description: 'USR readiness monitor: alert and ops topics',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      return topicKey;
    };
    this.alertTopic =
      props.alertTopic ??
      new sns.Topic(this, 'AlertTopic', {
        displayName: 'USR readiness alerts',
        masterKey: topicKeyFor(),
        enforceSSL: true,
      });
    if (props.opsTopic) {
      this.opsTopic = props.opsTopic;
    } else {
      const key = topicKeyFor();
      // CloudWatch alarms publish to the encrypted ops topic with the CloudWatch service principal.
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToUseTheKey',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      this.opsTopic = new sns.Topic(this, 'OpsTopic', {
        displayName: 'USR readiness monitor alarms',
        masterKey: key,
        enforceSSL: true,
      });
    }
    const alertTopicKey = this.alertTopic.masterKey;

    // ---- failures ------------------------------------------------------------------------------------
    const dlq = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueue = dlq;
    acknowledge(dlq, [
      {
        id: 'AwsSolutions-SQS3',
        reason:
          "this queue is itself the dead-letter queue (of the schedule target, of the function's asynchronous invocations and of the email subscriptions); any message in it raises the dead-letter alarm",
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'this queue is itself the terminal dead-letter queue; nothing consumes it automatically, operators inspect it when its alarm fires',
      },
    ]);

    for (const owner of config.owners) {
      this.alertTopic.addSubscription(
        new snsSubscriptions.EmailSubscription(owner.email, {
          filterPolicy: filterPolicyOf(owner),
          deadLetterQueue: dlq,
        }),
      );
    }
    for (const email of config.opsEmails) {
      this.opsTopic.addSubscription(new snsSubscriptions.EmailSubscription(email, { deadLetterQueue: dlq }));
    }

    // ---- function ------------------------------------------------------------------------------------
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.logGroup = logGroup;

    const role = new iam.Role(this, 'FunctionRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'USR readiness monitor daily-check function',
    });
    const bucketArn = this.evidenceBucket.bucketArn;
    const objectArn = (key: string): string => `${bucketArn}/${key}`;
    const ep = config.evidencePrefix;
    const rp = config.reportsPrefix;
    // Listing is prefix-scoped; it also makes S3 answer 404 (not 403) for a missing policy, schedule or ledger.
    const listable = [`${ep}policy/*`, `${ep}schedule/*`, `${ep}drills/*`, `${rp}state/*`];
    const readable = [
      `${ep}${config.policyKey}`,
      `${ep}${config.scheduleKey}`,
      `${ep}drills/*`,
      `${rp}state/*`,
    ];
    const writable = [`${rp}reports/*`, `${rp}state/*`];
    const statements: iam.PolicyStatement[] = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'ListEvidenceAndLedger',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: { StringLike: { 's3:prefix': unique(listable) } },
      }),
      new iam.PolicyStatement({
        sid: 'ReadEvidenceAndLedger',
        actions: ['s3:GetObject'],
        resources: unique(readable).map(objectArn),
      }),
      new iam.PolicyStatement({
        sid: 'WriteReportsAndLedger',
        actions: ['s3:PutObject'],
        resources: writable.map(objectArn),
      }),
      new iam.PolicyStatement({
        sid: 'PublishAlerts',
        actions: ['sns:Publish'],
        resources: [this.alertTopic.topicArn],
      }),
    ];
    if (bucketKey) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'UseEvidenceBucketKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [bucketKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    if (alertTopicKey) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'UseAlertTopicKey',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [alertTopicKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.amazonaws.com` } },
        }),
      );
    }
    for (const statement of statements) role.addToPrincipalPolicy(statement);

    const fn = new lambdaNodejs.NodejsFunction(this, 'DailyCheck', {
      description: 'USR readiness monitor: evaluates drill evidence, writes reports, publishes alerts',
      entry: path.join(__dirname, '..', 'lambdas', 'handlers', 'daily-check.ts'),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: config.memorySize,
      timeout: config.timeout,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      retryAttempts: READINESS_MONITOR_DEFAULTS.lambdaRetryAttempts,
      maxEventAge: Duration.hours(READINESS_MONITOR_DEFAULTS.lambdaMaxEventAgeHours),
      onFailure: new lambdaDestinations.SqsDestination(dlq),
      environment: {
        EVIDENCE_BUCKET: this.evidenceBucket.bucketName,
        EVIDENCE_PREFIX: ep,
        REPORTS_PREFIX: rp,
        POLICY_KEY: config.policyKey,
        SCHEDULE_KEY: config.scheduleKey,
        ALERT_TOPIC_ARN: this.alertTopic.topicArn,
        CADENCE_DAYS: String(config.cadenceDays),
        WARN_DAYS: String(config.warnDays),
        CONCURRENCY: String(config.concurrency),
        POWERTOOLS_SERVICE_NAME: RUN_SUCCEEDED_METRIC.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: RUN_SUCCEEDED_METRIC.namespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        target: 'node22',
        mainFields: ['module', 'main'],
        bundleAwsSDK: true,
        // Lambda puts the role's credentials in the environment: only the env link of the SDK's credential chain
        // is bundled (SSO, STS, INI and IMDS providers would add ~120 KB to a bundle that must stay under 600 KB).
        esbuildArgs: {
          '--alias:@aws-sdk/credential-provider-node': path.join(
            __dirname,
            '..',
            'lambdas',
            'handlers',
            'lambda-credentials.ts',
          ),
        },
      },
    });
    this.function = fn;

    // Findings that only a wildcard can satisfy, each acknowledged with its reason.
    const flatten = (value: string): string => flattenReference(stack.resolve(value));
    const wildcardReasons: Record<string, string> = {
      [`${ep}drills/*`]: `s3:GetObject covers the drill evidence under '${ep}drills/' only: artifact keys are drills/<rowId>/<timestamp>-<drillId>.json, new ones arrive with every drill`,
      [`${rp}state/*`]: `the alert ledger under '${rp}state/' is read (s3:GetObject) and conditionally rewritten (s3:PutObject with If-Match / If-None-Match); its file names belong to the handler`,
      [`${rp}reports/*`]: `s3:PutObject covers the reports under '${rp}reports/' only: each run writes reports/<date>/ and reports/latest/ files, named by the run date`,
    };
    acknowledge(role, [
      ...Object.entries(wildcardReasons).map(([key, reason]) => ({
        id: `AwsSolutions-IAM5[Resource::${flatten(objectArn(key))}]`,
        reason,
      })),
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS requires Resource "*")',
      },
    ]);
    acknowledge(fn, [
      { id: 'AwsSolutions-L1', reason: PINNED_RUNTIME_REASON },
      { id: 'Serverless-LambdaLatestVersion', reason: PINNED_RUNTIME_REASON },
      {
        id: 'Serverless-LambdaDLQ',
        reason:
          'failed asynchronous invocations go to the on-failure destination (the dead-letter queue), which records the error and request context; a legacy DeadLetterConfig would duplicate it',
      },
    ]);

    // ---- schedule ------------------------------------------------------------------------------------
    // An explicit role (rather than the stack-wide singleton) keeps the schedule's permissions inside the
    // construct; trusted only by EventBridge Scheduler of this account's default schedule group.
    const schedulerRole = new iam.Role(this, 'SchedulerRole', {
      description: 'USR readiness monitor schedule: invokes the daily-check function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    acknowledge(schedulerRole, [
      {
        id: `AwsSolutions-IAM5[Resource::${flatten(fn.functionArn)}:*]`,
        reason:
          'LambdaInvoke grants lambda:InvokeFunction on the function and its qualified ARNs (<arn>:*, versions and aliases) through grantInvoke; the role can invoke nothing but this one function',
      },
    ]);
    const target = new schedulerTargets.LambdaInvoke(fn, {
      role: schedulerRole,
      deadLetterQueue: dlq,
      retryAttempts: READINESS_MONITOR_DEFAULTS.schedulerRetryAttempts,
      maxEventAge: Duration.hours(READINESS_MONITOR_DEFAULTS.schedulerMaxEventAgeHours),
      input: scheduler.ScheduleTargetInput.fromObject({
        source: 'usr-readiness-monitor.schedule',
        scheduleArn: scheduler.ContextAttribute.scheduleArn,
        scheduledTime: scheduler.ContextAttribute.scheduledTime,
        executionId: scheduler.ContextAttribute.executionId,
        attemptNumber: scheduler.ContextAttribute.attemptNumber,
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'USR readiness monitor: daily drill check',
      schedule: config.schedule,
      target,
    });

    // ---- monitoring the monitor ----------------------------------------------------------------------
    const notifyOps = new cloudwatchActions.SnsAction(this.opsTopic);
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription:
        'The USR readiness daily-check function failed: the evidence store was unreachable, reports or the alert ledger could not be written, or alerts were not delivered.',
      metric: fn.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'Messages are waiting in the USR readiness dead-letter queue: a scheduled run, an asynchronous invocation or an owner email was not delivered.',
      metric: dlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // A missing heartbeat: hourly sums of RunSucceeded, 26 consecutive hours below 1, missing data breaching.
    // (Periods of an hour or more may span up to 7 days in total; a single 26-hour period is not allowed.)
    this.heartbeatAlarm = new cloudwatch.Alarm(this, 'HeartbeatAlarm', {
      alarmDescription: `No successful USR readiness run in the last ${READINESS_MONITOR_DEFAULTS.heartbeatHours} hours (metric ${RUN_SUCCEEDED_METRIC.namespace}/${RUN_SUCCEEDED_METRIC.metricName}).`,
      metric: new cloudwatch.Metric({
        namespace: RUN_SUCCEEDED_METRIC.namespace,
        metricName: RUN_SUCCEEDED_METRIC.metricName,
        dimensionsMap: { service: RUN_SUCCEEDED_METRIC.serviceName },
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: READINESS_MONITOR_DEFAULTS.heartbeatHours,
      datapointsToAlarm: READINESS_MONITOR_DEFAULTS.heartbeatHours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    for (const alarm of [this.errorsAlarm, this.deadLetterAlarm, this.heartbeatAlarm]) {
      alarm.addAlarmAction(notifyOps);
      alarm.addOkAction(notifyOps);
    }
  }
}

interface ResolvedConfig {
  readonly evidencePrefix: string;
  readonly reportsPrefix: string;
  readonly policyKey: string;
  readonly scheduleKey: string;
  readonly schedule: scheduler.ScheduleExpression;
  readonly cadenceDays: number;
  readonly warnDays: number;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly concurrency: number;
  readonly objectLockRetention?: Duration;
  readonly noncurrentVersionRetention: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly owners: readonly ReadinessMonitorOwner[];
  readonly opsEmails: readonly string[];
}

/** Applies the defaults and rejects contradictory or invalid props, with lowercase messages showing the value. */
function resolveConfig(props: ReadinessMonitorProps): ResolvedConfig {
  const d = READINESS_MONITOR_DEFAULTS;
  const evidencePrefix = checkPrefix('evidencePrefix', props.evidencePrefix ?? d.evidencePrefix);
  const reportsPrefix = checkPrefix('reportsPrefix', props.reportsPrefix ?? evidencePrefix);
  for (const folder of ['policy/', 'schedule/', 'drills/']) {
    if (reportsPrefix.startsWith(`${evidencePrefix}${folder}`)) {
      throw new Error(
        `reportsPrefix '${reportsPrefix}' lies inside the evidence folder '${evidencePrefix}${folder}': reports and the ledger would be read back as evidence`,
      );
    }
  }
  const policyKey = checkKey('policyKey', props.policyKey ?? d.policyKey, 'policy/');
  const scheduleKey = checkKey('scheduleKey', props.scheduleKey ?? d.scheduleKey, 'schedule/');

  const cadenceDays = wholeDays('cadence', props.cadence ?? Duration.days(d.cadenceDays));
  const warnDays = wholeDays('warnBefore', props.warnBefore ?? Duration.days(d.warnDays), true);
  if (warnDays >= cadenceDays) {
    throw new Error(
      `warnBefore (${warnDays} days) must be shorter than cadence (${cadenceDays} days): every row would always be due soon`,
    );
  }

  const memorySize = props.memorySize ?? d.memorySize;
  if (
    !Token.isUnresolved(memorySize) &&
    (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10240)
  ) {
    throw new Error(`memorySize must be a whole number of MiB between 128 and 10240, got ${memorySize}`);
  }
  const timeout = props.timeout ?? Duration.minutes(d.timeoutMinutes);
  const timeoutMillis = timeout.toMilliseconds();
  if (timeoutMillis % 1000 !== 0 || timeoutMillis < 1000 || timeoutMillis > 900_000) {
    throw new Error(
      `timeout must be whole seconds between 1 second and 15 minutes, got ${timeout.toHumanString()}`,
    );
  }
  const concurrency = props.concurrency ?? d.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new Error(
      `concurrency must be a whole number between 1 and ${MAX_CONCURRENCY}, got ${concurrency}`,
    );
  }

  if (props.objectLockRetention && props.evidenceBucket) {
    throw new Error(
      `objectLockRetention (${props.objectLockRetention.toHumanString()}) only applies to a bucket the monitor creates; ` +
        `the imported evidence bucket ${describeBucket(props.evidenceBucket)} must get Object Lock where it is defined`,
    );
  }
  if (props.objectLockRetention) wholeDays('objectLockRetention', props.objectLockRetention);
  const noncurrentVersionRetention =
    props.noncurrentVersionRetention ?? Duration.days(d.noncurrentVersionDays);
  wholeDays('noncurrentVersionRetention', noncurrentVersionRetention);
  if (props.noncurrentVersionRetention && props.evidenceBucket) {
    throw new Error(
      `noncurrentVersionRetention (${props.noncurrentVersionRetention.toHumanString()}) only applies to a bucket the monitor creates; ` +
        `the imported evidence bucket ${describeBucket(props.evidenceBucket)} keeps its own lifecycle rules`,
    );
  }

  const owners = props.owners ?? [];
  owners.forEach(checkOwner);
  const opsEmails = props.opsEmails ?? [];
  opsEmails.forEach((email, index) => {
    if (!Token.isUnresolved(email) && !EMAIL.test(email)) {
      throw new Error(`opsEmails[${index}] is not an email address: '${email}'`);
    }
  });

  return {
    evidencePrefix,
    reportsPrefix,
    policyKey,
    scheduleKey,
    schedule:
      props.schedule ??
      scheduler.ScheduleExpression.cron({ minute: '0', hour: '6', timeZone: TimeZone.ETC_UTC }),
    cadenceDays,
    warnDays,
    memorySize,
    timeout,
    concurrency,
    ...(props.objectLockRetention ? { objectLockRetention: props.objectLockRetention } : {}),
    noncurrentVersionRetention,
    logRetention: props.logRetention ?? d.logRetention,
    owners,
    opsEmails,
  };
}

function checkPrefix(name: string, prefix: string): string {
  if (Token.isUnresolved(prefix)) {
    throw new Error(
      `${name} must be a literal string (it is part of IAM resource names), got a token: ${prefix}`,
    );
  }
  if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/') || /[*?$\s]|\/\//.test(prefix))) {
    throw new Error(
      `${name} must be empty or a key prefix ending with '/' (no leading '/', no '//', no '*', '?', '$' or spaces), got '${prefix}'`,
    );
  }
  return prefix;
}

function checkKey(name: string, key: string, folder: string): string {
  if (
    Token.isUnresolved(key) ||
    !key.startsWith(folder) ||
    key.length === folder.length ||
    /[*?$]/.test(key)
  ) {
    throw new Error(
      `${name} must be a key under '${folder}' relative to the evidence prefix (the function may only read there), got '${key}'`,
    );
  }
  return key;
}

function wholeDays(name: string, duration: Duration, allowZero = false): number {
  const millis = duration.toMilliseconds();
  if (millis < 0 || (millis === 0 && !allowZero) || millis % 86_400_000 !== 0) {
    const bound = allowZero ? 'zero or more' : 'greater than zero';
    throw new Error(`${name} must be a whole number of days ${bound}, got ${duration.toHumanString()}`);
  }
  return millis / 86_400_000;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** SNS allows at most 150 value combinations in one filter policy. */
const MAX_FILTER_COMBINATIONS = 150;

function checkOwner(owner: ReadinessMonitorOwner, index: number): void {
  if (!Token.isUnresolved(owner.email) && !EMAIL.test(owner.email)) {
    throw new Error(`owners[${index}].email is not an email address: '${owner.email}'`);
  }
  let combinations = 1;
  for (const [field, values] of filterFields(owner)) {
    if (values === undefined) continue;
    if (values.length === 0 || values.some((v) => v.trim() === '')) {
      throw new Error(
        `owners[${index}].${field} must list at least one non-empty value (omit it to receive all), got ${JSON.stringify(values)}`,
      );
    }
    if (field === 'alertTypes') {
      const unknown = values.filter((v) => !ALERT_TYPES.includes(v));
      if (unknown.length > 0) {
        throw new Error(
          `owners[${index}].alertTypes has unknown alert types ${JSON.stringify(unknown)}; known: ${ALERT_TYPES.join(', ')}`,
        );
      }
    }
    combinations *= values.length;
  }
  if (combinations > MAX_FILTER_COMBINATIONS) {
    throw new Error(
      `owners[${index}] (${owner.email}) filter has ${combinations} value combinations; sns allows at most ${MAX_FILTER_COMBINATIONS}`,
    );
  }
}

function filterFields(owner: ReadinessMonitorOwner): [keyof ReadinessMonitorOwner, string[] | undefined][] {
  return [
    ['roles', owner.roles],
    ['runbookIds', owner.runbookIds],
    ['severityClasses', owner.severityClasses],
    ['alertTypes', owner.alertTypes],
  ];
}

/** The SNS filter policy of an owner: message attributes `roles`, `runbookId`, `severityClass`, `alertType`. */
function filterPolicyOf(owner: ReadinessMonitorOwner): Record<string, sns.SubscriptionFilter> | undefined {
  const attributes: [string, string[] | undefined][] = [
    ['roles', owner.roles],
    ['runbookId', owner.runbookIds],
    ['severityClass', owner.severityClasses],
    ['alertType', owner.alertTypes],
  ];
  const policy: Record<string, sns.SubscriptionFilter> = {};
  for (const [attribute, values] of attributes) {
    if (values) policy[attribute] = sns.SubscriptionFilter.stringFilter({ allowlist: [...values] });
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}

function describeBucket(bucket: s3.IBucket): string {
  return Token.isUnresolved(bucket.bucketName) ? `'${bucket.node.path}'` : `'${bucket.bucketName}'`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function acknowledge(scope: Construct, acknowledgements: readonly Acknowledgement[]): void {
  Validations.of(scope).acknowledge(...acknowledgements);
}

/**
 * Flattens a resolved CloudFormation value the way cdk-nag names its findings
 * (`{ 'Fn::GetAtt': ['Bucket', 'Arn'] }` → `<Bucket.Arn>`, `Fn::Join` concatenated, `Ref` → `<Name>`).
 */
export function flattenReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenReference(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      const [resource, attribute] = getAtt as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenReference(node['Fn::ImportValue']);
    if (node['Ref'] !== undefined) return `<${flattenReference(node['Ref'])}>`;
  }
  return JSON.stringify(value);
}
