/**
 * The alert ledger as a file of a directory root. Its version is the sha256 of its bytes; a write is a
 * compare-and-swap made atomic across processes (and hosts sharing the folder) by an exclusive lock file next
 * to the ledger (`fs-lock.ts`), held only around read → compare → rename, every step under a deadline.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  LEDGER_KEY,
  LEDGER_LOCK_EXPIRY_MS,
  LEDGER_LOCK_WAIT_MS,
  MAX_LEDGER_BYTES,
  WRITE_DEADLINE_MS,
} from '../constants';
import type { LedgerStore } from '../ports';
import { ReportWriteError } from '../ports';
import { DeadlineError, withDeadline } from './deadline';
import { FileLock } from './fs-lock';
import { describeFsError, errorCode, readBounded, resolveInside } from './fs-read';
import { makeDirectories, writeAtomically } from './fs-write';

export interface FsLedgerOptions {
  /** How long a write waits for another process's lock before it reports a conflict. @default LEDGER_LOCK_WAIT_MS */
  readonly lockWaitMs?: number;
  /** Age after which a lock is stale and broken. @default LEDGER_LOCK_EXPIRY_MS */
  readonly lockExpiryMs?: number;
  /** Deadline of a read, and of the locked read → compare → rename. @default WRITE_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** What the file is, in messages. @default 'alert ledger' */
  readonly label?: string;
}

type Snapshot = { bytes: Uint8Array | null; version: string | null };

const versionOf = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

export class FsLedgerStore implements LedgerStore {
  private readonly file: string;
  private readonly lock: FileLock;
  private readonly options: Required<FsLedgerOptions>;

  constructor(
    private readonly root: string,
    key = LEDGER_KEY,
    options: FsLedgerOptions = {},
  ) {
    this.file = path.join(root, ...key.split('/'));
    this.options = {
      label: options.label ?? 'alert ledger',
      lockWaitMs: options.lockWaitMs ?? LEDGER_LOCK_WAIT_MS,
      lockExpiryMs: options.lockExpiryMs ?? LEDGER_LOCK_EXPIRY_MS,
      deadlineMs: options.deadlineMs ?? WRITE_DEADLINE_MS,
    };
    this.lock = new FileLock(`${this.file}.lock`, {
      waitMs: this.options.lockWaitMs,
      expiryMs: this.options.lockExpiryMs,
    });
  }

  async read(): Promise<Snapshot> {
    try {
      return await withDeadline('the read', this.options.deadlineMs, () => this.snapshot());
    } catch (error) {
      throw new ReportWriteError(
        `cannot read the ${this.options.label} ${this.file}: ${describeFsError(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  /** The ledger's bytes and version; throws a one-line Error for a ledger that is not a readable file. */
  private async snapshot(): Promise<Snapshot> {
    let realRoot: string;
    try {
      realRoot = await fs.realpath(this.root);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { bytes: null, version: null };
      throw error;
    }
    const resolved = await resolveInside(this.root, realRoot, this.file, 'the output root');
    if (resolved.kind === 'missing') return { bytes: null, version: null };
    if (resolved.kind === 'refused') throw new Error(resolved.message);
    const read = await readBounded(resolved.real, MAX_LEDGER_BYTES, false);
    if (read.kind === 'refused') throw new Error(read.message);
    if (read.kind === 'too-large') throw new Error(`larger than ${MAX_LEDGER_BYTES} bytes`);
    return { bytes: read.bytes, version: versionOf(read.bytes) };
  }

  async write(
    body: string,
    expectedVersion: string | null,
  ): Promise<{ kind: 'ok'; version: string } | { kind: 'conflict' }> {
    const { deadlineMs, lockWaitMs } = this.options;
    let release: (() => Promise<void>) | null;
    try {
      release = await withDeadline('taking the lock', deadlineMs + lockWaitMs, async () => {
        await makeDirectories(path.dirname(this.file), this.root);
        return this.lock.acquire();
      });
    } catch (error) {
      throw this.writeError(error);
    }
    if (release === null) return { kind: 'conflict' };
    let settled = false;
    try {
      const outcome = await withDeadline('the write', deadlineMs, () => this.swap(body, expectedVersion));
      settled = true;
      return outcome;
    } catch (error) {
      // A write that did not settle may still land: its lock stays until it expires (or this process ends).
      settled = !(error instanceof DeadlineError);
      throw this.writeError(error);
    } finally {
      if (settled) await withDeadline('releasing the lock', deadlineMs, release).catch(() => undefined);
    }
  }

  /** Under the lock: the ledger is replaced only if it is still at `expectedVersion`. */
  private async swap(
    body: string,
    expectedVersion: string | null,
  ): Promise<{ kind: 'ok'; version: string } | { kind: 'conflict' }> {
    const current = await this.snapshot();
    if (current.version !== expectedVersion) return { kind: 'conflict' };
    await writeAtomically(this.file, body);
    return { kind: 'ok', version: versionOf(body) };
  }

  private writeError(error: unknown): ReportWriteError {
    return new ReportWriteError(
      `cannot write the ${this.options.label} ${this.file}: ${describeFsError(error)}`,
      {
        cause: error,
      },
    );
  }
}
