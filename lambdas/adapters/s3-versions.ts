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
import { s3Pages } from './s3-pages';

export interface S3VersionsOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
}

type VersionPage = Partial<ListObjectVersionsCommandOutput>;

/** Where the next page of versions starts. */
interface VersionCursor {
  readonly keyMarker: string;
  readonly versionMarker: string | undefined;
}

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
    const pages = s3Pages({
      fetch: (cursor: VersionCursor | undefined) => this.page(full, cursor),
      next: (page: VersionPage): VersionCursor | undefined =>
        page.IsTruncated && page.NextKeyMarker !== undefined
          ? { keyMarker: page.NextKeyMarker, versionMarker: page.NextVersionIdMarker }
          : undefined,
      failure: 'cannot list the versions of',
      location: `s3://${this.bucket}/${full}`,
    });
    for await (const page of pages)
      out.push(...this.entries(page.Versions, false), ...this.entries(page.DeleteMarkers, true));
    return out;
  }

  private async page(full: string, cursor: VersionCursor | undefined): Promise<VersionPage> {
    const answer = await this.client.send(
      new ListObjectVersionsCommand({
        Bucket: this.bucket,
        Prefix: full,
        ...(cursor !== undefined ? { KeyMarker: cursor.keyMarker } : {}),
        ...(cursor?.versionMarker !== undefined ? { VersionIdMarker: cursor.versionMarker } : {}),
      }),
    );
    return answer ?? {};
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
