/** The AWS side of the CLI's wiring: S3 store, S3 reports and ledger, SNS alerts. Loaded only when needed. */
import { makeS3Client, makeSnsClient, parseS3Url } from '../adapters/aws-clients';
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../adapters/s3-store';
import { SnsAlertSink } from '../adapters/sns-alerts';

export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
}

export function s3Store(url: string, options: ClientOptions, concurrency: number): S3EvidenceStore {
  const { bucket, prefix } = parseS3Url(url);
  return new S3EvidenceStore({ client: makeS3Client(options), bucket, prefix, concurrency });
}

export function s3Reports(url: string, options: ClientOptions): S3ReportSink {
  const { bucket, prefix } = parseS3Url(url);
  return new S3ReportSink({ client: makeS3Client(options), bucket, prefix });
}

export function s3Ledger(url: string, key: string, options: ClientOptions, label?: string): S3LedgerStore {
  const { bucket, prefix } = parseS3Url(url);
  return new S3LedgerStore({
    client: makeS3Client(options),
    bucket,
    key: `${prefix}${key}`,
    ...(label ? { label } : {}),
  });
}

export function snsSink(topicArn: string, options: ClientOptions): SnsAlertSink {
  return new SnsAlertSink({ client: makeSnsClient(options), topicArn });
}
