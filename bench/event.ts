/**
 * The `event` case (`npm run bench -- --only event`): one batch of S3 events through the daily-check handler
 * (docs/events.md) against a 1,000-row store in fauxqs on loopback, S3 requests counted by the middleware of
 * `counting.ts`. The store is the synthetic R=1000, H=10 one plus `EVENTS` uploads named in the batch: most are
 * recent drills the reading plan reads anyway; `MISNAMED` are passing drills stored under a key naming an old
 * instant, which the plan never reaches and the arrival check reads (one Get each).
 *
 * The emulator runs in this process; the handler runs in a fresh child (`case-event.ts`), like the S3 cases.
 * Prints `{"case":"event","rows":1000,"events":…,"wallMs":…,"requests":…, …}` — the triggered run's wall time
 * (handler entry to return) and requests, then a scheduled run's over the same store at the same instant.
 * Targets: the run under `EVENT_WALL_MS_LIMIT`; requests at most the scheduled run's plus one Get per new key.
 */
import { mkdirSync } from 'node:fs';
import type { EventCaseInput, EventCaseResult } from './case-event';
import { bundleRunners, runChild } from './child';
import type { RequestCounts } from './counting';
import type { Emulator } from './emulator';
import { EMULATOR_REGION, emulatorEnv, withEmulator } from './emulator';
import type { StoreObject } from './synthetic';
import { BENCH_NOW, drillObject, isoSeconds, policyRow, storeObjects } from './synthetic';

export const EVENT_ROWS = 1000;
export const EVENTS = 100;
export const MISNAMED = 10;
export const EVENT_WALL_MS_LIMIT = 5000;
const NOW_MS = Date.parse(BENCH_NOW);
const HOUR_MS = 3_600_000;

export interface EventLine {
  readonly case: 'event';
  readonly rows: number;
  readonly events: number;
  readonly wallMs: number;
  readonly requests: number;
  readonly cpuMs: number;
  readonly byOperation: RequestCounts;
  /** A scheduled run over the same store at the same instant. */
  readonly scheduledWallMs: number;
  readonly scheduledRequests: number;
  /** Uploads the reading plan does not reach: the arrival check reads each once. */
  readonly newKeys: number;
}

const total = (c: RequestCounts): number => c.List + c.Get + c.Head + c.Put;

/** Upload `n`: a passing drill of row `n × 10` completed an hour before BENCH_NOW; misnamed for the first few. */
function upload(n: number): StoreObject {
  const row = policyRow(n * (EVENT_ROWS / EVENTS));
  const completedMs = NOW_MS - HOUR_MS;
  const drillId = `upload-${n}-${row.id}`;
  const keyAt = n < MISNAMED ? Date.parse('2026-01-02T00:00:00Z') : completedMs;
  const facts = {
    drillId,
    outcome: 'pass' as const,
    completedAt: isoSeconds(completedMs),
    responseMinutes: 5,
    recoveryMinutes: 20,
  };
  return drillObject(row, keyAt, facts);
}

/** Seeds the store and the uploads, then runs the batch and a scheduled run in a fresh child process. */
export async function runEventCase(emulator: Emulator, workDir: string): Promise<EventLine> {
  const bucket = 'bench-event';
  emulator.createBucket(bucket);
  const uploads = Array.from({ length: EVENTS }, (_, n) => upload(n));
  try {
    await emulator.seed(bucket, storeObjects({ rows: EVENT_ROWS, history: 10 }));
    await emulator.seed(bucket, uploads);
    const runners = await bundleRunners({ 'case-event': 'bench/case-event.ts' }, workDir);
    const env: NodeJS.ProcessEnv = {
      ...emulatorEnv(workDir),
      // The handler module reads its configuration when it loads.
      EVIDENCE_BUCKET: bucket,
      AWS_REGION: EMULATOR_REGION,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const result = await runChild<EventCaseResult>(
      runners['case-event'],
      {
        endpoint: emulator.endpoint,
        region: EMULATOR_REGION,
        bucket,
        keys: uploads.map((u) => u.key),
        eventTime: BENCH_NOW,
        runAt: new Date(NOW_MS + 90_000).toISOString(),
      } satisfies EventCaseInput,
      env,
      { label: 'the event case' },
    );
    if (result.failures > 0) throw new Error(`the event batch reported ${result.failures} failures`);
    return {
      case: 'event',
      rows: EVENT_ROWS,
      events: EVENTS,
      wallMs: Math.round(result.wallMs),
      requests: total(result.requests),
      cpuMs: Math.round(result.cpuMs),
      byOperation: result.requests,
      scheduledWallMs: Math.round(result.scheduledWallMs),
      scheduledRequests: total(result.scheduledRequests),
      newKeys: MISNAMED,
    };
  } finally {
    emulator.emptyBucket(bucket);
  }
}

/** The case's targets, as `#` notes. */
export function eventTargets(line: EventLine): string[] {
  const budget = line.scheduledRequests + line.newKeys;
  return [
    `# event: run ${line.wallMs} ms (a scheduled run: ${line.scheduledWallMs} ms; target < ${EVENT_WALL_MS_LIMIT} ms): ${line.wallMs < EVENT_WALL_MS_LIMIT ? 'holds' : 'MISSES'}`,
    `# event: ${line.requests} requests ≤ ${line.scheduledRequests} of a scheduled run + ${line.newKeys} new keys = ${budget}: ${line.requests <= budget ? 'holds' : 'MISSES'}`,
  ];
}

/** The `event` part of `run.ts`: its own emulator, the case, its JSON line and its targets. */
export async function runEventPart(
  workDir: string,
  print: (line: string) => void,
  progress: (message: string) => void,
): Promise<void> {
  progress('event: seeding a 1,000-row store and running one batch of S3 events');
  mkdirSync(workDir, { recursive: true });
  const line = await withEmulator((emulator) => runEventCase(emulator, workDir));
  print(JSON.stringify(line));
  for (const note of eventTargets(line)) print(note);
}
