/**
 * The S3 evidence store, report sink and alert ledger: the same layout and semantics as `fs-store.ts`, on a
 * bucket and prefix. Keys given to and returned by these adapters are relative (`drills/<rowId>/…`); the
 * adapters add and strip their prefix. Every read is one GetObject; a listing costs one request per 1,000 keys.
 */
import { Readable } from 'node:stream';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type {
  ContentType,
  EvidenceStore,
  LedgerStore,
  ListDrillsOptions,
  ObjectMeta,
  PutResult,
  ReadResult,
  ReportSink,
} from '../ports';
import { DEFAULT_CONCURRENCY, MAX_LEDGER_BYTES } from '../constants';
import { ReportWriteError, StoreUnreachableError } from '../ports';
import { awsErrorInfo, describeAwsError, s3Location, unreachableMessage } from './aws-clients';
import { continuationOf, listedObject, s3Pages, stripQuotes } from './s3-pages';

export { stripQuotes };

const isMissingKey = (error: unknown): boolean => {
  const info = awsErrorInfo(error);
  return info.name === 'NoSuchKey' || (info.status === 404 && info.name !== 'NoSuchBucket');
};

/**
 * S3 answers 403 rather than 404 for a missing object unless the caller may list it, and the monitor's role may
 * list only under narrow prefixes (an `s3:prefix` condition). So a 403 on a read is checked with one listing of
 * exactly that key: absent means `missing` (a first run has no ledger; the schedule is optional), present means
 * a real access problem.
 */
async function isAbsentAfterDenied(
  client: S3Client,
  bucket: string,
  key: string,
  error: unknown,
): Promise<boolean> {
  if (awsErrorInfo(error).status !== 403) return false;
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    return !(listed.Contents ?? []).some((object) => object.Key === key);
  } catch {
    return false;
  }
}

/** S3 orders keys by their UTF-8 bytes; JavaScript's `<` compares UTF-16 code units. */
const compareKeys = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

type Body = NonNullable<GetObjectCommandOutput['Body']>;

function discard(body: Body | undefined): void {
  if (body instanceof Readable) body.destroy();
  else if (body && typeof (body as { cancel?: unknown }).cancel === 'function')
    void (body as unknown as ReadableStream).cancel().catch(() => undefined);
}

/** Reads a body, giving up (and destroying the stream) as soon as it exceeds `maxBytes`. */
async function readCapped(
  body: Body,
  maxBytes: number,
): Promise<{ bytes: Uint8Array } | { tooLarge: number }> {
  if (!(body instanceof Readable)) {
    const bytes = await body.transformToByteArray();
    return bytes.byteLength > maxBytes ? { tooLarge: bytes.byteLength } : { bytes };
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.byteLength;
    if (total > maxBytes) {
      body.destroy();
      return { tooLarge: total };
    }
    chunks.push(buffer);
  }
  const joined = Buffer.concat(chunks, total);
  return { bytes: new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength) };
}

/** A counting semaphore: at most `limit` S3 requests of one store in flight. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface S3EvidenceStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or a prefix ending in '/', e.g. `usr/` (see `parseS3Url`). */
  readonly prefix: string;
  /** At most this many requests of this store in flight. @default 16 */
  readonly concurrency?: number;
}

