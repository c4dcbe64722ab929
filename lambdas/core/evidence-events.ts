/**
 * Event-driven evaluation (docs/events.md): the SQS batch Lambda receives from the evidence queue, each message an
 * S3 event as EventBridge delivers it, parsed field by field as AWS documents both shapes, and the trigger a batch
 * makes. A malformed record is the caller's batch item failure, never an exception. Pure.
 *
 * Sources of the shapes:
 * - the SQS record: AWS Lambda Developer Guide, "Using Lambda with Amazon SQS", example standard queue message
 *   event (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html);
 * - the S3 event: Amazon S3 User Guide, "EventBridge event message structure", its examples and the "Event
 *   message detail field" list (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 */
import * as z from 'zod';
import type { TriggerKind } from '../constants';
import { INPUT_FOLDERS, TRIGGER_MAX_KEYS } from '../constants';
import { decodeJson, formatPath } from './json-input';
import { compare } from './order';
import type { Trigger } from './schemas';

const isoDateTime = z.iso.datetime({ offset: true });

/** One record of the event Lambda sends for a standard SQS queue. */
export const SqsRecordSchema = z.object({
  messageId: z.string().min(1),
  receiptHandle: z.string().min(1),
  body: z.string(),
  attributes: z.looseObject({
    ApproximateReceiveCount: z.string(),
    SentTimestamp: z.string(),
    SenderId: z.string(),
    ApproximateFirstReceiveTimestamp: z.string(),
  }),
  messageAttributes: z.record(z.string(), z.unknown()),
  md5OfMessageAttributes: z.string().nullable().optional(),
  md5OfBody: z.string(),
  eventSource: z.literal('aws:sqs'),
  eventSourceARN: z.string().min(1),
  awsRegion: z.string().min(1),
});
export type SqsRecord = z.infer<typeof SqsRecordSchema>;

/** The EventBridge envelope of every S3 event. */
const envelope = {
  version: z.string(),
  id: z.string().min(1),
  source: z.literal('aws.s3'),
  account: z.string(),
  time: isoDateTime,
  region: z.string(),
  resources: z.array(z.string()),
};

/** The `detail` fields every Object Created / Object Deleted event carries. */
const detail = {
  version: z.string(),
  bucket: z.looseObject({ name: z.string().min(1) }),
  'request-id': z.string(),
  requester: z.string(),
  /** Absent when S3 itself acted (a lifecycle expiration). */
  'source-ip-address': z.string().optional(),
  /** PutObject, POST Object, CopyObject, CompleteMultipartUpload; DeleteObject or Lifecycle Expiration. */
  reason: z.string(),
};

const ObjectCreatedSchema = z.looseObject({
  ...envelope,
  'detail-type': z.literal('Object Created'),
  detail: z.looseObject({
    ...detail,
    object: z.looseObject({
      key: z.string().min(1),
      size: z.number().int().nonnegative(),
      etag: z.string(),
      'version-id': z.string().optional(),
      sequencer: z.string(),
    }),
  }),
});

const ObjectDeletedSchema = z.looseObject({
  ...envelope,
  'detail-type': z.literal('Object Deleted'),
  detail: z.looseObject({
    ...detail,
    object: z.looseObject({
      key: z.string().min(1),
      etag: z.string().optional(),
      'version-id': z.string().optional(),
      sequencer: z.string(),
    }),
    'deletion-type': z.enum(['Permanently Deleted', 'Delete Marker Created']),
  }),
});

/** An S3 `Object Created` or `Object Deleted` event as EventBridge delivers it (the body of one queue message). */
export const S3ObjectEventSchema = z.discriminatedUnion('detail-type', [
  ObjectCreatedSchema,
  ObjectDeletedSchema,
]);
export type S3ObjectEvent = z.infer<typeof S3ObjectEventSchema>;

/** One change of the evidence named by a well-formed event. */
export interface EvidenceChange {
  readonly messageId: string;
  readonly change: 'created' | 'deleted';
  /** Relative to the store (the evidence prefix removed), e.g. `drills/<rowId>/<file>`. */
  readonly key: string;
  /** The event's `time`, when S3 made the change. */
  readonly at: number;
}

export interface RecordProblem {
  readonly messageId: string;
  readonly reason: string;
}

export interface ParsedBatch {
  readonly changes: readonly EvidenceChange[];
  /** Malformed records: the caller reports them as batch item failures (they end in the dead-letter queue). */
  readonly failures: readonly RecordProblem[];
  /** Well-formed events that are not about the evidence (another bucket, a key outside the inputs): acknowledged. */
  readonly ignored: readonly RecordProblem[];
}

/** Where the evidence is: events about anything else start no evaluation. */
export interface EvidenceScope {
  readonly bucket: string;
  /** '' or ending with `/`. */
  readonly evidencePrefix: string;
}

/** Thrown for an invocation that is not an SQS batch whose records can be told apart: the whole batch is retried. */
export class InvalidBatchError extends Error {
  override readonly name = 'InvalidBatchError';
}

const BatchShapeSchema = z.object({
  Records: z.array(z.looseObject({ messageId: z.string().min(1) })).min(1),
});

const RecordsSchema = z.looseObject({ Records: z.array(z.unknown()) });

