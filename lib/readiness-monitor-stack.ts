import { CfnOutput, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Construct } from 'constructs';
import { DEFAULT_SCHEDULE_EXPRESSION, KMS_KEY_ARN, S3_BUCKET_NAME } from '../lambdas/constants';
import { ReadinessMonitor } from './readiness-monitor';
import type { ReadinessMonitorOwner, ReadinessMonitorProps } from './readiness-monitor';

/** The cdk.json / `-c key=value` context keys the stack reads. */
export const CONTEXT_KEYS = [
  'evidenceBucketName',
  'evidenceBucketKeyArn',
  'evidencePrefix',
  'reportsPrefix',
  'owners',
  'opsEmails',
  'scheduleExpression',
  'scheduleTimeZone',
  'cadenceDays',
  'warnDays',
  'objectLockDays',
  'historyTable',
  'evaluateOnEvidenceChange',
  'maxWaiverDays',
  'reportRetentionDays',
] as const;

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** The validated context, in the construct's terms (the stack turns names into imported resources). */
export interface MonitorContext {
  readonly evidenceBucketName?: string;
  readonly evidenceBucketKeyArn?: string;
  readonly evidencePrefix?: string;
  readonly reportsPrefix?: string;
  readonly owners: ReadinessMonitorOwner[];
  readonly opsEmails: string[];
  readonly scheduleExpression?: string;
  readonly scheduleTimeZone?: string;
  readonly cadenceDays?: number;
  readonly warnDays?: number;
  readonly objectLockDays?: number;
  /** A Glue database and tables over the compliance history (Athena). */
  readonly historyTable?: boolean;
  /** Event-driven evaluation (on by default for a created bucket; it reserves one unit of concurrency). */
  readonly evaluateOnEvidenceChange?: boolean;
  readonly maxWaiverDays?: number;
  /** A separate, COMPLIANCE-locked reports bucket with this default retention. */
  readonly reportRetentionDays?: number;
}

/**
 * Deploys one `ReadinessMonitor` configured from context (cdk.json or `-c key=value`):
 * `evidenceBucketName` (import an existing bucket instead of creating one) and `evidenceBucketKeyArn`,
 * `evidencePrefix`, `reportsPrefix`, `owners` (JSON array of `{ email, roles?, runbookIds?, severityClasses?,
 * alertTypes? }`), `opsEmails` (JSON array of addresses for the alarm topic), `scheduleExpression`,
 * `scheduleTimeZone`, `cadenceDays`, `warnDays`, `objectLockDays`, `maxWaiverDays`, `historyTable` (`true`: Glue
 * tables over the compliance history), `evaluateOnEvidenceChange` (`false`: no event-driven evaluation, for an
 * account without spare concurrency), `reportRetentionDays` (a separate reports bucket under Object Lock in
 * COMPLIANCE mode with that default retention).
 */
export class ReadinessMonitorStack extends Stack {
  public readonly monitor: ReadinessMonitor;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, {
      description: 'USR readiness monitor: daily drill evidence check, reports and alerts',
      ...props,
    });
    const context = parseMonitorContext((key) => this.node.tryGetContext(key) as unknown);
    this.monitor = new ReadinessMonitor(this, 'Monitor', this.monitorProps(context));

    new CfnOutput(this, 'EvidenceBucketName', { value: this.monitor.evidenceBucket.bucketName });
    new CfnOutput(this, 'AlertTopicArn', { value: this.monitor.alertTopic.topicArn });
    new CfnOutput(this, 'OpsTopicArn', { value: this.monitor.opsTopic.topicArn });
    new CfnOutput(this, 'FunctionName', { value: this.monitor.lambdaFunction.functionName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.monitor.deadLetterQueue.queueUrl });
    if (this.monitor.historyDatabase)
      new CfnOutput(this, 'HistoryDatabaseName', { value: this.monitor.historyDatabase.ref });
    if (context.reportRetentionDays !== undefined)
      new CfnOutput(this, 'ReportsBucketName', { value: this.monitor.reportsBucket.bucketName });
  }

  private monitorProps(context: MonitorContext): ReadinessMonitorProps {
    const evidenceBucket = this.importedBucket(context);
    return {
      ...(evidenceBucket ? { evidenceBucket } : {}),
      ...(context.evidencePrefix !== undefined ? { evidencePrefix: context.evidencePrefix } : {}),
      ...(context.reportsPrefix !== undefined ? { reportsPrefix: context.reportsPrefix } : {}),
      ...scheduleProps(context),
      ...(context.objectLockDays !== undefined
        ? { objectLockRetention: Duration.days(context.objectLockDays) }
        : {}),
      ...(context.reportRetentionDays !== undefined
        ? { reportsBucket: true, reportRetention: Duration.days(context.reportRetentionDays) }
        : {}),
      owners: context.owners,
      opsEmails: context.opsEmails,
      ...(context.historyTable !== undefined ? { historyTable: context.historyTable } : {}),
      ...(context.evaluateOnEvidenceChange !== undefined
        ? { evaluateOnEvidenceChange: context.evaluateOnEvidenceChange }
        : {}),
    };
  }

  /** The bucket named by `evidenceBucketName`, with its key when `evidenceBucketKeyArn` is set. */
  private importedBucket(context: MonitorContext): s3.IBucket | undefined {
    if (context.evidenceBucketName === undefined) return undefined;
    return s3.Bucket.fromBucketAttributes(this, 'EvidenceBucket', {
      bucketName: context.evidenceBucketName,
      ...(context.evidenceBucketKeyArn !== undefined
        ? { encryptionKey: kms.Key.fromKeyArn(this, 'EvidenceBucketKey', context.evidenceBucketKeyArn) }
        : {}),
    });
  }
}