/** The evidence store on `s3://bucket/prefix`. */
export class S3EvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly limiter: Limiter;

  constructor(options: S3EvidenceStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.limiter = new Limiter(Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY));
    this.location = s3Location(options.bucket, options.prefix);
  }

  /** One ListObjectsV2 (MaxKeys 1) under `<prefix>drills/`: also allowed by a role whose s3:ListBucket is prefix-scoped. */
  async checkReachable(): Promise<void> {
    try {
      await this.limiter.run(() =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.prefix}drills/`, MaxKeys: 1 }),
        ),
      );
    } catch (error) {
      throw new StoreUnreachableError(unreachableMessage(this.location, error), { cause: error });
    }
  }

  /** One GetObject: the body is only consumed when its ContentLength is within `maxBytes`. */
  async read(key: string, maxBytes: number): Promise<ReadResult> {
    return this.limiter.run(async (): Promise<ReadResult> => {
      let response: GetObjectCommandOutput;
      try {
        response = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
        );
      } catch (error) {
        if (
          isMissingKey(error) ||
          (await isAbsentAfterDenied(this.client, this.bucket, this.prefix + key, error))
        )
          return { kind: 'missing', key };
        return { kind: 'error', key, message: describeAwsError(error) };
      }
      const body = response.Body;
      const length = response.ContentLength;
      if (length !== undefined && length > maxBytes) {
        discard(body);
        return { kind: 'too-large', key, size: length };
      }
      let bytes: Uint8Array;
      if (body === undefined) {
        bytes = new Uint8Array(0);
      } else {
        try {
          const result = await readCapped(body, maxBytes);
          if ('tooLarge' in result) return { kind: 'too-large', key, size: result.tooLarge };
          bytes = result.bytes;
        } catch (error) {
          discard(body);
          return { kind: 'error', key, message: `reading the body failed: ${describeAwsError(error)}` };
        }
      }
      return {
        kind: 'ok',
        object: {
          key,
          size: bytes.byteLength,
          lastModified: response.LastModified?.toISOString() ?? null,
          etag: stripQuotes(response.ETag),
          versionId: response.VersionId ?? null,
          bytes,
        },
      };
    });
  }

  /**
   * Lists `<prefix>drills/<rowId>/` (direct children only, like the directory store), 1,000 keys per request.
   * `startAfter` becomes S3's StartAfter; with `endAt`, keys past it are dropped and the listing stops after
   * the first page that reaches past it; with `limit`, each page asks for no more keys than are still wanted
   * (MaxKeys) and the listing stops once it has them.
   */
  async listDrills(rowId: string, options: ListDrillsOptions = {}): Promise<readonly ObjectMeta[]> {
    const listPrefix = `${this.prefix}drills/${rowId}/`;
    const endAt = options.endAt === undefined ? undefined : listPrefix + options.endAt;
    const limit = options.limit;
    const out: ObjectMeta[] = [];
    const pages = s3Pages({
      fetch: (token: string | undefined) =>
        this.limiter.run(() =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: listPrefix,
              Delimiter: '/',
              ...(options.startAfter !== undefined && token === undefined
                ? { StartAfter: listPrefix + options.startAfter }
                : {}),
              ...(token !== undefined ? { ContinuationToken: token } : {}),
              ...(limit !== undefined ? { MaxKeys: Math.min(1000, Math.max(1, limit - out.length)) } : {}),
            }),
          ),
        ),
      next: continuationOf,
      failure: 'cannot list',
      location: `s3://${this.bucket}/${listPrefix}`,
    });
    for await (const page of pages) {
      let pastEnd = false;
      for (const item of page.Contents ?? []) {
        const fullKey = item.Key;
        if (fullKey === undefined || !fullKey.startsWith(listPrefix) || fullKey === listPrefix) continue;
        if (endAt !== undefined && compareKeys(fullKey, endAt) > 0) {
          pastEnd = true;
          continue;
        }
        if (!fullKey.endsWith('/')) out.push(listedObject(item, fullKey, this.prefix));
      }
      if (pastEnd || (limit !== undefined && out.length >= limit)) break;
    }
    return limit === undefined ? out : out.slice(0, limit);
  }
}

export interface S3ReportSinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** '' or a prefix ending in '/'. */
  readonly prefix: string;
}

/** Reports under `s3://bucket/prefix`; reads back through the same capped GetObject as the evidence store. */
export class S3ReportSink implements ReportSink {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly reader: S3EvidenceStore;

  constructor(options: S3ReportSinkOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.location = s3Location(options.bucket, options.prefix);
    this.reader = new S3EvidenceStore(options);
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    return this.reader.read(key, maxBytes);
  }

  /** Every object under `<prefix><listPrefix>`, 1,000 keys per ListObjectsV2 request, in S3's (byte) key order. */
  async list(listPrefix: string): Promise<readonly ObjectMeta[]> {
    const full = this.prefix + listPrefix;
    const out: ObjectMeta[] = [];
    const pages = s3Pages({
      fetch: (token: string | undefined) =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: full,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      next: continuationOf,
      failure: 'cannot list',
      location: `s3://${this.bucket}/${full}`,
    });
    for await (const page of pages) {
      for (const item of page.Contents ?? []) {
        const key = item.Key;
        if (key !== undefined && key.startsWith(full) && !key.endsWith('/'))
          out.push(listedObject(item, key, this.prefix));
      }
    }
    return out;
  }

