/**
 * Child entry of the `event` case (bundled by `event.ts`): the daily-check handler, built with the production S3
 * client against the emulator the parent serves on loopback: after one uncounted run, one SQS batch of S3 events
 * naming the uploads, then a scheduled run over the same store at the same instant. Figures go back over IPC.
 */
import { makeS3Client } from '../lambdas/adapters/aws-clients';
import { loadConfig } from '../lambdas/handlers/config';
import { createHandler } from '../lambdas/handlers/daily-check';
import { objectCreated, sqsBatch } from '../test/fixtures/s3-events';
import type { RequestCounts } from './counting';
import { RequestCounter, countS3Requests } from './counting';

export interface EventCaseInput {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  /** The keys the batch names (uploaded by the parent), and the time of their events. */
  readonly keys: readonly string[];
  readonly eventTime: string;
  /** The handler's clock. */
  readonly runAt: string;
}

export interface EventCaseResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly requests: RequestCounts;
  readonly failures: number;
  readonly scheduledWallMs: number;
  readonly scheduledRequests: RequestCounts;
}

const quiet = {
  info: (): void => undefined,
  error: (): void => undefined,
  addContext: (): void => undefined,
};
const noMetrics = { addMetric: (): void => undefined, publishStoredMetrics: (): void => undefined };

async function main(input: EventCaseInput): Promise<EventCaseResult> {
  const counter = new RequestCounter();
  const client = makeS3Client({ region: input.region, endpoint: input.endpoint });
  countS3Requests(client, counter);
  const handler = createHandler(loadConfig({ EVIDENCE_BUCKET: input.bucket, REPORTS_PREFIX: 'out/' }), {
    s3: client,
    clock: () => new Date(input.runAt),
    logger: quiet,
    metrics: noMetrics,
  });
  const batch = sqsBatch(
    input.keys.map((key) => objectCreated(input.bucket, key, { time: input.eventTime })),
  );
  // A run before both, not counted: the triggered and the scheduled run are measured alike, each after an earlier
  // run has written the day's outputs (as every run but the very first of a store does).
  await handler({ now: input.runAt });
  for (const op of Object.keys(counter.totals) as (keyof RequestCounts)[]) counter.totals[op] = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const response = await handler(batch);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const requests = { ...counter.totals };
  for (const op of Object.keys(counter.totals) as (keyof RequestCounts)[]) counter.totals[op] = 0;
  const scheduledStart = performance.now();
  await handler({ now: input.runAt });
  return {
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    requests,
    failures: response.batchItemFailures.length,
    scheduledWallMs: performance.now() - scheduledStart,
    scheduledRequests: { ...counter.totals },
  };
}

const raw = process.argv[2];
if (raw === undefined) throw new Error('usage: <case bundle> <case input as JSON>');
main(JSON.parse(raw) as EventCaseInput).then(
  (result) => {
    if (process.send) process.send(result, () => process.exit(0));
    else process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
