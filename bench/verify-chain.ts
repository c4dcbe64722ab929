/**
 * The `verify-chain` case (`npm run bench -- --only verify-chain`): `verifyReports` over a year of reports,
 * `VERIFY_DAYS` days × `FILES_PER_DAY` files (five reports of realistic sizes — the three JSON reports, the HTML
 * page and the CSV — plus the day's manifest), chained as the monitor writes them, and `reports/latest/`. Once on
 * a directory and once on S3 (fauxqs on loopback, served by this process). The store is generated directly
 * (digests and links computed here), not through 365 runs.
 *
 * Prints one JSON line per store: `{"case":"verify-chain","store":"fs","days":365,"files":2196,"ms":…,
 * "requests":…,"bytes":…}` — `files` as `verify` counts them (every manifest and every file it lists, latest/
 * included), `requests` the listing pages and reads (each object once), `ms` the verification alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { FsReportSink } from '../lambdas/adapters/fs-store';
import { S3ReportSink } from '../lambdas/adapters/s3-store';
import { sha256 } from '../lambdas/run-helpers';
import { MANIFEST_FILE, buildManifest, serializeManifest } from '../lambdas/core/manifest';
import type { ManifestLink } from '../lambdas/core/schemas';
import { verifyReports } from '../lambdas/verify';
import { CountingReportSink, RequestCounter, countS3Requests } from './counting';
import type { Emulator } from './emulator';
import { emulatorS3Client } from './emulator';
import type { StoreObject } from './synthetic';

export const VERIFY_DAYS = 365;
/** Five reports and the manifest. */
export const FILES_PER_DAY = 6;
const CONCURRENCY = 16;
const FIRST_DAY = Date.parse('2026-01-01T06:00:00Z');
const DAY_MS = 86_400_000;
/** Sizes of the five reports of a day (bytes), about those of a 100-row policy. */
const REPORTS = [
  ['usr-operational-readiness-validation.json', 16_000],
  ['usr-incident-response-drill-report.json', 24_000],
  ['usr-rollback-drill-report.json', 24_000],
  ['usr-readiness-report.html', 48_000],
  ['usr-readiness-rows.csv', 4_000],
] as const;

export interface VerifyChainLine {
  readonly case: 'verify-chain';
  readonly store: 'fs' | 's3';
  readonly days: number;
  readonly files: number;
  readonly ms: number;
  readonly requests: number;
  readonly bytes: number;
  readonly problems: number;
}

/** A body of `size` bytes that differs per day and file. */
function body(day: number, file: string, size: number): string {
  const head = `{"day":${day},"file":"${file}","pad":"`;
  return `${head}${'x'.repeat(Math.max(0, size - head.length - 3))}"}\n`;
}

/** Every object of the year, day folders in order, then latest/ (a copy of the last day). */
function* yearOfReports(): Generator<StoreObject> {
  let previous: ManifestLink | null = null;
  let last: StoreObject[] = [];
  for (let day = 0; day < VERIFY_DAYS; day++) {
    const now = FIRST_DAY + day * DAY_MS;
    const date = new Date(now).toISOString().slice(0, 10);
    const files = REPORTS.map(([file, size]) => ({ file, body: body(day, file, size) }));
    const sealed = files.map((f) => ({
      file: f.file,
      sha256: sha256(Buffer.from(f.body)),
      bytes: Buffer.byteLength(f.body),
      versionId: null,
    }));
    const manifest = serializeManifest(buildManifest(now, sealed, previous));
    previous = { date, sha256: sha256(Buffer.from(manifest)) };
    last = [...files, { file: MANIFEST_FILE, body: manifest }].map((f) => ({ key: f.file, body: f.body }));
    for (const f of last) yield { key: `reports/${date}/${f.key}`, body: f.body };
  }
  for (const f of last) yield { key: `reports/latest/${f.key}`, body: f.body };
}

async function measure(
  store: 'fs' | 's3',
  sink: ConstructorParameters<typeof CountingReportSink>[0],
  counter: RequestCounter,
  bytes: number,
): Promise<VerifyChainLine> {
  const started = performance.now();
  const outcome = await verifyReports(sink, { concurrency: CONCURRENCY });
  const ms = Math.round(performance.now() - started);
  const requests = counter.totals.List + counter.totals.Get + counter.totals.Head + counter.totals.Put;
  return {
    case: 'verify-chain',
    store,
    days: outcome.days,
    files: outcome.files,
    ms,
    requests,
    bytes,
    problems: outcome.problems.length,
  };
}

async function onDirectory(): Promise<VerifyChainLine> {
  const root = mkdtempSync(path.join(tmpdir(), 'usr-bench-chain-'));
  try {
    let bytes = 0;
    for (const object of yearOfReports()) {
      const file = path.join(root, ...object.key.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, object.body);
      bytes += Buffer.byteLength(object.body);
    }
    const counter = new RequestCounter();
    return await measure('fs', new CountingReportSink(new FsReportSink(root), counter), counter, bytes);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function onS3(emulator: Emulator): Promise<VerifyChainLine> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const bucket = 'bench-verify-chain';
  emulator.createBucket(bucket);
  const client = emulatorS3Client(emulator.endpoint);
  try {
    const objects = [...yearOfReports()];
    await emulator.seed(bucket, objects);
    const counter = new RequestCounter();
    countS3Requests(client, counter);
    const bytes = objects.reduce((sum, o) => sum + Buffer.byteLength(o.body), 0);
    return await measure('s3', new S3ReportSink({ client, bucket, prefix: '' }), counter, bytes);
  } finally {
    client.destroy();
    emulator.emptyBucket(bucket);
  }
}

/** Both stores, directory first. */
export async function runVerifyChain(emulator: Emulator): Promise<VerifyChainLine[]> {
  return [await onDirectory(), await onS3(emulator)];
}