  /** One PutObject; returns the version S3 created on a versioned bucket. */
  async put(key: string, body: string, contentType: ContentType = 'application/json'): Promise<PutResult> {
    const fullKey = this.prefix + key;
    try {
      const response = await this.client.send(
        // The length is sent explicitly: for an empty body (a day with no consumed evidence) the SDK cannot tell it
        // and warns on stderr about a stream of unknown length.
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: fullKey,
          Body: body,
          ContentType: contentType,
          ContentLength: Buffer.byteLength(body, 'utf8'),
        }),
      );
      return { versionId: response?.VersionId ?? null };
    } catch (error) {
      throw new ReportWriteError(
        `cannot write report s3://${this.bucket}/${fullKey} (${describeAwsError(error)})`,
        {
          cause: error,
        },
      );
    }
  }
}

export interface S3LedgerStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** The full object key, prefix included, e.g. `usr/state/alert-ledger.json`. */
  readonly key: string;
  /** What the object is, in messages. @default 'alert ledger' */
  readonly label?: string;
}

const CONFLICT_CODES = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);

class LedgerTooLargeError extends Error {}

/** The ledger's body, capped at MAX_LEDGER_BYTES like the directory ledger (the monitor's own state, but bounded). */
async function ledgerBytes(response: GetObjectCommandOutput): Promise<Uint8Array> {
  const tooLarge = (): LedgerTooLargeError =>
    new LedgerTooLargeError(`larger than ${MAX_LEDGER_BYTES} bytes`);
  if (response.ContentLength !== undefined && response.ContentLength > MAX_LEDGER_BYTES) {
    discard(response.Body);
    throw tooLarge();
  }
  if (response.Body === undefined) return new Uint8Array(0);
  const read = await readCapped(response.Body, MAX_LEDGER_BYTES);
  if ('tooLarge' in read) throw tooLarge();
  return read.bytes;
}

/**
 * The alert ledger as one S3 object, written with S3 conditional writes: `If-Match: <ETag>` when replacing
 * the version that was read, `If-None-Match: *` when creating it. The version is the ETag exactly as S3
 * returns it (quoted), so it can be sent back unchanged.
 */
export class S3LedgerStore implements LedgerStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;
  private readonly label: string;

  constructor(options: S3LedgerStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.key = options.key;
    this.label = options.label ?? 'alert ledger';
    this.location = `s3://${options.bucket}/${options.key}`;
  }

  async read(): Promise<{ bytes: Uint8Array | null; version: string | null }> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      return { bytes: await ledgerBytes(response), version: response.ETag ?? null };
    } catch (error) {
      if (error instanceof LedgerTooLargeError)
        throw new ReportWriteError(`cannot read the ${this.label} ${this.location} (${error.message})`, {
          cause: error,
        });
      if (isMissingKey(error) || (await isAbsentAfterDenied(this.client, this.bucket, this.key, error)))
        return { bytes: null, version: null };
      throw new ReportWriteError(
        `cannot read the ${this.label} ${this.location} (${describeAwsError(error)})`,
        {
          cause: error,
        },
      );
    }
  }

  async write(
    body: string,
    expectedVersion: string | null,
  ): Promise<{ kind: 'ok'; version: string | null } | { kind: 'conflict' }> {
    try {
      const response = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: body,
          ContentType: 'application/json',
          ...(expectedVersion === null ? { IfNoneMatch: '*' } : { IfMatch: expectedVersion }),
        }),
      );
      return { kind: 'ok', version: response.ETag ?? null };
    } catch (error) {
      const info = awsErrorInfo(error);
      // A replace (If-Match) whose object another run deleted in between answers 404: a conflict like a 412.
      const replacedGone = expectedVersion !== null && isMissingKey(error);
      if (CONFLICT_CODES.has(info.name) || info.status === 412 || info.status === 409 || replacedGone)
        return { kind: 'conflict' };
      throw new ReportWriteError(
        `cannot write the ${this.label} ${this.location} (${describeAwsError(error)})`,
        {
          cause: error,
        },
      );
    }
  }
}
