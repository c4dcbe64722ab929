/**
 * Exactly-once alerting under overlapping runs (docs/reliability.md): several real `usr-readiness check` processes on the
 * same 5,000-row store and the same `--out`, started together, each with its own JSON-lines alert file. Whatever
 * the interleaving, every alert is published by exactly one of them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LEDGER_KEY } from '../../lambdas/constants';
import { LedgerSchema } from '../../lambdas/core/schemas';
import { row } from '../fixtures/store-builder';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'usr-readiness.js');
const ROWS = 5000;

function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

function runCheck(
  store: string,
  out: string,
  now: string,
  alerts: string,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'check',
        '--store',
        store,
        '--out',
        out,
        '--now',
        now,
        '--alerts',
        `jsonl:${alerts}`,
        '--quiet',
        '--exit-zero',
        '--format',
        'json',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Runs `processes` checks at once; returns the ids each alert file received, all files together. */
async function round(
  store: string,
  out: string,
  now: string,
  processes: number,
  tag: string,
): Promise<string[]> {
  const dir = path.join(out, '..', `alerts-${tag}`);
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: processes }, (_, i) => path.join(dir, `p${i}.jsonl`));
  const results = await Promise.all(files.map((file) => runCheck(store, out, now, file)));
  for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return readdirSync(dir).flatMap((name) =>
    readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id),
  );
}

const duplicates = (ids: readonly string[]): string[] => ids.filter((id, i) => ids.indexOf(id) !== i);

describe('concurrent checks on one --out', () => {
  let base = '';
  let store = '';

  beforeAll(() => {
    base = mkdtempSync(path.join(tmpdir(), 'usr-concurrent-'));
    store = path.join(base, 'store');
    mkdirSync(path.join(store, 'policy'), { recursive: true });
    const rows = Array.from({ length: ROWS }, (_, i) =>
      row({ id: `row-${String(i).padStart(5, '0')}`, phase: i % 2 === 0 ? 'incident' : 'cutover' }),
    );
    writeFileSync(
      path.join(store, 'policy', 'usr-operational-readiness-policy.json'),
      JSON.stringify({ schemaVersion: 'usr-operational-readiness-policy/v1', rows }),
    );
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('publishes every alert exactly once with 4 processes, over three rounds', async () => {
    const out = path.join(base, 'out-4');
    mkdirSync(out, { recursive: true });

    const first = await round(store, out, '2026-11-25T06:00:00Z', 4, '4-a');
    expect(duplicates(first)).toEqual([]);
    expect(first).toHaveLength(ROWS + 1);

    const sameDay = await round(store, out, '2026-11-25T09:00:00Z', 4, '4-b');
    expect(sameDay).toEqual([]);

    const nextDay = await round(store, out, '2026-11-26T06:00:00Z', 4, '4-c');
    expect(duplicates(nextDay)).toEqual([]);
    expect(nextDay).toHaveLength(ROWS + 1);

    const ledger = LedgerSchema.parse(
      JSON.parse(readFileSync(path.join(out, ...LEDGER_KEY.split('/')), 'utf8')),
    );
    expect(ledger.claims).toEqual([]);
    expect(ledger.entries).toHaveLength(ROWS + 1);
    // The runs never interleaved their writes: every day's folder, its manifest and latest/ agree.
    expect(await runCli(['verify', '--store', store, '--out', out])).toEqual({
      code: 0,
      stdout: '2 day(s) and 18 file(s) verified\n',
    });
  }, 300_000);

  it('publishes every alert exactly once with 8 processes', async () => {
    const out = path.join(base, 'out-8');
    mkdirSync(out, { recursive: true });
    const ids = await round(store, out, '2026-11-25T06:00:00Z', 8, '8-a');
    expect(duplicates(ids)).toEqual([]);
    expect(ids).toHaveLength(ROWS + 1);
    expect(await runCli(['verify', '--store', store, '--out', out])).toEqual({
      code: 0,
      stdout: '1 day(s) and 12 file(s) verified\n',
    });
  }, 300_000);
});
