/**
 * Exactly-once alerting on S3 under overlapping runs, on the wire: fauxqs ignores conditional PutObject, so the
 * runs go through a loopback proxy that enforces `If-Match` / `If-None-Match` as S3 does
 * (test/fixtures/conditional-s3-proxy.ts). Real `usr-readiness check` processes, started together on one
 * `s3://…` store and output, each with its own JSON-lines alert file: every alert is published exactly once.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3LedgerStore } from '../../lambdas/adapters/s3-store';
import { LedgerSchema } from '../../lambdas/core/schemas';
import type { ConditionalProxy } from '../fixtures/conditional-s3-proxy';
import { startConditionalProxy } from '../fixtures/conditional-s3-proxy';
import { row } from '../fixtures/store-builder';
import {
  CREDENTIALS,
  REGION,
  createBucket,
  endpoint,
  getJson,
  runCli,
  s3Client,
  uniqueName,
} from './support';

const ROWS = 500;

let proxy: ConditionalProxy;
let s3: S3Client;
let viaProxy: S3Client;
const bucket = uniqueName('cas');
const base = mkdtempSync(path.join(tmpdir(), 'usr-s3-concurrent-'));

beforeAll(async () => {
  proxy = await startConditionalProxy(endpoint());
  s3 = s3Client();
  viaProxy = new S3Client({
    region: REGION,
    endpoint: proxy.endpoint,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await createBucket(s3, bucket);
  const rows = Array.from({ length: ROWS }, (_, i) => row({ id: `row-${String(i).padStart(4, '0')}` }));
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'store/policy/usr-operational-readiness-policy.json',
      Body: JSON.stringify({
        schemaVersion: 'usr-operational-readiness-policy/v1',
        rows: [...rows, row({ id: 'cut', phase: 'cutover' })],
      }),
    }),
  );
});

afterAll(async () => {
  await proxy.close();
  s3.destroy();
  viaProxy.destroy();
  rmSync(base, { recursive: true, force: true });
});

describe('the conditional-write proxy', () => {
  it('answers like S3: 412 for a taken If-None-Match or a stale If-Match, 404 for If-Match on nothing', async () => {
    const put = (key: string, extra: Record<string, string>) =>
      viaProxy.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', ...extra }));
    const created = await put('p/a', { IfNoneMatch: '*' });
    await expect(put('p/a', { IfNoneMatch: '*' })).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    await expect(put('p/a', { IfMatch: '"stale"' })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 412 },
    });
    await expect(put('p/a', { IfMatch: created.ETag ?? '' })).resolves.toBeDefined();
    await expect(put('p/none', { IfMatch: '"x"' })).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
  });
});

describe('S3LedgerStore through the proxy', () => {
  it('lets exactly one of two writers at the same version win; the other gets a conflict', async () => {
    const key = 'cas/state/alert-ledger.json';
    const a = new S3LedgerStore({ client: viaProxy, bucket, key });
    const b = new S3LedgerStore({ client: viaProxy, bucket, key });
    const created = await Promise.all([a.write('{"a":1}', null), b.write('{"b":1}', null)]);
    expect(created.map((w) => w.kind).sort()).toEqual(['conflict', 'ok']);
    const { version } = await a.read();
    const replaced = await Promise.all([a.write('{"a":2}', version), b.write('{"b":2}', version)]);
    expect(replaced.map((w) => w.kind).sort()).toEqual(['conflict', 'ok']);
  });
});

const spawnCli = runCli;

function runCheck(
  now: string,
  alerts: string,
  via: ConditionalProxy,
  out: string,
): Promise<{ code: number | null; stderr: string }> {
  const args = [
    'check',
    '--store',
    `s3://${bucket}/store`,
    '--out',
    `s3://${bucket}/${out}`,
    '--now',
    now,
    '--alerts',
    `jsonl:${alerts}`,
    '--endpoint-url',
    via.endpoint,
    '--region',
    REGION,
    '--quiet',
    '--exit-zero',
    '--format',
    'json',
  ];
  return spawnCli(args);
}

async function round(
  now: string,
  processes: number,
  tag: string,
  via: ConditionalProxy = proxy,
  out = 'out',
): Promise<string[]> {
  const dir = path.join(base, tag);
  mkdirSync(dir, { recursive: true });
  const results = await Promise.all(
    Array.from({ length: processes }, (_, i) => runCheck(now, path.join(dir, `p${i}.jsonl`), via, out)),
  );
  for (const r of results) expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  return readdirSync(dir).flatMap((name) =>
    readFileSync(path.join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id),
  );
}

describe('concurrent checks on one s3:// output', () => {
  it('publishes every alert exactly once with 4 processes, on the first day and the next', async () => {
    const refusedBefore = proxy.stats.refused;
    // Every run's first ledger write (its claim) waits until all four have planned from the same ledger.
    proxy.barrier(4);
    const first = await round('2026-11-25T06:00:00Z', 4, 'day1');
    // They did race: three of the four claims lost (412) and were re-planned against the winner's claim.
    expect(proxy.stats.refused - refusedBefore).toBeGreaterThanOrEqual(3);
    expect(first.filter((id, i) => first.indexOf(id) !== i)).toEqual([]);
    expect(first).toHaveLength(ROWS + 2);
    proxy.barrier(4);
    const next = await round('2026-11-26T06:00:00Z', 4, 'day2');
    expect(next.filter((id, i) => next.indexOf(id) !== i)).toEqual([]);
    expect(next).toHaveLength(ROWS + 2);
    const ledger = LedgerSchema.parse(await getJson(s3, bucket, 'out/state/alert-ledger.json'));
    expect(ledger.claims).toEqual([]);
    // One evaluation at a time (the run lease): the days' folders, manifests and latest/ agree.
    const verify = await spawnCli([
      'verify',
      '--store',
      `s3://${bucket}/store`,
      '--out',
      `s3://${bucket}/out`,
      '--endpoint-url',
      proxy.endpoint,
      '--region',
      REGION,
    ]);
    expect({ code: verify.code, stdout: verify.stdout }).toEqual({
      code: 0,
      stdout: '2 day(s) and 18 file(s) verified\n',
    });
  }, 180_000);
});

describe('the same race without conditional writes (the control)', () => {
  it('publishes alerts twice: what the compare-and-swap prevents is real', async () => {
    const unchecked = await startConditionalProxy(endpoint(), { enforce: false });
    try {
      // Nothing is enforced: both runs take the run lease, evaluate, and their ledger claims are made to meet.
      unchecked.barrier(2, { keySuffix: '/control-out/state/run-lease.json' });
      unchecked.barrier(2, { keySuffix: '/control-out/state/alert-ledger.json' });
      const ids = await round('2026-11-25T06:00:00Z', 2, 'control', unchecked, 'control-out');
      expect(ids.filter((id, i) => ids.indexOf(id) !== i).length).toBeGreaterThan(0);
    } finally {
      await unchecked.close();
    }
  }, 120_000);
});
