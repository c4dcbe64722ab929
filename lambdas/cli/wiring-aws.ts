/**
 * The AWS side of the CLI's wiring: S3 store, S3 reports and ledger, SNS alerts for `check`; the S3 reports and
 * their object versions for `verify` and `gate`. Loaded only when needed.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { makeS3Client, makeSnsClient, parseS3Url } from '../adapters/aws-clients';
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../adapters/s3-store';
import { S3VersionSource } from '../adapters/s3-versions';
import { SnsAlertSink } from '../adapters/sns-alerts';
import type { ClientOptions } from './flags';

/** The bucket and prefix of an `s3://` URL, and a new client to reach them. */
function s3Root(url: string, options: ClientOptions): { client: S3Client; bucket: string; prefix: string } {
  const { bucket, prefix } = parseS3Url(url);
  return { client: makeS3Client(options), bucket, prefix };
}

export function s3Store(url: string, options: ClientOptions, concurrency: number): S3EvidenceStore {
  return new S3EvidenceStore({ ...s3Root(url, options), concurrency });
}

export function s3Reports(url: string, options: ClientOptions): S3ReportSink {
  return new S3ReportSink(s3Root(url, options));
}

export function s3Ledger(url: string, key: string, options: ClientOptions, label?: string): S3LedgerStore {
  const { client, bucket, prefix } = s3Root(url, options);
  return new S3LedgerStore({ client, bucket, key: `${prefix}${key}`, ...(label ? { label } : {}) });
}

export function snsSink(topicArn: string, options: ClientOptions): SnsAlertSink {
  return new SnsAlertSink({ client: makeSnsClient(options), topicArn });
}

/** The output root of `verify` and `gate`: its reports and their object versions, through one client. */
export function s3IntegrityTargets(
  url: string,
  options: ClientOptions,
): { readonly reports: S3ReportSink; readonly versions: S3VersionSource } {
  const root = s3Root(url, options);
  return { reports: new S3ReportSink(root), versions: new S3VersionSource(root) };
}
