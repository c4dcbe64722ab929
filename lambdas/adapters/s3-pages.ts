/**
 * The paging the S3 adapters' listings share (ListObjectsV2 of the evidence store and the report sink,
 * ListObjectVersions of `verify --versions`): one request per page, each resuming where the last one stopped, and
 * a failed request reported as an unreachable store naming what was listed.
 */
import type { _Object } from '@aws-sdk/client-s3';
import type { ObjectMeta } from '../ports';
import { StoreUnreachableError } from '../ports';
import { unreachableMessage } from './aws-clients';

export interface PageRequests<Page, Cursor> {
  /** Sends the request of one page: the first with no cursor, each next one with the cursor of the page before. */
  readonly fetch: (cursor: Cursor | undefined) => Promise<Page>;
  /** Where the listing resumes after `page`, or undefined when it was the last page. */
  readonly next: (page: Page) => Cursor | undefined;
  /** Starts the failure message, e.g. `cannot list`; `unreachableMessage(location, error)` follows it. */
  readonly failure: string;
  /** What is listed, e.g. `s3://bucket/prefix/`. */
  readonly location: string;
}

/**
 * The pages of one listing, in order; a caller that has what it needs stops early (`break`) and no further page is
 * requested. Throws `StoreUnreachableError` when a request fails.
 */
export async function* s3Pages<Page, Cursor>(requests: PageRequests<Page, Cursor>): AsyncGenerator<Page> {
  let cursor: Cursor | undefined;
  do {
    let page: Page;
    try {
      page = await requests.fetch(cursor);
    } catch (error) {
      throw new StoreUnreachableError(`${requests.failure} ${unreachableMessage(requests.location, error)}`, {
        cause: error,
      });
    }
    yield page;
    cursor = requests.next(page);
  } while (cursor !== undefined);
}

/** The continuation token of a ListObjectsV2 page that is not the last. */
export const continuationOf = (page: {
  readonly IsTruncated?: boolean;
  readonly NextContinuationToken?: string;
}): string | undefined => (page.IsTruncated ? page.NextContinuationToken : undefined);

/** S3 ETags come quoted (`"9b2cf535f27731c974343645a3985328"`); reports carry them without the quotes. */
export const stripQuotes = (etag: string | undefined): string | null =>
  etag === undefined || etag === '' ? null : etag.replace(/^(W\/)?"/, '').replace(/"$/, '');

/** A listed object (at `fullKey`, its `Key`) as the ports describe it, relative to the adapter's `prefix`. */
export function listedObject(item: _Object, fullKey: string, prefix: string): ObjectMeta {
  return {
    key: fullKey.slice(prefix.length),
    size: item.Size ?? 0,
    lastModified: item.LastModified?.toISOString() ?? null,
    etag: stripQuotes(item.ETag),
    versionId: null,
  };
}
