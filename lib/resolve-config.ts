import { Duration, RemovalPolicy, TimeZone, Token } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { INPUT_FOLDERS, MAX_CONCURRENCY } from '../lambdas/constants';
import { bucketAccessOf } from './bucket-access';
import type { BucketAccess, StorePaths } from './bucket-access';
import { ALERT_TYPES, READINESS_MONITOR_DEFAULTS } from './readiness-monitor-props';
import type {
  ReadinessMonitorHistoryTable,
  ReadinessMonitorOwner,
  ReadinessMonitorProps,
} from './readiness-monitor-props';
import type { EvidenceEventsConfig } from './resolve-events';
import { resolveEvidenceEvents } from './resolve-events';

/** The props with their defaults applied and checked: what the builders work from. */
export interface ResolvedConfig extends StorePaths {
  readonly schedule: scheduler.ScheduleExpression;
  readonly cadenceDays: number;
  readonly warnDays: number;
  /** The longest a waiver may last, in whole days. */
  readonly maxWaiverDays: number;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly concurrency: number;
  readonly objectLockRetention?: Duration;
  readonly noncurrentVersionRetention: Duration;
  readonly logRetention: logs.RetentionDays;
  /** Applied to every created resource that holds data (buckets, KMS keys, log group). */
  readonly removalPolicy: RemovalPolicy;
  readonly owners: readonly ReadinessMonitorOwner[];
  readonly opsEmails: readonly string[];
  /** What the function may list, read and write in the evidence bucket. */
  readonly bucketAccess: BucketAccess;
  /** Where `reports/` (and `history/`) go: the evidence bucket, a created Object-Locked bucket, or an imported one. */
  readonly reports: ReportsPlacement;
  /** The resources the caller brought; each one absent here is created by the construct. */
  readonly imported: ImportedResources;
  /** The Glue database and tables over the history, or null for none. */
  readonly historyTable: HistoryTableNames | null;
  /** Event-driven evaluation (docs/events.md), or null without it. */
  readonly evidenceEvents: EvidenceEventsConfig | null;
}

export interface HistoryTableNames {
  readonly databaseName: string;
  readonly tableName: string;
  readonly evidenceTableName: string;
}

export type ReportsPlacement =
  | { readonly kind: 'evidence' }
  | { readonly kind: 'created'; readonly retention: Duration; readonly access: BucketAccess }
  | { readonly kind: 'imported'; readonly bucket: s3.IBucket; readonly access: BucketAccess };

export interface ImportedResources {
  readonly evidenceBucket?: s3.IBucket;
  readonly alertTopic?: sns.ITopic;
  readonly opsTopic?: sns.ITopic;
}

type Cadence = Pick<ResolvedConfig, 'cadenceDays' | 'warnDays' | 'maxWaiverDays'>;
type Sizing = Pick<ResolvedConfig, 'memorySize' | 'timeout' | 'concurrency'>;
type BucketOptions = Pick<ResolvedConfig, 'objectLockRetention' | 'noncurrentVersionRetention'>;

const d = READINESS_MONITOR_DEFAULTS;
const DAY_MILLIS = 86_400_000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** SNS allows at most 150 value combinations in one filter policy. */
const MAX_FILTER_COMBINATIONS = 150;

/** Applies the defaults and rejects contradictory or invalid props, with lowercase messages showing the value. */
export function resolveConfig(props: ReadinessMonitorProps): ResolvedConfig {
  const paths = resolvePaths(props);
  const cadence = resolveCadence(props);
  const sizing = resolveSizing(props);
  const bucketOptions = resolveBucketOptions(props);
  const owners = props.owners ?? [];
  owners.forEach(checkOwner);
  const opsEmails = props.opsEmails ?? [];
  opsEmails.forEach(checkOpsEmail);
  return {
    ...paths,
    schedule:
      props.schedule ??
      scheduler.ScheduleExpression.cron({ minute: '0', hour: '6', timeZone: TimeZone.ETC_UTC }),
    ...cadence,
    ...sizing,
    ...bucketOptions,
    logRetention: props.logRetention ?? d.logRetention,
    removalPolicy: checkRemovalPolicy(props.removalPolicy ?? d.removalPolicy),
    owners,
    opsEmails,
    bucketAccess: bucketAccessOf(paths, props.reportsBucket ? 'store' : 'all'),
    reports: resolveReports(props, paths),
    imported: importedOf(props),
    historyTable: resolveHistoryTable(props.historyTable),
    evidenceEvents: resolveEvidenceEvents(props),
  };
}

