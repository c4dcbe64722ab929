/**
 * Writes of the directory adapters never hang: reports, the alert ledger and JSON-lines alerts on procfs, on a
 * FIFO, or on an operation that never settles end in a one-line error (or failed alerts) instead.
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlAlertSink } from '../../lambdas/adapters/console-alerts';
import { FsLedgerStore, FsReportSink } from '../../lambdas/adapters/fs-store';
import type { Alert } from '../../lambdas/core/schemas';
import { ReportWriteError } from '../../lambdas/ports';

const created: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'usr-fs-write-'));
  created.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(created.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

function alert(rowId: string): Alert {
  return {
    id: `2026-11-25/overdue/${rowId}`,
    alertType: 'overdue',
    attributes: { alertType: 'overdue', rowId },
    subject: `[usr-readiness] OVERDUE ${rowId}`,
    body: { rowId },
  };
}

const oneLine = (error: unknown): string => {
  expect(error).toBeInstanceOf(ReportWriteError);
  const message = (error as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return message;
};

describe('FsReportSink.put', () => {
  it('writes a report, creating its folders', async () => {
    const out = await tempDir();
    await new FsReportSink(out).put('reports/2026-11-25/v.json', '{"a":1}\n');
    expect(await fs.readFile(path.join(out, 'reports', '2026-11-25', 'v.json'), 'utf8')).toBe('{"a":1}\n');
    expect(await fs.readdir(path.join(out, 'reports', '2026-11-25'))).toEqual(['v.json']);
  });

  it('fails with one line, and does not hang, under /proc', async () => {
    const put = new FsReportSink('/proc/x').put('reports/2026-11-25/v.json', '{}');
    const message = oneLine(await put.catch((error: unknown) => error));
    expect(message).toContain('/proc/x');
  });

  it('fails with one line when a folder on the way is a file', async () => {
    const out = await tempDir();
    await fs.writeFile(path.join(out, 'reports'), 'not a folder');
    const error = await new FsReportSink(out).put('reports/2026-11-25/v.json', '{}').catch((e: unknown) => e);
    expect(oneLine(error)).toContain(path.join(out, 'reports'));
  });

  it('refuses to write through a folder that links outside the output root', async () => {
    const elsewhere = await tempDir();
    const out = await tempDir();
    await fs.symlink(elsewhere, path.join(out, 'reports'));
    const error = await new FsReportSink(out).put('reports/2026-11-25/v.json', '{}').catch((e: unknown) => e);
    expect(oneLine(error)).toContain('leads outside');
    expect(await fs.readdir(elsewhere)).toEqual([]);
  });

  it('writes through a folder that links inside the output root', async () => {
    const out = await tempDir();
    await fs.mkdir(path.join(out, 'real-reports'));
    await fs.symlink('real-reports', path.join(out, 'reports'));
    await new FsReportSink(out).put('reports/latest/v.json', '{}');
    expect(await fs.readFile(path.join(out, 'real-reports', 'latest', 'v.json'), 'utf8')).toBe('{}');
  });
});

describe('FsLedgerStore (files that are not ledgers)', () => {
  it('refuses a ledger that links outside the output root, without reading it', async () => {
    const out = await tempDir();
    await fs.mkdir(path.join(out, 'state'));
    await fs.symlink('/etc/passwd', path.join(out, 'state', 'alert-ledger.json'));
    const error = await new FsLedgerStore(out).read().catch((e: unknown) => e);
    expect(oneLine(error)).toContain('outside the output root');
    expect((error as Error).message).not.toContain('root:');
  });

  it('throws one line, without blocking, when the ledger is a FIFO', async () => {
    const out = await tempDir();
    await fs.mkdir(path.join(out, 'state'));
    execFileSync('mkfifo', [path.join(out, 'state', 'alert-ledger.json')]);
    const error = await new FsLedgerStore(out).read().catch((e: unknown) => e);
    expect(oneLine(error)).toContain('a FIFO (named pipe), not a file');
  });

  it('throws one line, without hanging, when the ledger would go under /proc', async () => {
    const error = await new FsLedgerStore('/proc/x').write('{}', null).catch((e: unknown) => e);
    expect(oneLine(error)).toContain('/proc/x');
  });
});

describe('JsonlAlertSink.publish', () => {
  it('appends one JSON line per alert', async () => {
    const file = path.join(await tempDir(), 'alerts', 'a.jsonl');
    const sink = new JsonlAlertSink(file);
    expect(await sink.publish([alert('a'), alert('b')])).toEqual({
      delivered: [alert('a').id, alert('b').id],
      failed: [],
    });
    await sink.publish([alert('c')]);
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Alert).id)).toEqual(['a', 'b', 'c'].map((r) => alert(r).id));
  });

  it('reports every alert as failed, without hanging, under /proc', async () => {
    const result = await new JsonlAlertSink('/proc/x/a.jsonl').publish([alert('a'), alert('b')]);
    expect(result.delivered).toEqual([]);
    expect(result.failed.map((f) => f.id)).toEqual([alert('a').id, alert('b').id]);
  });

  it('reports every alert as failed, without blocking, on a FIFO nobody reads', async () => {
    const fifo = path.join(await tempDir(), 'alerts.jsonl');
    execFileSync('mkfifo', [fifo]);
    const result = await new JsonlAlertSink(fifo).publish([alert('a')]);
    expect(result).toEqual({ delivered: [], failed: [{ id: alert('a').id, error: expect.any(String) }] });
  });

  it('reports every alert as failed when the append does not settle before its deadline', async () => {
    const never = (): Promise<void> => new Promise<void>(() => undefined);
    const sink = new JsonlAlertSink(path.join(await tempDir(), 'a.jsonl'), { deadlineMs: 50, append: never });
    const result = await sink.publish([alert('a'), alert('b')]);
    expect(result.delivered).toEqual([]);
    expect(result.failed).toEqual([
      { id: alert('a').id, error: expect.stringContaining('did not finish within 50 ms') },
      { id: alert('b').id, error: expect.stringContaining('did not finish within 50 ms') },
    ]);
  });
});

describe('FsReportSink list', () => {
  it('lists files at any depth under a prefix, sorted by key, and nothing for a missing folder', async () => {
    const root = await tempDir();
    const sink = new FsReportSink(root);
    await sink.put('reports/2026-11-25/b.json', 'b', 'application/json');
    await sink.put('reports/2026-11-24/a.json', 'aa', 'application/json');
    await sink.put('history/date=2026-11-24/rows.jsonl', '{}', 'application/x-ndjson');

    expect((await sink.list('reports/')).map((o) => [o.key, o.size])).toEqual([
      ['reports/2026-11-24/a.json', 2],
      ['reports/2026-11-25/b.json', 1],
    ]);
    expect((await sink.list('reports/2026-11-25/')).map((o) => o.key)).toEqual(['reports/2026-11-25/b.json']);
    expect((await sink.list('history/date=')).map((o) => o.key)).toEqual([
      'history/date=2026-11-24/rows.jsonl',
    ]);
    expect(await sink.list('nothing/')).toEqual([]);
    expect(await new FsReportSink(path.join(root, 'absent')).list('reports/')).toEqual([]);
  });

  it('lists a link as an entry without following it', async () => {
    const root = await tempDir();
    await fs.mkdir(path.join(root, 'reports', '2026-11-25'), { recursive: true });
    await fs.symlink('/etc', path.join(root, 'reports', '2026-11-25', 'etc'));
    expect((await new FsReportSink(root).list('reports/')).map((o) => o.key)).toEqual([
      'reports/2026-11-25/etc',
    ]);
  });
});