/** True for what Lambda sends from an SQS event source (an object with a `Records` array). */
export function isSqsBatch(event: unknown): boolean {
  return RecordsSchema.safeParse(event).success;
}

const describe = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`)
    .join('; ');

/** The key relative to the store, or null for a key outside the evidence prefix's input folders. */
export function storeKey(bucketKey: string, evidencePrefix: string): string | null {
  if (!bucketKey.startsWith(evidencePrefix)) return null;
  const key = bucketKey.slice(evidencePrefix.length);
  return INPUT_FOLDERS.some((folder) => key.startsWith(folder)) ? key : null;
}

type RecordOutcome =
  | { readonly kind: 'change'; readonly change: EvidenceChange }
  | { readonly kind: 'failure' | 'ignored'; readonly problem: RecordProblem };

function parseRecord(raw: unknown, messageId: string, scope: EvidenceScope): RecordOutcome {
  const fail = (reason: string): RecordOutcome => ({ kind: 'failure', problem: { messageId, reason } });
  const record = SqsRecordSchema.safeParse(raw);
  if (!record.success) return fail(`not an SQS record (${describe(record.error)})`);
  const decoded = decodeJson(new TextEncoder().encode(record.data.body));
  if (!decoded.ok) return fail(`body: ${decoded.reason}`);
  const event = S3ObjectEventSchema.safeParse(decoded.value);
  if (!event.success)
    return fail(`body is not an S3 Object Created/Deleted event (${describe(event.error)})`);
  const { detail } = event.data;
  const ignore = (reason: string): RecordOutcome => ({ kind: 'ignored', problem: { messageId, reason } });
  if (detail.bucket.name !== scope.bucket)
    return ignore(`bucket ${detail.bucket.name} is not the evidence bucket ${scope.bucket}`);
  const key = storeKey(detail.object.key, scope.evidencePrefix);
  if (key === null) return ignore(`${detail.object.key} is not evidence (policy/, schedule/, drills/)`);
  const change = event.data['detail-type'] === 'Object Created' ? 'created' : 'deleted';
  return { kind: 'change', change: { messageId, change, key, at: Date.parse(event.data.time) } };
}

/** Parses every record of an SQS batch. Throws `InvalidBatchError` only when a record has no `messageId`. */
export function parseBatch(event: unknown, scope: EvidenceScope): ParsedBatch {
  const shape = BatchShapeSchema.safeParse(event);
  if (!shape.success) throw new InvalidBatchError(`invalid SQS batch: ${describe(shape.error)}`);
  const changes: EvidenceChange[] = [];
  const failures: RecordProblem[] = [];
  const ignored: RecordProblem[] = [];
  for (const raw of shape.data.Records) {
    const outcome = parseRecord(raw, raw.messageId, scope);
    if (outcome.kind === 'change') changes.push(outcome.change);
    else (outcome.kind === 'failure' ? failures : ignored).push(outcome.problem);
  }
  return { changes, failures, ignored };
}

/** What started a run, with everything the run needs of it. */
export interface RunTrigger {
  readonly kind: TriggerKind;
  /** Events that started it (0 for a scheduled or manual run). */
  readonly count: number;
  /** Every key the events named, sorted, without repeats. */
  readonly keys: readonly string[];
  /** The keys of the created objects among them: checked on arrival. */
  readonly created: readonly string[];
}

/** A run of the schedule, or one started by a person or a tool: no events. */
export const runTrigger = (kind: Exclude<TriggerKind, 'evidence-change'>): RunTrigger => ({
  kind,
  count: 0,
  keys: [],
  created: [],
});

const uniqueSorted = (keys: Iterable<string>): string[] => [...new Set(keys)].sort(compare);

/** The trigger of a batch of evidence changes. */
export function changeTrigger(changes: readonly EvidenceChange[]): RunTrigger {
  return {
    kind: 'evidence-change',
    count: changes.length,
    keys: uniqueSorted(changes.map((c) => c.key)),
    created: uniqueSorted(changes.filter((c) => c.change === 'created').map((c) => c.key)),
  };
}

/** The trigger as the validation report records it: at most `TRIGGER_MAX_KEYS` keys. */
export function reportedTrigger(trigger: RunTrigger): Trigger {
  return { kind: trigger.kind, count: trigger.count, keys: trigger.keys.slice(0, TRIGGER_MAX_KEYS) };
}

/** The scheduled run and a manual one send reminders and the summary; a run started by evidence does not. */
export const sendsDailyAlerts = (trigger: RunTrigger): boolean => trigger.kind !== 'evidence-change';

/** The earliest change of a batch (the start of its evaluation lag), or null for none. */
export function earliestChange(changes: readonly EvidenceChange[]): number | null {
  return changes.length === 0 ? null : Math.min(...changes.map((c) => c.at));
}

/**
 * The key an event may name in URL-encoded form (`a+b%2Bc` for `a b+c`, as S3's own notifications encode keys),
 * or null when decoding changes nothing or is impossible. Tried only when the key as named is not found.
 */
export function decodedKey(key: string): string | null {
  try {
    const decoded = decodeURIComponent(key.replace(/\+/g, ' '));
    return decoded === key ? null : decoded;
  } catch {
    return null;
  }
}