/** A Glue (and Athena) name: lowercase letters, digits and underscores, starting with a letter. */
const GLUE_NAME = /^[a-z][a-z0-9_]{0,254}$/;

function resolveHistoryTable(option: ReadinessMonitorProps['historyTable']): HistoryTableNames | null {
  if (option === undefined || option === false) return null;
  const named: ReadinessMonitorHistoryTable = option === true ? {} : option;
  const names: HistoryTableNames = {
    databaseName: named.databaseName ?? d.historyDatabaseName,
    tableName: named.tableName ?? d.historyTableName,
    evidenceTableName: named.evidenceTableName ?? d.historyEvidenceTableName,
  };
  for (const field of ['databaseName', 'tableName', 'evidenceTableName'] as const) {
    const name = names[field];
    if (Token.isUnresolved(name) || !GLUE_NAME.test(name)) {
      throw new Error(
        `historyTable.${field} must be a literal glue name (lowercase letters, digits and '_', starting with a letter), got '${name}'`,
      );
    }
  }
  if (names.tableName === names.evidenceTableName) {
    throw new Error(
      `historyTable.tableName and evidenceTableName must differ, both are '${names.tableName}'`,
    );
  }
  return names;
}

function resolvePaths(props: ReadinessMonitorProps): StorePaths {
  const evidencePrefix = checkPrefix('evidencePrefix', props.evidencePrefix ?? d.evidencePrefix);
  const reportsPrefix = checkPrefix('reportsPrefix', props.reportsPrefix ?? evidencePrefix);
  for (const folder of INPUT_FOLDERS) {
    if (reportsPrefix.startsWith(`${evidencePrefix}${folder}`)) {
      throw new Error(
        `reportsPrefix '${reportsPrefix}' lies inside the evidence folder '${evidencePrefix}${folder}': reports and the ledger would be read back as evidence`,
      );
    }
  }
  const policyKey = checkKey('policyKey', props.policyKey ?? d.policyKey, 'policy/');
  const scheduleKey = checkKey('scheduleKey', props.scheduleKey ?? d.scheduleKey, 'schedule/');
  const waiversKey = checkKey('waiversKey', props.waiversKey ?? d.waiversKey, 'policy/');
  if (waiversKey === policyKey) {
    throw new Error(
      `waiversKey must differ from policyKey: both are '${policyKey}', and one document cannot be both`,
    );
  }
  return { evidencePrefix, reportsPrefix, policyKey, scheduleKey, waiversKey };
}

function resolveCadence(props: ReadinessMonitorProps): Cadence {
  const cadenceDays = wholeDays('cadence', props.cadence ?? Duration.days(d.cadenceDays));
  const warnDays = wholeDays('warnBefore', props.warnBefore ?? Duration.days(d.warnDays), true);
  if (warnDays >= cadenceDays) {
    throw new Error(
      `warnBefore (${warnDays} days) must be shorter than cadence (${cadenceDays} days): every row would always be due soon`,
    );
  }
  const maxWaiverDays = wholeDays(
    'maxWaiverDuration',
    props.maxWaiverDuration ?? Duration.days(d.maxWaiverDays),
  );
  return { cadenceDays, warnDays, maxWaiverDays };
}

function resolveSizing(props: ReadinessMonitorProps): Sizing {
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
  return { memorySize, timeout, concurrency };
}

/** Options of a created evidence bucket; setting one next to an imported bucket is an error. */
function resolveBucketOptions(props: ReadinessMonitorProps): BucketOptions {
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
  return {
    ...(props.objectLockRetention ? { objectLockRetention: props.objectLockRetention } : {}),
    noncurrentVersionRetention,
  };
}

