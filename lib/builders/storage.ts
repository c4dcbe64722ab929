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
  const bucketKey = new kms.Key(scope, 'EvidenceKey', {
    description: 'USR readiness monitor: evidence, reports and alert ledger',
    enableKeyRotation: true,
    removalPolicy: config.removalPolicy,
  });
  const evidenceBucket = buildEvidenceBucket(scope, config, bucketKey, accessLogsBucket);
  return { evidenceBucket, accessLogsBucket, bucketKey };
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

function buildEvidenceBucket(
  scope: Construct,
  config: ResolvedConfig,
  key: kms.IKey,
  accessLogs: s3.IBucket,
): s3.Bucket {
  return new s3.Bucket(scope, 'EvidenceBucket', {
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
    ...objectLockOf(config),
    removalPolicy: config.removalPolicy,
  });
}

/** Governance-mode default retention when `objectLockRetention` is set; nothing otherwise. */
function objectLockOf(config: ResolvedConfig): Partial<s3.BucketProps> {
  if (!config.objectLockRetention) return {};
  return {
    objectLockEnabled: true,
    objectLockDefaultRetention: s3.ObjectLockRetention.governance(config.objectLockRetention),
  };
}
