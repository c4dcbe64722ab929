/**
 * The directory alert ledger's compare-and-swap across real processes: an exclusive lock file next to the
 * ledger, held around read-compare-rename; stale locks are broken, live ones make a writer wait, then conflict.
 */
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as z from 'zod';
import { FsLedgerStore } from '../../lambdas/adapters/fs-store';
import { LEDGER_KEY } from '../../lambdas/constants';

const repo = path.join(__dirname, '..', '..');
const counterScript = path.join(__dirname, 'fixtures', 'ledger-counter.ts');
const created: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'usr-fs-ledger-'));
  created.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(created.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

const ledgerFile = (root: string): string => path.join(root, ...LEDGER_KEY.split('/'));
const lockFile = (root: string): string => `${ledgerFile(root)}.lock`;
const text = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('utf8');

const Outcome = z.object({ successes: z.number(), conflicts: z.number() });
type Outcome = z.infer<typeof Outcome>;

/** Starts a counter process; resolves `ready` once it has loaded, and `done` with its outcome. */
function counter(root: string, increments: number, go: string) {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', counterScript, root, String(increments), go],
    {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Outcome>((resolve, reject) =>
    child.on('close', (code) => {
      markReady();
      if (code !== 0) reject(new Error(`counter exited ${String(code)}: ${stderr}`));
      else resolve(Outcome.parse(JSON.parse(stdout.split('\n')[1] ?? '')));
    }),
  );
  return { ready, done };
}

async function round(processes: number, increments: number) {
  const root = await tempDir();
  const go = path.join(root, 'go');
  const children = Array.from({ length: processes }, () => counter(root, increments, go));
  await Promise.all(children.map((c) => c.ready));
  await fs.writeFile(go, '');
  const outcomes = await Promise.all(children.map((c) => c.done));
  const final = await new FsLedgerStore(root).read();
  return {
    root,
    outcomes,
    final: z.object({ count: z.number() }).parse(JSON.parse(text(final.bytes) ?? '')),
  };
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function writeLock(root: string, lock: Record<string, unknown> | string): Promise<void> {
  await fs.mkdir(path.dirname(lockFile(root)), { recursive: true });
  await fs.writeFile(lockFile(root), typeof lock === 'string' ? lock : JSON.stringify(lock));
}

const inFuture = (ms: number): string => new Date(Date.now() + ms).toISOString();

describe('FsLedgerStore compare-and-swap across processes', () => {
  it.each([1, 2, 3])(
    'loses no update when 4 processes increment a counter at once (round %i)',
    async () => {
      const { root, outcomes, final } = await round(4, 40);
      const successes = outcomes.reduce((sum, o) => sum + o.successes, 0);
      expect(successes).toBe(160);
      expect(final.count).toBe(successes);
      expect(await fs.readdir(path.dirname(ledgerFile(root)))).toEqual(['alert-ledger.json']);
    },
    120_000,
  );
});

describe('FsLedgerStore.write', () => {
  it('creates the ledger when none exists and conflicts on a stale expected version', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root);
    expect(await ledger.read()).toEqual({ bytes: null, version: null });
    const first = await ledger.write('{"n":1}', null);
    expect(first.kind).toBe('ok');
    expect(await ledger.write('{"n":2}', null)).toEqual({ kind: 'conflict' });
    const current = await ledger.read();
    expect(text(current.bytes)).toBe('{"n":1}');
    expect(first.kind === 'ok' && first.version).toBe(current.version);
    expect(await ledger.write('{"n":2}', current.version)).toMatchObject({ kind: 'ok' });
    expect(text((await ledger.read()).bytes)).toBe('{"n":2}');
  });

  it('waits for a live lock and reports a conflict, leaving the ledger and the lock alone', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 200 });
    await ledger.write('{"n":1}', null);
    const { version } = await ledger.read();
    const live = { pid: process.pid, host: os.hostname(), expiresAt: inFuture(60_000) };
    await writeLock(root, live);
    expect(await ledger.write('{"n":2}', version)).toEqual({ kind: 'conflict' });
    expect(text((await ledger.read()).bytes)).toBe('{"n":1}');
    expect(JSON.parse(await fs.readFile(lockFile(root), 'utf8'))).toEqual(live);
  });

  it('treats a lock of another host as live until it expires', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 200 });
    await writeLock(root, { pid: deadPid(), host: 'another-host.invalid', expiresAt: inFuture(60_000) });
    expect(await ledger.write('{"n":1}', null)).toEqual({ kind: 'conflict' });
  });

  it('proceeds once a live lock is released while it waits', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 30_000 });
    await writeLock(root, { pid: process.pid, host: os.hostname(), expiresAt: inFuture(60_000) });
    const release = new Promise<void>((resolve) =>
      setTimeout(() => void fs.unlink(lockFile(root)).then(resolve), 100),
    );
    expect(await ledger.write('{"n":1}', null)).toMatchObject({ kind: 'ok' });
    await release;
    expect(text((await ledger.read()).bytes)).toBe('{"n":1}');
  });

  it('breaks the lock of a process that is no longer running on this host', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 200 });
    await writeLock(root, { pid: deadPid(), host: os.hostname(), expiresAt: inFuture(60_000) });
    expect(await ledger.write('{"n":1}', null)).toMatchObject({ kind: 'ok' });
    expect(text((await ledger.read()).bytes)).toBe('{"n":1}');
    await expect(fs.stat(lockFile(root))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('breaks a lock past its expiry, even one of a live process or another host', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 200 });
    const past = new Date(Date.now() - 1000).toISOString();
    await writeLock(root, { pid: process.pid, host: 'another-host.invalid', expiresAt: past });
    expect(await ledger.write('{"n":1}', null)).toMatchObject({ kind: 'ok' });
  });

  it('treats an unreadable lock as live while it is recent, and breaks it once older than the expiry', async () => {
    const root = await tempDir();
    const ledger = new FsLedgerStore(root, LEDGER_KEY, { lockWaitMs: 200, lockExpiryMs: 30_000 });
    await writeLock(root, '');
    expect(await ledger.write('{"n":1}', null)).toEqual({ kind: 'conflict' });
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockFile(root), old, old);
    expect(await ledger.write('{"n":1}', null)).toMatchObject({ kind: 'ok' });
  });
});