/** `reportsBucket` and `reportRetention`: a created bucket needs a retention; nothing else takes one. */
function resolveReports(props: ReadinessMonitorProps, paths: StorePaths): ReportsPlacement {
  const { reportsBucket, reportRetention } = props;
  if (reportsBucket === true) {
    if (!reportRetention)
      throw new Error(
        'reportRetention is required with reportsBucket: true: the COMPLIANCE-mode retention of the reports cannot be shortened or lifted once set, so it is chosen, never defaulted',
      );
    wholeDays('reportRetention', reportRetention);
    return { kind: 'created', retention: reportRetention, access: bucketAccessOf(paths, 'out') };
  }
  if (reportRetention) {
    const imported = reportsBucket
      ? `; the imported reports bucket ${describeBucket(reportsBucket)} keeps the Object Lock configured where it is defined`
      : '';
    throw new Error(
      `reportRetention (${reportRetention.toHumanString()}) only applies to a reports bucket the monitor creates (reportsBucket: true)${imported}`,
    );
  }
  if (reportsBucket) return { kind: 'imported', bucket: reportsBucket, access: bucketAccessOf(paths, 'out') };
  return { kind: 'evidence' };
}

function importedOf(props: ReadinessMonitorProps): ImportedResources {
  return {
    ...(props.evidenceBucket ? { evidenceBucket: props.evidenceBucket } : {}),
    ...(props.alertTopic ? { alertTopic: props.alertTopic } : {}),
    ...(props.opsTopic ? { opsTopic: props.opsTopic } : {}),
  };
}

function checkRemovalPolicy(policy: RemovalPolicy): RemovalPolicy {
  if (policy === RemovalPolicy.SNAPSHOT) {
    throw new Error(
      `removalPolicy ${policy} is not supported by the buckets, keys and log group the monitor creates; use retain, retain-on-update-or-delete or destroy`,
    );
  }
  return policy;
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
  if (millis < 0 || (millis === 0 && !allowZero) || millis % DAY_MILLIS !== 0) {
    const bound = allowZero ? 'zero or more' : 'greater than zero';
    throw new Error(`${name} must be a whole number of days ${bound}, got ${duration.toHumanString()}`);
  }
  return millis / DAY_MILLIS;
}

function checkOpsEmail(email: string, index: number): void {
  if (!Token.isUnresolved(email) && !EMAIL.test(email)) {
    throw new Error(`opsEmails[${index}] is not an email address: '${email}'`);
  }
}

function checkOwner(owner: ReadinessMonitorOwner, index: number): void {
  if (!Token.isUnresolved(owner.email) && !EMAIL.test(owner.email)) {
    throw new Error(`owners[${index}].email is not an email address: '${owner.email}'`);
  }
  let combinations = 1;
  for (const [field, values] of filterFields(owner)) {
    if (values === undefined) continue;
    checkFilterValues(index, field, values);
    combinations *= values.length;
  }
  if (combinations > MAX_FILTER_COMBINATIONS) {
    throw new Error(
      `owners[${index}] (${owner.email}) filter has ${combinations} value combinations; sns allows at most ${MAX_FILTER_COMBINATIONS}`,
    );
  }
}

function checkFilterValues(index: number, field: keyof ReadinessMonitorOwner, values: string[]): void {
  if (values.length === 0 || values.some((v) => v.trim() === '')) {
    throw new Error(
      `owners[${index}].${field} must list at least one non-empty value (omit it to receive all), got ${JSON.stringify(values)}`,
    );
  }
  if (field !== 'alertTypes') return;
  const unknown = values.filter((v) => !ALERT_TYPES.includes(v));
  if (unknown.length > 0) {
    throw new Error(
      `owners[${index}].alertTypes has unknown alert types ${JSON.stringify(unknown)}; known: ${ALERT_TYPES.join(', ')}`,
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

function describeBucket(bucket: s3.IBucket): string {
  return Token.isUnresolved(bucket.bucketName) ? `'${bucket.node.path}'` : `'${bucket.bucketName}'`;
}