/** The schedule and evaluation props set in the context. */
function scheduleProps(context: MonitorContext): ReadinessMonitorProps {
  return {
    ...(context.scheduleExpression !== undefined || context.scheduleTimeZone !== undefined
      ? {
          schedule: scheduler.ScheduleExpression.expression(
            context.scheduleExpression ?? DEFAULT_SCHEDULE_EXPRESSION,
            TimeZone.of(context.scheduleTimeZone ?? 'Etc/UTC'),
          ),
        }
      : {}),
    ...(context.cadenceDays !== undefined ? { cadence: Duration.days(context.cadenceDays) } : {}),
    ...(context.warnDays !== undefined ? { warnBefore: Duration.days(context.warnDays) } : {}),
    ...(context.maxWaiverDays !== undefined
      ? { maxWaiverDuration: Duration.days(context.maxWaiverDays) }
      : {}),
  };
}

/**
 * Reads and validates the context values. Values may come from cdk.json (JSON types) or from the command
 * line (`-c owners='[…]'`, always strings). Errors are lowercase and show the offending value.
 */
export function parseMonitorContext(get: (key: ContextKey) => unknown): MonitorContext {
  const bucket = parseBucketContext(get);
  const schedule = parseScheduleContext(get);
  const evidencePrefix = optionalString(get, 'evidencePrefix', true);
  const reportsPrefix = optionalString(get, 'reportsPrefix', true);
  const cadenceDays = optionalWholeNumber(get, 'cadenceDays', 1);
  const warnDays = optionalWholeNumber(get, 'warnDays', 0);
  const historyTable = optionalBoolean(get, 'historyTable');
  const evaluateOnEvidenceChange = optionalBoolean(get, 'evaluateOnEvidenceChange');
  const maxWaiverDays = optionalWholeNumber(get, 'maxWaiverDays', 1);
  const reportRetentionDays = optionalWholeNumber(get, 'reportRetentionDays', 1);

  return {
    ...bucket.named,
    ...(evidencePrefix !== undefined ? { evidencePrefix } : {}),
    ...(reportsPrefix !== undefined ? { reportsPrefix } : {}),
    owners: parseOwners(get('owners')),
    opsEmails: parseOpsEmails(get('opsEmails')),
    ...schedule,
    ...(cadenceDays !== undefined ? { cadenceDays } : {}),
    ...(warnDays !== undefined ? { warnDays } : {}),
    ...(maxWaiverDays !== undefined ? { maxWaiverDays } : {}),
    ...bucket.objectLock,
    ...(historyTable !== undefined ? { historyTable } : {}),
    ...(evaluateOnEvidenceChange !== undefined ? { evaluateOnEvidenceChange } : {}),
    ...(reportRetentionDays !== undefined ? { reportRetentionDays } : {}),
  };
}

