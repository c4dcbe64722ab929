/**
 * Object versions of an output root on S3, for `verify --versions`: GetBucketVersioning, then ListObjectVersions
 * (1,000 versions and delete markers per request). Keys come back relative to the prefix, like the report sink's.
 */
import type { ListObjectVersionsCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetBucketVersioningCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import type { ObjectVersion } from '../core/verify-chain';
import { StoreUnreachableError } from '../ports';
import type { VersionSource } from '../verify';
import { s3Location, unreachableMessage } from './aws-clients';

export interface S3VersionsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
}

type VersionPage = Partial<ListObjectVersionsCommandOutput>;

export class S3VersionSource implements VersionSource {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3VersionsOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.location = s3Location(options.bucket, options.prefix);
  }

  /** `off` when the bucket has never been versioned (S3 then returns no Status). */
  async versioning(): Promise<'enabled' | 'suspended' | 'off'> {
    try {
      const answer = await this.client.send(new GetBucketVersioningCommand({ Bucket: this.bucket }));
      const status: unknown = answer?.Status;
      return status === 'Enabled' ? 'enabled' : status === 'Suspended' ? 'suspended' : 'off';
    } catch (error) {
      throw new StoreUnreachableError(
        `cannot read the versioning of ${unreachableMessage(`s3://${this.bucket}`, error)}`,
        { cause: error },
      );
    }
  }

  async listVersions(listPrefix: string): Promise<readonly ObjectVersion[]> {
    const full = this.prefix + listPrefix;
    const out: ObjectVersion[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const page = await this.page(full, keyMarker, versionMarker);
      out.push(...this.entries(page.Versions, false), ...this.entries(page.DeleteMarkers, true));
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
    } while (keyMarker !== undefined);
    return out;
  }

  private async page(
    full: string,
    keyMarker: string | undefined,
    versionMarker: string | undefined,
  ): Promise<VersionPage> {
    try {
      const answer = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: full,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      return answer ?? {};
    } catch (error) {
      throw new StoreUnreachableError(
        `cannot list the versions of ${unreachableMessage(`s3://${this.bucket}/${full}`, error)}`,
        { cause: error },
      );
    }
  }

  private entries(
    items: readonly { Key?: string; VersionId?: string; LastModified?: Date }[] | undefined,
    deleteMarker: boolean,
  ): ObjectVersion[] {
    return (items ?? [])
      .filter((item) => item.Key !== undefined && item.Key.startsWith(this.prefix))
      .map((item) => ({
        key: (item.Key ?? '').slice(this.prefix.length),
        versionId: item.VersionId ?? 'null',
        lastModified: item.LastModified?.toISOString() ?? null,
        deleteMarker,
      }));
  }
}
