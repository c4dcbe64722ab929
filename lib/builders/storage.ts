import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../resolve-config';

/** The evidence store: the bucket, its server-access-logs bucket and its KMS key (when there are any). */
export interface Storage {
  readonly evidenceBucket: s3.IBucket;
  /** Undefined for an imported bucket. */
  readonly accessLogsBucket?: s3.IBucket;
  /** The key the bucket is encrypted with: the created key, or the imported bucket's `encryptionKey`. */
  readonly bucketKey?: kms.IKey;
}

/** The imported evidence bucket, or a new KMS-encrypted, versioned, access-logged one (ids `EvidenceBucket`, …). */
export function buildStorage(scope: Construct, config: ResolvedConfig): Storage {
  const imported = config.imported.evidenceBucket;
  if (imported) {
    return {
      evidenceBucket: imported,
      ...(imported.encryptionKey ? { bucketKey: imported.encryptionKey } : {}),
    };
  }
  const accessLogsBucket = buildAccessLogsBucket(scope, config);
  const bucketKey = buildBucketKey(
    scope,
    'EvidenceKey',
    'USR readiness monitor: evidence, reports and alert ledger',
    config,
  );
  const evidenceBucket = buildEncryptedBucket(scope, 'EvidenceBucket', {
    config,
    key: bucketKey,
    accessLogs: accessLogsBucket,
    accessLogsPrefix: 'evidence/',
    lifecycleRule: {
      id: 'expire-noncurrent-versions',
      noncurrentVersionExpiration: config.noncurrentVersionRetention,
    },
    ...(config.objectLockRetention
      ? { objectLock: s3.ObjectLockRetention.governance(config.objectLockRetention) }
      : {}),
  });
  return { evidenceBucket, accessLogsBucket, bucketKey };
}

/** A rotated KMS key for a bucket of the monitor. */
export function buildBucketKey(
  scope: Construct,
  id: string,
  description: string,
  config: ResolvedConfig,
): kms.Key {
  return new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy: config.removalPolicy,
  });
}

export function buildAccessLogsBucket(scope: Construct, config: ResolvedConfig): s3.Bucket {
  return new s3.Bucket(scope, 'AccessLogsBucket', {
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
    removalPolicy: config.removalPolicy,
  });
}

/** What sets a KMS-encrypted bucket of the monitor apart: its key, its access logs, its lifecycle and lock. */
export interface EncryptedBucketSpec {
  readonly config: ResolvedConfig;
  readonly key: kms.IKey;
  readonly accessLogs: s3.IBucket;
  /** The prefix of its server access logs in `accessLogs`, e.g. `evidence/`. */
  readonly accessLogsPrefix: string;
  /** Its one lifecycle rule: when noncurrent versions expire (incomplete uploads are aborted after 7 days). */
  readonly lifecycleRule: {
    readonly id: string;
    readonly noncurrentVersionExpiration?: Duration | undefined;
  };
  /** The default Object Lock retention; none without it. */
  readonly objectLock?: s3.ObjectLockRetention;
}

/**
 * A private, versioned, TLS-only bucket encrypted with `key` (bucket keys on), access-logged, under one lifecycle
 * rule and, with `objectLock`, Object Lock on with that default retention.
 */
export function buildEncryptedBucket(scope: Construct, id: string, spec: EncryptedBucketSpec): s3.Bucket {
  return new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: spec.key,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    serverAccessLogsBucket: spec.accessLogs,
    serverAccessLogsPrefix: spec.accessLogsPrefix,
    lifecycleRules: [{ ...spec.lifecycleRule, abortIncompleteMultipartUploadAfter: Duration.days(7) }],
    ...(spec.objectLock ? { objectLockEnabled: true, objectLockDefaultRetention: spec.objectLock } : {}),
    removalPolicy: spec.config.removalPolicy,
  });
}