/** `true` / `false` from cdk.json, or `"true"` / `"false"` from the command line. */
function optionalBoolean(get: (key: ContextKey) => unknown, key: ContextKey): boolean | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${show(value)}`);
}

type BucketContext = Pick<MonitorContext, 'evidenceBucketName' | 'evidenceBucketKeyArn'>;

/** The imported bucket and its key (`named`), and the Object Lock days that only a created bucket takes. */
function parseBucketContext(get: (key: ContextKey) => unknown): {
  named: BucketContext;
  objectLock: Pick<MonitorContext, 'objectLockDays'>;
} {
  const evidenceBucketName = optionalString(get, 'evidenceBucketName');
  if (evidenceBucketName !== undefined && !S3_BUCKET_NAME.test(evidenceBucketName)) {
    throw new Error(`context evidenceBucketName is not a valid s3 bucket name: ${show(evidenceBucketName)}`);
  }
  const evidenceBucketKeyArn = optionalString(get, 'evidenceBucketKeyArn');
  if (evidenceBucketKeyArn !== undefined) {
    if (evidenceBucketName === undefined) {
      throw new Error(
        `context evidenceBucketKeyArn (${show(evidenceBucketKeyArn)}) needs evidenceBucketName: a created bucket brings its own key`,
      );
    }
    if (!KMS_KEY_ARN.test(evidenceBucketKeyArn)) {
      throw new Error(`context evidenceBucketKeyArn is not a kms key arn: ${show(evidenceBucketKeyArn)}`);
    }
  }
  const objectLockDays = optionalWholeNumber(get, 'objectLockDays', 1);
  if (objectLockDays !== undefined && evidenceBucketName !== undefined) {
    throw new Error(
      `context objectLockDays (${objectLockDays}) cannot be combined with evidenceBucketName (${show(evidenceBucketName)}): ` +
        'object lock is only set on a bucket the stack creates',
    );
  }
  return {
    named: {
      ...(evidenceBucketName !== undefined ? { evidenceBucketName } : {}),
      ...(evidenceBucketKeyArn !== undefined ? { evidenceBucketKeyArn } : {}),
    },
    objectLock: objectLockDays !== undefined ? { objectLockDays } : {},
  };
}

function parseScheduleContext(
  get: (key: ContextKey) => unknown,
): Pick<MonitorContext, 'scheduleExpression' | 'scheduleTimeZone'> {
  const scheduleExpression = optionalString(get, 'scheduleExpression');
  if (scheduleExpression !== undefined && !SCHEDULE_EXPRESSION.test(scheduleExpression)) {
    throw new Error(
      `context scheduleExpression must be cron(…) with six fields, rate(…) or at(…), got ${show(scheduleExpression)}`,
    );
  }
  const scheduleTimeZone = optionalString(get, 'scheduleTimeZone');
  if (scheduleTimeZone !== undefined && !isTimeZone(scheduleTimeZone)) {
    throw new Error(
      `context scheduleTimeZone is not an iana time zone (e.g. Europe/Berlin), got ${show(scheduleTimeZone)}`,
    );
  }
  return {
    ...(scheduleExpression !== undefined ? { scheduleExpression } : {}),
    ...(scheduleTimeZone !== undefined ? { scheduleTimeZone } : {}),
  };
}

const SCHEDULE_EXPRESSION =
  /^(cron\(\S+( \S+){5}\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const OWNER_FIELDS = ['email', 'roles', 'runbookIds', 'severityClasses', 'alertTypes'] as const;

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A string value; absent or (unless `allowEmpty`) empty means "not set". */
function optionalString(
  get: (key: ContextKey) => unknown,
  key: ContextKey,
  allowEmpty = false,
): string | undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string, got ${show(value)}`);
  if (value === '' && !allowEmpty) return undefined;
  return value;
}

function optionalWholeNumber(
  get: (key: ContextKey) => unknown,
  key: ContextKey,
  min: number,
): number | undefined {
  const value = get(key);
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min) {
    throw new Error(`context ${key} must be a whole number of days ≥ ${min}, got ${show(value)}`);
  }
  return number;
}

/** A JSON array from cdk.json, or its JSON text from the command line. */
function jsonArray(key: ContextKey, value: unknown): unknown[] {
  let parsed = value;
  if (typeof value === 'string') {
    if (value.trim() === '') return [];
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw new Error(`context ${key} must be a json array, got ${show(value)}`);
    }
  }
  if (!Array.isArray(parsed)) throw new Error(`context ${key} must be a json array, got ${show(value)}`);
  return parsed as unknown[];
}

function parseOwners(value: unknown): ReadinessMonitorOwner[] {
  if (value === undefined || value === null) return [];
  return jsonArray('owners', value).map(parseOwner);
}

function parseOwner(entry: unknown, index: number): ReadinessMonitorOwner {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new Error(`context owners[${index}] must be an object { email, roles?, … }, got ${show(entry)}`);
  }
  const record = entry as Record<string, unknown>;
  const unknownFields = Object.keys(record).filter((k) => !(OWNER_FIELDS as readonly string[]).includes(k));
  if (unknownFields.length > 0) {
    throw new Error(
      `context owners[${index}] has unknown fields ${show(unknownFields)}; allowed: ${OWNER_FIELDS.join(', ')}`,
    );
  }
  const email = record['email'];
  if (typeof email !== 'string' || !EMAIL.test(email)) {
    throw new Error(`context owners[${index}].email must be an email address, got ${show(email)}`);
  }
  const roles = ownerList(record, index, 'roles');
  const runbookIds = ownerList(record, index, 'runbookIds');
  const severityClasses = ownerList(record, index, 'severityClasses');
  const alertTypes = ownerList(record, index, 'alertTypes');
  return {
    email,
    ...(roles ? { roles } : {}),
    ...(runbookIds ? { runbookIds } : {}),
    ...(severityClasses ? { severityClasses } : {}),
    ...(alertTypes ? { alertTypes } : {}),
  };
}

/** An owner's optional filter field: an array of strings. */
function ownerList(
  record: Record<string, unknown>,
  index: number,
  field: (typeof OWNER_FIELDS)[number],
): string[] | undefined {
  const value = record[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new Error(`context owners[${index}].${field} must be an array of strings, got ${show(value)}`);
  }
  return value as string[];
}

function parseOpsEmails(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return jsonArray('opsEmails', value).map((email, index) => {
    if (typeof email !== 'string' || !EMAIL.test(email)) {
      throw new Error(`context opsEmails[${index}] must be an email address, got ${show(email)}`);
    }
    return email;
  });
}
