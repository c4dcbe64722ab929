/**
 * A batch of S3 events from the evidence queue (docs/events.md): every record is parsed on its own; a malformed one
 * is a batch item failure (SQS redelivers it, then moves it to the dead-letter queue), never the batch's failure.
 * The well-formed ones start ONE full evaluation at the current time. If that evaluation fails (the store is
 * unreachable, a report, the ledger or an alert could not be written), the error is thrown: Lambda then returns
 * every message of the batch to the queue, and the retry evaluates again.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { SQSBatchResponse } from 'aws-lambda';
import type { EvidenceChange, EvidenceScope, RunTrigger } from '../core/evidence-events';
import { changeTrigger, earliestChange, parseBatch } from '../core/evidence-events';
import type { RunResult } from '../monitor';

/** Runs the monitor once for the trigger, at `now`; `eventsAt` is the earliest event (for the lag metric). */
export type TriggeredRun = (trigger: RunTrigger, now: Date, eventsAt: number) => Promise<RunResult>;

/** The part of Powertools Logger a batch uses. */
export type BatchLogger = Pick<Logger, 'info' | 'error'>;

export interface BatchDeps {
  readonly scope: EvidenceScope;
  readonly clock: () => Date;
  readonly logger: BatchLogger;
  readonly run: TriggeredRun;
}

const itemFailures = (messageIds: readonly string[]): SQSBatchResponse => ({
  batchItemFailures: messageIds.map((itemIdentifier) => ({ itemIdentifier })),
});

function logReceived(logger: BatchLogger, records: number, parsed: ReturnType<typeof parseBatch>): void {
  logger.info('evidence events received', {
    records,
    changes: parsed.changes.length,
    failures: parsed.failures,
    ignored: parsed.ignored,
  });
}

/** Handles one SQS batch; returns the messages to retry. Throws when the evaluation itself fails. */
export async function handleBatch(event: unknown, deps: BatchDeps): Promise<SQSBatchResponse> {
  let parsed;
  try {
    parsed = parseBatch(event, deps.scope);
  } catch (error) {
    deps.logger.error('evidence batch refused', error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
  logReceived(deps.logger, parsed.changes.length + parsed.failures.length + parsed.ignored.length, parsed);
  const failed = parsed.failures.map((f) => f.messageId);
  const changes: readonly EvidenceChange[] = parsed.changes;
  const eventsAt = earliestChange(changes);
  if (eventsAt === null) return itemFailures(failed);
  await deps.run(changeTrigger(changes), deps.clock(), eventsAt);
  return itemFailures(failed);
}
