/**
 * The `deep-history` case (`npm run bench -- --only deep-history`): S3 requests of rows whose history is
 * `DEEP_HISTORY` daily drills deep, against fauxqs on loopback, counted by the middleware of `counting.ts` on
 * the client the production `S3EvidenceStore` uses. One `runMonitor` over one bucket holding:
 *
 * - 4 overdue rows: the synthetic generator's overdue profile (newest drill passed 35-60 days ago);
 * - 2 compliant rows (newest drill passed 1-6 days ago);
 * - 1 never-drilled row without any drill;
 * - 1 never-drilled row whose `DEEP_HISTORY` drills all failed, the newest a day ago;
 * - 1 row whose drills stopped two years ago, the newest of them a success.
 *
 * Prints one JSON line: `{"case":"deep-history","history":5000,"listsPerOverdueRow":…, …}`, Lists and Gets per
 * row of each kind (averaged over the rows of that kind).
 */
import { S3EvidenceStore, S3ReportSink } from '../lambdas/adapters/s3-store';
import { DEFAULT_PARAMETERS } from '../lambdas/core/cadence';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../lambdas/monitor';
import { RequestCounter, countS3Requests } from './counting';
import type { Emulator } from './emulator';
import { emulatorS3Client } from './emulator';
import type { StoreObject } from './synthetic';
import {
  BENCH_NOW,
  drillObject,
  isoSeconds,
  policyDocumentOf,
  policyRow,
  rowDrills,
  rowId,
  scheduleDocument,
} from './synthetic';

export const DEEP_HISTORY = 5000;
const NOW_MS = Date.parse(BENCH_NOW);
const DAY_MS = 86_400_000;

/** Row indices by kind; the synthetic profile of an index is `i mod 50` (8: overdue, 0 and 1: compliant). */
const KINDS = {
  overdue: [8, 58, 108, 158],
  compliant: [0, 1],
  neverDrilled: [2],
  neverDrilledWithHistory: [4],
  lastSuccess2y: [5],
} as const;

export interface DeepHistoryLine {
  readonly case: 'deep-history';
  readonly history: number;
  readonly listsPerOverdueRow: number;
  readonly listsPerCompliantRow: number;
  readonly listsPerNeverDrilledRow: number;
  /** A never-drilled row with `history` failed drills: every one of them is read (Gets = history). */
  readonly listsPerNeverDrilledRowWithHistory: number;
  readonly listsPerRowLastSuccess2y: number;
  readonly getsPerOverdueRow: number;
  readonly getsPerRowLastSuccess2y: number;
}

/** `count` daily drills of row `index`, the newest `newestAgoDays` before BENCH_NOW, all with `outcome`. */
function* dailyDrills(
  index: number,
  count: number,
  newestAgoDays: number,
  outcome: 'pass' | 'fail',
): Generator<StoreObject> {
  const row = policyRow(index);
  for (let age = 0; age < count; age++) {
    const completedMs = NOW_MS - (newestAgoDays + age) * DAY_MS;
    const completedAt = isoSeconds(completedMs);
    const drillId = `${completedAt.slice(0, 10)}-${row.id}`;
    const facts = { drillId, outcome, completedAt, responseMinutes: 5, recoveryMinutes: 20 };
    yield drillObject(row, completedMs, facts);
  }
}

function* deepStore(): Generator<StoreObject> {
  yield { key: DEFAULT_POLICY_KEY, body: policyDocumentOf(Object.values(KINDS).flat()) };
  yield { key: DEFAULT_SCHEDULE_KEY, body: scheduleDocument() };
  for (const i of [...KINDS.overdue, ...KINDS.compliant]) yield* rowDrills(i, 0, DEEP_HISTORY);
  for (const i of KINDS.neverDrilledWithHistory) yield* dailyDrills(i, DEEP_HISTORY, 1, 'fail');
  for (const i of KINDS.lastSuccess2y) yield* dailyDrills(i, DEEP_HISTORY, 730, 'pass');
}

/** Seeds one bucket, runs the monitor once over it and returns the per-row figures. */
export async function runDeepHistory(emulator: Emulator): Promise<DeepHistoryLine> {
  // The SDK's Node 20 end-of-support notice is noise in a benchmark's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const bucket = `bench-deep-history-${DEEP_HISTORY}`;
  emulator.createBucket(bucket);
  const client = emulatorS3Client(emulator.endpoint);
  try {
    await emulator.seed(bucket, deepStore());
    const counter = new RequestCounter();
    countS3Requests(client, counter);
    await runMonitor(
      {
        store: new S3EvidenceStore({ client, bucket, prefix: '' }),
        reports: new S3ReportSink({ client, bucket, prefix: 'out/' }),
        alerts: null,
        now: new Date(BENCH_NOW),
        clock: () => new Date(BENCH_NOW),
      },
      {
        policyKey: DEFAULT_POLICY_KEY,
        scheduleKey: DEFAULT_SCHEDULE_KEY,
        parameters: DEFAULT_PARAMETERS,
        concurrency: 16,
      },
    );
    const per = (indices: readonly number[], operation: 'List' | 'Get'): number =>
      indices.reduce((sum, i) => sum + (counter.perRow.get(rowId(i))?.[operation] ?? 0), 0) / indices.length;
    return {
      case: 'deep-history',
      history: DEEP_HISTORY,
      listsPerOverdueRow: per(KINDS.overdue, 'List'),
      listsPerCompliantRow: per(KINDS.compliant, 'List'),
      listsPerNeverDrilledRow: per(KINDS.neverDrilled, 'List'),
      listsPerNeverDrilledRowWithHistory: per(KINDS.neverDrilledWithHistory, 'List'),
      listsPerRowLastSuccess2y: per(KINDS.lastSuccess2y, 'List'),
      getsPerOverdueRow: per(KINDS.overdue, 'Get'),
      getsPerRowLastSuccess2y: per(KINDS.lastSuccess2y, 'Get'),
    };
  } finally {
    client.destroy();
    emulator.emptyBucket(bucket);
  }
}
