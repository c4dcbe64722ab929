/**
 * Request counting, the same columns for both stores:
 *
 * - S3: a middleware at the `initialize` step counts each command once (ListObjectsV2 → List, GetObject → Get,
 *   HeadObject → Head, PutObject → Put), before retries; a second one at the `deserialize` step counts HTTP
 *   attempts, so retries would show up as attempts > requests.
 * - Directory store: wrappers count `checkReachable` and `listDrills` as List (on S3 `checkReachable` is one
 *   ListObjectsV2), `read` as Get and report writes as Put.
 *
 * Requests are also attributed to rows (by the `drills/<rowId>/` in a key or listing prefix), so the
 * benchmark can check the per-row read budget of compliant rows.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type {
  ContentType,
  EvidenceStore,
  ListDrillsOptions,
  ObjectMeta,
  PutResult,
  ReadResult,
  ReportSink,
} from '../lambdas/ports';

export const OPERATIONS = ['List', 'Get', 'Head', 'Put'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type RequestCounts = Record<Operation, number>;

export interface RowRequests {
  List: number;
  Get: number;
}

const ROW_IN_KEY = /(?:^|\/)drills\/([^/]+)\//;

export class RequestCounter {
  readonly totals: RequestCounts = { List: 0, Get: 0, Head: 0, Put: 0 };
  /** Commands the S3 client did not map to one of the four columns (none expected). */
  readonly other = new Map<string, number>();
  /** HTTP attempts (S3 only); equal to the request total unless the SDK retried. */
  attempts = 0;
  readonly perRow = new Map<string, RowRequests>();

  count(operation: Operation, keyOrPrefix?: string): void {
    this.totals[operation]++;
    const rowId = keyOrPrefix === undefined ? undefined : ROW_IN_KEY.exec(keyOrPrefix)?.[1];
    if (rowId === undefined || (operation !== 'List' && operation !== 'Get')) return;
    const entry = this.perRow.get(rowId) ?? { List: 0, Get: 0 };
    entry[operation]++;
    this.perRow.set(rowId, entry);
  }

  countOther(commandName: string): void {
    this.other.set(commandName, (this.other.get(commandName) ?? 0) + 1);
  }
}

const S3_OPERATIONS: Readonly<Record<string, Operation>> = {
  ListObjectsV2Command: 'List',
  ListObjectsCommand: 'List',
  GetObjectCommand: 'Get',
  HeadObjectCommand: 'Head',
  PutObjectCommand: 'Put',
};

/** Adds the counting middlewares to an S3 client. */
export function countS3Requests(client: S3Client, counter: RequestCounter): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: unknown; Prefix?: unknown };
      const target = typeof input.Key === 'string' ? input.Key : input.Prefix;
      const operation = S3_OPERATIONS[context.commandName ?? ''];
      if (operation) counter.count(operation, typeof target === 'string' ? target : undefined);
      else counter.countOther(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'benchCountRequests' },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchCountAttempts' },
  );
}

/** An evidence store that counts what it is asked, in the S3 columns. */
export class CountingEvidenceStore implements EvidenceStore {
  readonly location: string;

  constructor(
    private readonly inner: EvidenceStore,
    private readonly counter: RequestCounter,
  ) {
    this.location = inner.location;
  }

  checkReachable(): Promise<void> {
    this.counter.count('List');
    return this.inner.checkReachable();
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    this.counter.count('Get', key);
    return this.inner.read(key, maxBytes);
  }

  listDrills(rowId: string, options?: ListDrillsOptions): Promise<readonly ObjectMeta[]> {
    this.counter.count('List', `drills/${rowId}/`);
    return this.inner.listDrills(rowId, options);
  }
}

/** A report sink that counts its writes as Put. */
export class CountingReportSink implements ReportSink {
  readonly location: string;

  constructor(
    private readonly inner: ReportSink,
    private readonly counter: RequestCounter,
  ) {
    this.location = inner.location;
  }

  put(key: string, body: string, contentType: ContentType): Promise<PutResult | void> {
    this.counter.count('Put', key);
    return this.inner.put(key, body, contentType);
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    this.counter.count('Get', key);
    return this.inner.read(key, maxBytes);
  }

  list(prefix: string): Promise<readonly ObjectMeta[]> {
    this.counter.count('List', prefix);
    return this.inner.list(prefix);
  }
}
