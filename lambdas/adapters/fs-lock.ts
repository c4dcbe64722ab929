/**
 * An exclusive lock file shared by processes, possibly on several hosts of a network file system: created with
 * `wx` (O_CREAT|O_EXCL, atomic), holding `{ pid, host, expiresAt, token }`, removed by its holder. A lock is
 * stale once past its expiry (counted from its own `expiresAt` and from its file's mtime, whichever is sooner, so
 * a lock file planted with a far expiry lasts no longer than a real one) or when its pid is dead on this host;
 * a stale lock is broken under a second exclusive file (`<lock>.break`) after checking that it is still the same
 * file, so two processes breaking the same stale lock cannot remove a fresh one.
 */
import type { Stats } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as z from 'zod';
import { errorCode, readBounded } from './fs-read';

export interface LockTimes {
  /** How long `acquire` waits for a live holder before giving up. */
  readonly waitMs: number;
  /** How long a lock lives at most. */
  readonly expiryMs: number;
}

const LockSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  expiresAt: z.iso.datetime({ offset: true }),
  token: z.string().optional(),
});
type LockContent = z.infer<typeof LockSchema>;

const MAX_LOCK_BYTES = 4096;
const POLL_MS = 10;
let acquisitions = 0;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A process of this host is alive (EPERM: alive, another user's). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** The lock as found: its file's identity and its content (null when unreadable or not written yet). */
interface Observed {
  readonly stats: Stats;
  readonly bytes: Uint8Array | null;
  readonly content: LockContent | null;
}

function sameFile(a: Observed, b: Observed): boolean {
  return (
    a.stats.ino === b.stats.ino &&
    a.stats.dev === b.stats.dev &&
    a.stats.mtimeMs === b.stats.mtimeMs &&
    Buffer.from(a.bytes ?? []).equals(Buffer.from(b.bytes ?? []))
  );
}

export class FileLock {
  private readonly breaker: string;

  constructor(
    private readonly file: string,
    private readonly times: LockTimes,
  ) {
    this.breaker = `${file}.break`;
  }

  /** Takes the lock, waiting up to `waitMs` for a live holder; returns its release, or null if still held. */
  async acquire(): Promise<(() => Promise<void>) | null> {
    const giveUpAt = Date.now() + this.times.waitMs;
    for (;;) {
      const token = await this.tryCreate();
      if (token !== null) return () => this.release(token);
      const observed = await this.observe(this.file);
      // Released meanwhile, or stale and broken: try again at once.
      if (observed === null || (this.isStale(observed) && (await this.breakStale(observed)))) continue;
      if (Date.now() >= giveUpAt) return null;
      await sleep(POLL_MS);
    }
  }

  /** Creates the lock file exclusively with this process's content; its token, or null when it exists. */
  private async tryCreate(): Promise<string | null> {
    const token = `${os.hostname()}:${process.pid}:${++acquisitions}:${Date.now()}`;
    const content: LockContent = {
      pid: process.pid,
      host: os.hostname(),
      expiresAt: new Date(Date.now() + this.times.expiryMs).toISOString(),
      token,
    };
    let handle;
    try {
      handle = await fs.open(this.file, 'wx');
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return null;
      throw error;
    }
    try {
      await handle.writeFile(JSON.stringify(content));
    } catch (error) {
      // An empty lock would hold every other run off until it goes stale: take it back at once.
      await handle.close().catch(() => undefined);
      await fs.unlink(this.file).catch(() => undefined);
      throw error;
    }
    await handle.close();
    return token;
  }

  /** The lock file as it is now, or null when there is none. */
  private async observe(file: string): Promise<Observed | null> {
    let stats: Stats;
    try {
      stats = await fs.lstat(file);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    let bytes: Uint8Array | null = null;
    try {
      const read = await readBounded(file, MAX_LOCK_BYTES, false);
      bytes = read.kind === 'ok' ? read.bytes : null;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
    }
    return { stats, bytes, content: parseLock(bytes) };
  }

  private isStale(observed: Observed): boolean {
    const now = Date.now();
    if (now > observed.stats.mtimeMs + this.times.expiryMs) return true;
    const content = observed.content;
    if (content === null) return false;
    if (now > Date.parse(content.expiresAt)) return true;
    return content.host === os.hostname() && !isAlive(content.pid);
  }

  /** Removes the stale lock `observed` if it is still the lock file; true when the way is clear. */
  private async breakStale(observed: Observed): Promise<boolean> {
    let handle;
    try {
      handle = await fs.open(this.breaker, 'wx');
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      await this.clearStaleBreaker();
      return false;
    }
    await handle.close();
    try {
      const current = await this.observe(this.file);
      if (current === null) return true;
      if (!sameFile(current, observed)) return false;
      await fs.unlink(this.file);
      return true;
    } finally {
      await fs.unlink(this.breaker).catch(() => undefined);
    }
  }

  /** A breaker left by a process that died while breaking (it is held for a few file operations only). */
  private async clearStaleBreaker(): Promise<void> {
    try {
      const stats = await fs.lstat(this.breaker);
      if (Date.now() > stats.mtimeMs + this.times.expiryMs) await fs.unlink(this.breaker);
    } catch {
      // Gone already, or removed by another process: nothing to clear.
    }
  }

  /** Removes the lock if it is still this holder's (a stale-lock breaker may have removed it). */
  private async release(token: string): Promise<void> {
    const current = await this.observe(this.file);
    if (current?.content?.token === token) await fs.unlink(this.file);
  }
}

function parseLock(bytes: Uint8Array | null): LockContent | null {
  if (bytes === null) return null;
  try {
    const parsed = LockSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
