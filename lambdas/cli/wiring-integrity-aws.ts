/** The AWS side of `verify` and `gate`: the S3 report sink of the output root and its object versions. */
import { makeS3Client, parseS3Url } from '../adapters/aws-clients';
import { S3ReportSink } from '../adapters/s3-store';
import { S3VersionSource } from '../adapters/s3-versions';
import type { ClientOptions } from './wiring-aws';

export function s3IntegrityTargets(
  url: string,
  options: ClientOptions,
): { readonly reports: S3ReportSink; readonly versions: S3VersionSource } {
  const { bucket, prefix } = parseS3Url(url);
  const client = makeS3Client(options);
  return {
    reports: new S3ReportSink({ client, bucket, prefix }),
    versions: new S3VersionSource({ client, bucket, prefix }),
  };
}
