import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME } from '../../lambdas/constants';
import type { BucketAccess } from '../bucket-access';
import { acknowledge, nagName } from '../cdk-nag';
import type { ResolvedConfig } from '../resolve-config';
import { notifyOps } from './alarms';
import { objectArns } from './function-permissions';
import { buildAccessLogsBucket, buildBucketKey, buildEncryptedBucket } from './storage';
import type { Storage } from './storage';

export interface IntegrityInputs {
  readonly config: ResolvedConfig;
  readonly storage: Storage;
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly opsTopic: sns.ITopic;
}

export interface Integrity {
  /** Where `reports/` is written: the separate reports bucket, or the evidence bucket. */
  readonly reportsBucket: s3.IBucket;
  /** `ChainBroken` ≥ 1: the newest days of the manifest chain or `reports/latest/` did not verify. */
  readonly chainBrokenAlarm: cloudwatch.Alarm;
  /**
   * Gives another function of the monitor (the evidence-change function) the daily function's access to a separate
   * reports bucket: its grants, `REPORTS_BUCKET`, and the bucket policy's deny. Nothing to do without one.
   */
  share(fn: lambda.Function): void;
}

/** Object actions the function never gets on the reports bucket, denied there even if its role is widened. */
const NEVER_ON_REPORTS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
];

/** The optional reports bucket (`ReportsBucket`, `ReportsKey`) with the function's access to it, and the `ChainBrokenAlarm`. */
export function buildIntegrity(scope: Construct, inputs: IntegrityInputs): Integrity {
  const chainBrokenAlarm = buildChainBrokenAlarm(scope);
  notifyOps(inputs.opsTopic, [chainBrokenAlarm]);
  const placement = inputs.config.reports;
  if (placement.kind === 'evidence')
    return { reportsBucket: inputs.storage.evidenceBucket, chainBrokenAlarm, share: () => undefined };
  const { bucket, key, deny } =
    placement.kind === 'created'
      ? createReportsBucket(scope, inputs, placement.retention)
      : { bucket: placement.bucket, key: placement.bucket.encryptionKey, deny: null };
  const share = (fn: lambda.Function): void => {
    if (!fn.role) throw new Error(`${fn.node.path} has no role to grant the reports bucket to`);
    grantReports(fn.role, bucket, key, placement.access);
    fn.addEnvironment('REPORTS_BUCKET', bucket.bucketName);
    deny?.addArnPrincipal(fn.role.roleArn);
  };
  share(inputs.fn);
  return { reportsBucket: bucket, chainBrokenAlarm, share };
}

function createReportsBucket(
  scope: Construct,
  inputs: IntegrityInputs,
  retention: Duration,
): { bucket: s3.Bucket; key: kms.IKey; deny: iam.PolicyStatement } {
  const { config } = inputs;
  const key = buildBucketKey(
    scope,
    'ReportsKey',
    'USR readiness monitor: reports and compliance history (Object Lock, COMPLIANCE mode)',
    config,
  );
  const bucket = buildEncryptedBucket(scope, 'ReportsBucket', {
    config,
    key,
    accessLogs: inputs.storage.accessLogsBucket ?? buildAccessLogsBucket(scope, config),
    accessLogsPrefix: 'reports/',
    lifecycleRule: {
      id: 'expire-noncurrent-versions-after-retention',
      noncurrentVersionExpiration: retention,
    },
    objectLock: s3.ObjectLockRetention.compliance(retention),
  });
  // The functions that write here are added as principals by `share`.
  const deny = new iam.PolicyStatement({
    sid: 'MonitorNeverDeletesOrUnlocksReports',
    effect: iam.Effect.DENY,
    actions: NEVER_ON_REPORTS,
    resources: [bucket.arnForObjects('*')],
  });
  bucket.addToResourcePolicy(deny);
  return { bucket, key, deny };
}

/** List, read and write (new versions) under the output-root folders, and the bucket's key through S3 only. */
function grantReports(
  role: iam.IRole,
  bucket: s3.IBucket,
  key: kms.IKey | undefined,
  access: BucketAccess,
): void {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ListReports',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [...access.list] } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadReports',
      actions: ['s3:GetObject'],
      resources: objectArns(bucket, access.read),
    }),
    new iam.PolicyStatement({
      sid: 'WriteReports',
      actions: ['s3:PutObject'],
      resources: objectArns(bucket, access.write),
    }),
  ];
  if (key)
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseReportsBucketKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(role).region}.amazonaws.com` } },
      }),
    );
  for (const statement of statements) role.addToPrincipalPolicy(statement);
  acknowledge(
    role,
    Object.entries(access.wildcardReasons).map(([pattern, reason]) => ({
      id: `AwsSolutions-IAM5[Resource::${nagName(role, `${bucket.bucketArn}/${pattern}`)}]`,
      reason: `${reason}, in the reports bucket`,
    })),
  );
}

/** The last run's cheap check found a broken link or a mismatching file; it stays in ALARM until a run finds none. */
function buildChainBrokenAlarm(scope: Construct): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'ChainBrokenAlarm', {
    alarmDescription: `The USR readiness reports do not verify: the newest days of the manifest hash chain or reports/latest/ were changed, removed or could not be read (metric ${METRICS_NAMESPACE}/${METRIC_NAMES.chainBroken}). Run usr-readiness verify for the details.`,
    metric: new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC_NAMES.chainBroken,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.hours(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    // Runs are daily: between them the alarm keeps its state (the heartbeat alarm watches for missing runs).
    treatMissingData: cloudwatch.TreatMissingData.IGNORE,
  });
}
