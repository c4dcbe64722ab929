import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { acknowledge, nagName } from '../cdk-nag';
import type { BucketAccess } from '../bucket-access';

/** What the function's statements are scoped to. */
export interface PermissionTargets {
  readonly logGroup: logs.ILogGroup;
  readonly bucket: s3.IBucket;
  readonly bucketKey?: kms.IKey;
  readonly bucketAccess: BucketAccess;
  readonly alertTopic: sns.ITopic;
}

/** One statement (or none) of the function role; a new permission is one more function in `STATEMENTS`. */
type StatementSource = (targets: PermissionTargets, region: string) => iam.PolicyStatement[];

/** The ARNs of `keys` (patterns such as `drills/*` allowed) in `bucket`. */
export const objectArns = (bucket: s3.IBucket, keys: readonly string[]): string[] =>
  keys.map((key) => `${bucket.bucketArn}/${key}`);

const writeOwnLogs: StatementSource = ({ logGroup }) => [
  new iam.PolicyStatement({
    sid: 'WriteOwnLogs',
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn],
  }),
];

// Listing is prefix-scoped; it also makes S3 answer 404 (not 403) for a missing policy, schedule or ledger.
const listEvidenceAndLedger: StatementSource = ({ bucket, bucketAccess }) => [
  new iam.PolicyStatement({
    sid: 'ListEvidenceAndLedger',
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [...bucketAccess.list] } },
  }),
];

const readEvidenceAndLedger: StatementSource = ({ bucket, bucketAccess }) => [
  new iam.PolicyStatement({
    sid: 'ReadEvidenceAndLedger',
    actions: ['s3:GetObject'],
    resources: objectArns(bucket, bucketAccess.read),
  }),
];

const writeReportsAndLedger: StatementSource = ({ bucket, bucketAccess }) => [
  new iam.PolicyStatement({
    sid: 'WriteReportsAndLedger',
    actions: ['s3:PutObject'],
    resources: objectArns(bucket, bucketAccess.write),
  }),
];

const publishAlerts: StatementSource = ({ alertTopic }) => [
  new iam.PolicyStatement({
    sid: 'PublishAlerts',
    actions: ['sns:Publish'],
    resources: [alertTopic.topicArn],
  }),
];

/** Decrypt and encrypt with `key`, only through `service` (kms:ViaService). */
function useKeyVia(
  sid: string,
  key: kms.IKey | undefined,
  service: string,
  region: string,
): iam.PolicyStatement[] {
  if (!key) return [];
  return [
    new iam.PolicyStatement({
      sid,
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
    }),
  ];
}

const useEvidenceBucketKey: StatementSource = ({ bucketKey }, region) =>
  useKeyVia('UseEvidenceBucketKey', bucketKey, 's3', region);

const useAlertTopicKey: StatementSource = ({ alertTopic }, region) =>
  useKeyVia('UseAlertTopicKey', alertTopic.masterKey, 'sns', region);

/** In policy order. */
const STATEMENTS: readonly StatementSource[] = [
  writeOwnLogs,
  listEvidenceAndLedger,
  readEvidenceAndLedger,
  writeReportsAndLedger,
  publishAlerts,
  useEvidenceBucketKey,
  useAlertTopicKey,
];

/** Adds the function's statements to `role` and acknowledges the wildcards only they can express. */
export function grantFunctionPermissions(role: iam.Role, targets: PermissionTargets): void {
  const region = Stack.of(role).region;
  for (const statement of STATEMENTS.flatMap((source) => source(targets, region))) {
    role.addToPrincipalPolicy(statement);
  }
  acknowledgeWildcards(role, targets);
}

// Findings that only a wildcard can satisfy, each acknowledged with its reason.
function acknowledgeWildcards(role: Construct, { bucket, bucketAccess }: PermissionTargets): void {
  acknowledge(role, [
    ...Object.entries(bucketAccess.wildcardReasons).map(([key, reason]) => ({
      id: `AwsSolutions-IAM5[Resource::${nagName(role, `${bucket.bucketArn}/${key}`)}]`,
      reason,
    })),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions (AWS requires Resource "*")',
    },
  ]);
}
