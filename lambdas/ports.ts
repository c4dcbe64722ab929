/**
 * The small interfaces that the orchestration (`monitor.ts`) needs from the world.
 * Adapters (`adapters/fs-*`, `adapters/s3-*`, `adapters/sns-*`, `adapters/console-*`) implement them;
 * SDK clients come in through the adapters' constructors. Keys are always relative to the store or
 * output root (`policy/…`, `drills/<rowId>/…`, `reports/…`, `state/…`); an adapter adds its own prefix.
 */
import type { Alert } from './core/schemas';

/** Metadata of one stored object, as the store reports it. */
export interface ObjectMeta {
  /** Key relative to the store root, e.g. `drills/incident-sev1/20261120T100500Z-d1.json`. */
  readonly key: string;
  /** Size in bytes (from the listing where there is one). */
  readonly size: number;
  /** ISO-8601 time of the last modification (S3 LastModified, file mtime), or null when unknown. */
  readonly lastModified: string | null;
  /** S3 ETag (quotes stripped) or null for a local file. */
  readonly etag: string | null;
  /** S3 VersionId where the bucket is versioned, else null. */
  readonly versionId: string | null;
}

/** An object read in full. */
export interface StoredObject extends ObjectMeta {
  readonly bytes: Uint8Array;
}

/**
 * The outcome of reading one object: never throws for a missing, oversized, refused or unreadable object.
 * `refused`: the store will not read what is at the key (a directory store's symbolic link that leads outside the
 * store, a directory, FIFO, socket or device): bad evidence, not a read failure. S3 never returns it.
 */
export type ReadResult =
  | { readonly kind: 'ok'; readonly object: StoredObject }
  | { readonly kind: 'missing'; readonly key: string }
  | { readonly kind: 'too-large'; readonly key: string; readonly size: number }
  | { readonly kind: 'refused'; readonly key: string; readonly message: string }
  | { readonly kind: 'error'; readonly key: string; readonly message: string };

export interface ListDrillsOptions {
  /** Only keys that sort strictly after `drills/<rowId>/<startAfter>` (S3 `StartAfter`). */
  readonly startAfter?: string;
  /** Only keys that sort at or before `drills/<rowId>/<endAt>` (a window of the older history). */
  readonly endAt?: string;
  /** At most this many keys, the first in key order (S3 `MaxKeys`): the probe of where a row's history begins. */
  readonly limit?: number;
}

export interface EvidenceStore {
  /** Human-readable location, e.g. `s3://bucket/prefix` or `/path/to/store`. */
  readonly location: string;
  /** Throws `StoreUnreachableError` when the store cannot be reached at all (no bucket, no directory, access denied). */
  checkReachable(): Promise<void>;
  /**
   * Reads one object; objects larger than `maxBytes` are refused with `too-large` after reading at most
   * `maxBytes + 1` bytes of their body, whatever their listed size.
   */
  read(key: string, maxBytes: number): Promise<ReadResult>;
  /**
   * Lists the drill artifacts of one row (`drills/<rowId>/…`), in any order; the caller orders them. A directory
   * store lists every entry of the row's folder, files or not (reading refuses what is not a file).
   * Throws `StoreUnreachableError` only when listing itself is impossible.
   */
  listDrills(rowId: string, options?: ListDrillsOptions): Promise<readonly ObjectMeta[]>;
}

/** Content types of what the monitor writes. */
export type ContentType =
  'application/json' | 'text/html; charset=utf-8' | 'text/csv; charset=utf-8' | 'application/x-ndjson';

/** What a store says of a write: the S3 version it created (versioned buckets), or nothing. */
export interface PutResult {
  readonly versionId: string | null;
}

/**
 * Where reports (and the monitor's other outputs) go: the `--out` root. `put` throws `ReportWriteError` when the
 * write fails: the run must fail loudly; it may return the version it created (recorded in the day's manifest).
 * `read` reads back what an earlier run wrote (the latest report, a day's history), with the same never-throwing
 * semantics as `EvidenceStore.read`.
 */
export interface ReportSink {
  readonly location: string;
  put(key: string, body: string, contentType: ContentType): Promise<PutResult | void>;
  read(key: string, maxBytes: number): Promise<ReadResult>;
  /**
   * Every object whose key starts with `prefix` (at any depth), sorted by key; e.g. `reports/` for the days of
   * reports, `history/` for the compliance history. Throws `StoreUnreachableError` when listing is impossible.
   */
  list(prefix: string): Promise<readonly ObjectMeta[]>;
}

/** The alert ledger in `state/`, written with optimistic concurrency. */
export interface LedgerStore {
  /** Returns the raw ledger bytes and an opaque version (ETag), or null bytes when there is no ledger yet. */
  read(): Promise<{ readonly bytes: Uint8Array | null; readonly version: string | null }>;
  /**
   * Writes the ledger only if it is still at `expectedVersion` (null: only if it does not exist yet).
   * Returns `conflict` when another run changed it in between; throws `ReportWriteError` on any other failure.
   */
  write(
    body: string,
    expectedVersion: string | null,
  ): Promise<{ readonly kind: 'ok'; readonly version: string | null } | { readonly kind: 'conflict' }>;
}

export interface PublishResult {
  /** Ids (`Alert.id`) of the alerts that were delivered. */
  readonly delivered: readonly string[];
  /** Alerts that could not be delivered after retries, with the cause. */
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

export interface PublishOptions {
  /**
   * Aborted when publishing must end: what is not sent by then is reported as failed, so the run settles its
   * ledger claim before the claim expires (and no later run sends it a second time).
   */
  readonly signal?: AbortSignal;
}

/** Where alerts go (SNS, stdout, a JSON-lines file). Never throws for a delivery failure: reports it in `failed`. */
export interface AlertSink {
  readonly location: string;
  publish(alerts: readonly Alert[], options?: PublishOptions): Promise<PublishResult>;
}

/** The few real failures that stop a run. Everything else is a finding in the report. */
export class StoreUnreachableError extends Error {
  override readonly name = 'StoreUnreachableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ReportWriteError extends Error {
  override readonly name: string = 'ReportWriteError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another run holds the store's run lease past this run's patience: nothing was evaluated or written. */
export class StoreBusyError extends ReportWriteError {
  override readonly name = 'StoreBusyError';
}

/** The alert ledger exists but cannot be used: alerting stops (reports are still written) until an operator acts. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
