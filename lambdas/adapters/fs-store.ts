/**
 * The local directory store: the same layout as S3 (docs/formats.md), for the CLI and for tests. A store is often a
 * checkout of somebody's pull request, so it is read defensively: only regular files, never through a symbolic
 * link that leads outside the store, never more than the limit, never blocking, and every operation under a
 * deadline (`fs-read.ts`, `fs-write.ts`, `deadline.ts`).
 */
import type { Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { READ_DEADLINE_MS, WRITE_DEADLINE_MS } from '../constants';
import type {
  ContentType,
  EvidenceStore,
  ListDrillsOptions,
  ObjectMeta,
  ReadResult,
  ReportSink,
} from '../ports';
import { ReportWriteError, StoreUnreachableError } from '../ports';
import { withDeadline } from './deadline';
import { describeFsError, errorCode, readBounded, resolveInside } from './fs-read';
import { makeDirectories, writeAtomically } from './fs-write';

export { FsLedgerStore } from './fs-ledger';
export type { FsLedgerOptions } from './fs-ledger';

export interface FsStoreOptions {
  /** Deadline of one read, stat or listing. @default READ_DEADLINE_MS */
  readonly deadlineMs?: number;
}

/** The listing entry of one name in a row folder: any kind of entry, described without following links. */
async function entryMeta(key: string, file: string): Promise<ObjectMeta | null> {
  let stats: Stats;
  try {
    stats = await fs.lstat(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
  return {
    key,
    size: stats.isFile() ? stats.size : 0,
    lastModified: stats.mtime.toISOString(),
    etag: null,
    versionId: null,
  };
}

/** Every non-folder entry under `folder` (a key prefix ending in `/`, or ''), descending into folders only. */
async function walk(root: string, folder: string, deadlineMs: number): Promise<ObjectMeta[]> {
  const dir = path.join(root, ...folder.split('/').filter(Boolean));
  // One deadline per folder: a listing that grows with the years of reports never outgrows it.
  const { files, folders } = await withDeadline(`listing ${dir}`, deadlineMs, async () => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const metas = await Promise.all(
      entries
        .filter((entry) => !entry.isDirectory())
        .map((entry) => entryMeta(folder + entry.name, path.join(dir, entry.name))),
    );
    return { files: metas, folders: entries.filter((entry) => entry.isDirectory()).map((e) => e.name) };
  });
  const nested = await Promise.all(folders.map((name) => walk(root, `${folder}${name}/`, deadlineMs)));
  return [...files, ...nested.flat()].filter((o): o is ObjectMeta => o !== null);
}

/** Evidence store on a directory. Keys are `/`-separated paths relative to `root`. */
export class FsEvidenceStore implements EvidenceStore {
  readonly location: string;
  private readonly deadlineMs: number;
  private realRoot: string | null = null;

  constructor(
    private readonly root: string,
    options: FsStoreOptions = {},
  ) {
    this.location = path.resolve(root);
    this.deadlineMs = options.deadlineMs ?? READ_DEADLINE_MS;
  }

  private file(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  /** The root with its links resolved: what every key must stay under. */
  private async resolvedRoot(): Promise<string> {
    this.realRoot ??= await fs.realpath(this.root);
    return this.realRoot;
  }

  async checkReachable(): Promise<void> {
    let stat;
    try {
      stat = await withDeadline('the check', this.deadlineMs, () => fs.stat(this.root));
    } catch (error) {
      throw new StoreUnreachableError(`store ${this.location} cannot be read: ${describeFsError(error)}`, {
        cause: error,
      });
    }
    if (!stat.isDirectory()) throw new StoreUnreachableError(`store ${this.location} is not a directory`);
  }

  async read(key: string, maxBytes: number): Promise<ReadResult> {
    try {
      return await withDeadline('the read', this.deadlineMs, () => this.readKey(key, maxBytes));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'missing', key };
      return { kind: 'error', key, message: describeFsError(error) };
    }
  }

  private async readKey(key: string, maxBytes: number): Promise<ReadResult> {
    const resolved = await resolveInside(this.root, await this.resolvedRoot(), this.file(key));
    if (resolved.kind !== 'path') return { ...resolved, key };
    const read = await readBounded(resolved.real, maxBytes, false);
    if (read.kind === 'too-large') return { kind: 'too-large', key, size: read.size };
    if (read.kind === 'refused') return { kind: 'refused', key, message: read.message };
    return {
      kind: 'ok',
      object: {
        key,
        size: read.bytes.byteLength,
        lastModified: read.mtime.toISOString(),
        etag: null,
        versionId: null,
        bytes: read.bytes,
      },
    };
  }

  /** Every entry of the row's folder (files, folders, links, FIFOs, …): reading refuses what is not a file. */
  async listDrills(rowId: string, options: ListDrillsOptions = {}): Promise<readonly ObjectMeta[]> {
    const folder = `drills/${rowId}`;
    try {
      return await withDeadline('the listing', this.deadlineMs, () => this.list(folder, options));
    } catch (error) {
      if (error instanceof StoreUnreachableError) throw error;
      throw new StoreUnreachableError(`${this.file(folder)} cannot be listed (${describeFsError(error)})`, {
        cause: error,
      });
    }
  }

  private async list(folder: string, options: ListDrillsOptions): Promise<ObjectMeta[]> {
    const resolved = await resolveInside(this.root, await this.resolvedRoot(), this.file(folder));
    if (resolved.kind === 'missing') return [];
    if (resolved.kind === 'refused') throw new StoreUnreachableError(`${folder}: ${resolved.message}`);
    let names: string[];
    try {
      names = await fs.readdir(resolved.real);
    } catch (error) {
      if (errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
    const prefix = `${folder}/`;
    const after = options.startAfter === undefined ? undefined : prefix + options.startAfter;
    const endAt = options.endAt === undefined ? undefined : prefix + options.endAt;
    const wanted = names
      .filter((name) => {
        const key = prefix + name;
        return (after === undefined || key > after) && (endAt === undefined || key <= endAt);
      })
      .sort();
    // The first `limit` names in key order (the listing's probe of the oldest keys).
    const taken = options.limit === undefined ? wanted : wanted.slice(0, options.limit);
    const entries = await Promise.all(
      taken.map((name) => entryMeta(prefix + name, path.join(resolved.real, name))),
    );
    return entries.filter((entry): entry is ObjectMeta => entry !== null);
  }
}

export interface FsReportSinkOptions {
  /** Deadline of one report write, folders included. @default WRITE_DEADLINE_MS */
  readonly deadlineMs?: number;
}

/**
 * Reports under a directory root; never written through a link that leads outside the root, and read back
 * through the same bounded, contained reads as the evidence store.
 */
export class FsReportSink implements ReportSink {
  readonly location: string;
  private readonly deadlineMs: number;
  private readonly reader: FsEvidenceStore;

  constructor(
    private readonly root: string,
    options: FsReportSinkOptions = {},
  ) {
    this.location = path.resolve(root);
    this.deadlineMs = options.deadlineMs ?? WRITE_DEADLINE_MS;
    this.reader = new FsEvidenceStore(root);
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    return this.reader.read(key, maxBytes);
  }

  /** Regular files and links under the prefix's folder, never following a link; keys sorted. */
  async list(prefix: string): Promise<readonly ObjectMeta[]> {
    const folder = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    try {
      const found = await walk(this.root, folder, READ_DEADLINE_MS);
      return found
        .filter((o) => o.key.startsWith(prefix))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw new StoreUnreachableError(
        `${path.join(this.root, folder)} cannot be listed (${describeFsError(error)})`,
        {
          cause: error,
        },
      );
    }
  }

  async put(key: string, body: string, _contentType?: ContentType): Promise<void> {
    const file = path.join(this.root, ...key.split('/'));
    try {
      await withDeadline('the write', this.deadlineMs, async () => {
        await makeDirectories(path.dirname(file), this.root);
        await writeAtomically(file, body);
      });
    } catch (error) {
      throw new ReportWriteError(`cannot write report ${file}: ${describeFsError(error)}`, { cause: error });
    }
  }
}
