/**
 * The `ledger` cases (`npm run bench -- --only ledger`):
 *
 * - `ledger`: the alert ledger's size for a 16,000-row policy (about the largest the 5 MiB policy limit allows
 *   with realistic row ids) with an open problem on every row — settled, and while a run's claim is in flight.
 *   Pure: planned with the core, serialized as the stores write it.
 * - `concurrent-s3`: four `runMonitor` runs started together on one S3 store (fauxqs on loopback behind the
 *   conditional-write proxy that enforces If-Match / If-None-Match, as S3 does), each with its own alert sink;
 *   every run's claim is held until all four have planned, so they really race. Counts published alerts and
 *   duplicates (the target is none), and the ledger writes that lost the race.
 */
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../lambdas/adapters/s3-store';
import { DEFAULT_CLAIM_TTL_MS, MAX_LEDGER_BYTES } from '../lambdas/constants';
import { planAlerts } from '../lambdas/core/alert-plan';
import { DEFAULT_PARAMETERS } from '../lambdas/core/cadence';
import { evaluateRow } from '../lambdas/core/evaluate-row';
import { emptyLedger, serializeLedger, settleClaim } from '../lambdas/core/ledger';
import { alertingProblems } from '../lambdas/core/problems';
import type { PolicyRow } from '../lambdas/core/schemas';
import { PolicyRowSchema } from '../lambdas/core/schemas';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../lambdas/monitor';
import type { AlertSink, PublishResult } from '../lambdas/ports';
import { startConditionalProxy } from '../test/fixtures/conditional-s3-proxy';
import type { Emulator } from './emulator';
import { emulatorS3Client } from './emulator';
import { BENCH_NOW, policyDocumentOf, policyRow } from './synthetic';

export const LEDGER_ROWS = 16_000;
const CONCURRENT_ROWS = 1_000;
const CONCURRENT_RUNS = 4;

export interface LedgerLine {
  readonly case: 'ledger';
  readonly rows: number;
  readonly ledgerBytes: number;
  readonly bytesPerRow: number;
  readonly claimBytes: number;
  readonly maxLedgerBytes: number;
}

/** Ledger bytes with one open problem (never-drilled) on each of `rows` rows, settled and with the claim in flight. */
export function ledgerSize(rows = LEDGER_ROWS): LedgerLine {
  const now = Date.parse(BENCH_NOW);
  const policyRows: PolicyRow[] = Array.from({ length: rows }, (_, i) => PolicyRowSchema.parse(policyRow(i)));
  const evaluations = policyRows.map((row) => evaluateRow(row, [], [], null, now, DEFAULT_PARAMETERS));
  const { problems, canClose } = alertingProblems({ rows: evaluations, documentFindings: [] });
  const plan = planAlerts(emptyLedger(now), problems, {
    now,
    wallClock: now,
    claimTtlMs: DEFAULT_CLAIM_TTL_MS,
    by: 'bench',
    scheduled: true,
    canClose,
  });
  const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
  const ledgerBytes = bytes(serializeLedger(settleClaim(plan.claimed, 'bench', new Set())));
  return {
    case: 'ledger',
    rows,
    ledgerBytes,
    bytesPerRow: Math.round((ledgerBytes / rows) * 10) / 10,
    claimBytes: bytes(serializeLedger(plan.claimed)),
    maxLedgerBytes: MAX_LEDGER_BYTES,
  };
}

export interface ConcurrentLine {
  readonly case: 'concurrent-s3';
  readonly rows: number;
  readonly runs: number;
  readonly published: number;
  readonly expected: number;
  readonly duplicates: number;
  readonly claimsRefused: number;
  readonly wallMs: number;
}

class CountingSink implements AlertSink {
  readonly location = 'memory://bench';
  readonly ids: string[] = [];

  publish(alerts: readonly { id: string }[]): Promise<PublishResult> {
    for (const a of alerts) this.ids.push(a.id);
    return Promise.resolve({ delivered: alerts.map((a) => a.id), failed: [] });
  }
}

/** Four runs racing on one S3 ledger through the conditional-write proxy. */
export async function concurrentS3(emulator: Emulator): Promise<ConcurrentLine> {
  const bucket = 'bench-concurrent';
  emulator.createBucket(bucket);
  const indices = Array.from({ length: CONCURRENT_ROWS }, (_, i) => i);
  await emulator.seed(bucket, [{ key: DEFAULT_POLICY_KEY, body: policyDocumentOf(indices) }]);
  const proxy = await startConditionalProxy(emulator.endpoint);
  const sinks = Array.from({ length: CONCURRENT_RUNS }, () => new CountingSink());
  proxy.barrier(CONCURRENT_RUNS);
  const started = performance.now();
  try {
    await Promise.all(
      sinks.map((sink) => {
        const s3 = emulatorS3Client(proxy.endpoint);
        return runMonitor(
          {
            store: new S3EvidenceStore({ client: s3, bucket, prefix: '' }),
            reports: new S3ReportSink({ client: s3, bucket, prefix: '' }),
            alerts: {
              sink,
              ledger: new S3LedgerStore({ client: s3, bucket, key: 'state/alert-ledger.json' }),
            },
            now: new Date(BENCH_NOW),
            clock: () => new Date(),
          },
          {
            policyKey: DEFAULT_POLICY_KEY,
            scheduleKey: DEFAULT_SCHEDULE_KEY,
            parameters: DEFAULT_PARAMETERS,
            concurrency: 16,
          },
        );
      }),
    );
  } finally {
    await proxy.close();
  }
  const ids = sinks.flatMap((s) => s.ids);
  return {
    case: 'concurrent-s3',
    rows: CONCURRENT_ROWS,
    runs: CONCURRENT_RUNS,
    published: ids.length,
    expected: new Set(ids).size,
    duplicates: ids.length - new Set(ids).size,
    claimsRefused: proxy.stats.refused,
    wallMs: Math.round(performance.now() - started),
  };
}
