/** The local directory store: the same layout as S3 (CONTRACT §1), for the CLI and for tests. */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type {
  EvidenceStore,
  LedgerStore,
  ListDrillsOptions,
  ObjectMeta,
  ReadResult,
  ReportSink,
} from '../ports';
import { ReportWriteError, StoreUnreachableError } from '../ports';

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/** Evidence store on a directory. Keys are `/`-separated paths relative to `root`. */
export class FsEvidenceStore implements EvidenceStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = path.resolve(root);
  }

  private file(key: string): string {
    return path.join(this.root, ...key.split('/'));
  }

  async checkReachable(): Promise<void> {
    let stat;
    try {
      stat = await fs.stat(this.root);
    } catch (error) {
      throw new StoreUnreachableError(`store ${this.location} cannot be read: ${describe(error)}`, {
        cause: error,
      });
    }
    if (!stat.isDirectory()) throw new StoreUnreachableError(`store ${this.location} is not a directory`);
  }

  async read(key: string, maxBytes: number): Promise<ReadResult> {
    const file = this.file(key);
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return { kind: 'error', key, message: 'not a regular file' };
      if (stat.size > maxBytes) return { kind: 'too-large', key, size: stat.size };
      const bytes = await fs.readFile(file);
      return {
        kind: 'ok',
        object: {
          key,
          size: bytes.byteLength,
          lastModified: stat.mtime.toISOString(),
          etag: null,
          versionId: null,
          bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        },
      };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { kind: 'missing', key };
      return { kind: 'error', key, message: describe(error) };
    }
  }

  async listDrills(rowId: string, options: ListDrillsOptions = {}): Promise<readonly ObjectMeta[]> {
    const prefix = `drills/${rowId}/`;
    const dir = this.file(`drills/${rowId}`);
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw new StoreUnreachableError(`${dir} cannot be listed (${describe(error)})`, { cause: error });
    }
    const after = options.startAfter === undefined ? undefined : prefix + options.startAfter;
    const endAt = options.endAt === undefined ? undefined : prefix + options.endAt;
    const keys = names
      .map((name) => prefix + name)
      .filter((key) => (after === undefined || key > after) && (endAt === undefined || key <= endAt))
      .sort();
    const out: ObjectMeta[] = [];
    for (const key of keys) {
      if (options.limit !== undefined && out.length >= options.limit) break;
      try {
        const stat = await fs.stat(this.file(key));
        if (!stat.isFile()) continue;
        out.push({
          key,
          size: stat.size,
          lastModified: stat.mtime.toISOString(),
          etag: null,
          versionId: null,
        });
      } catch (error) {
        if (errorCode(error) !== 'ENOENT')
          throw new StoreUnreachableError(`${key}: ${describe(error)}`, { cause: error });
      }
    }
    return out;
  }
}

/** Writes a file atomically: a temporary file in the same directory, then rename. */
async function writeAtomically(file: string, body: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, body);
  await fs.rename(temporary, file);
}

/** Reports under a directory root; reads back through the same bounded, contained reads as the evidence store. */
export class FsReportSink implements ReportSink {
  readonly location: string;
  private readonly reader: FsEvidenceStore;

  constructor(private readonly root: string) {
    this.location = path.resolve(root);
    this.reader = new FsEvidenceStore(root);
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    return this.reader.read(key, maxBytes);
  }

  async put(key: string, body: string): Promise<void> {
    const file = path.join(this.root, ...key.split('/'));
    try {
      await writeAtomically(file, body);
    } catch (error) {
      throw new ReportWriteError(`cannot write report ${file} (${describe(error)})`, { cause: error });
    }
  }
}

/** The alert ledger as a file; its version is the sha256 of its bytes (compare-and-swap within one machine). */
export class FsLedgerStore implements LedgerStore {
  private readonly file: string;

  constructor(root: string, key = 'state/alert-ledger.json') {
    this.file = path.join(root, ...key.split('/'));
  }

  async read(): Promise<{ bytes: Uint8Array | null; version: string | null }> {
    try {
      const bytes = await fs.readFile(this.file);
      return { bytes: new Uint8Array(bytes), version: createHash('sha256').update(bytes).digest('hex') };
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { bytes: null, version: null };
      throw new ReportWriteError(`cannot read the alert ledger ${this.file} (${describe(error)})`, {
        cause: error,
      });
    }
  }

  async write(
    body: string,
    expectedVersion: string | null,
  ): Promise<{ kind: 'ok'; version: string } | { kind: 'conflict' }> {
    const current = await this.read();
    if (current.version !== expectedVersion) return { kind: 'conflict' };
    try {
      await writeAtomically(this.file, body);
    } catch (error) {
      throw new ReportWriteError(`cannot write the alert ledger ${this.file} (${describe(error)})`, {
        cause: error,
      });
    }
    return { kind: 'ok', version: createHash('sha256').update(body).digest('hex') };
  }
}
