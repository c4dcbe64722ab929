/**
 * Alerts to an SNS topic with PublishBatch (docs/formats.md, "Alert messages"). Each alert is one message: JSON for machine
 * subscribers (`default`), readable text for email subscribers (`email`), and message attributes that an
 * owner's subscription filter policy can match (`alertType`, `rowId`, `roles`, …). Entries that SNS fails
 * for a reason on its side, and whole calls that are throttled, are retried with exponential backoff;
 * whatever still fails is reported in `failed`, never thrown.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { MessageAttributeValue, PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { PublishBatchCommand } from '@aws-sdk/client-sns';
import { SNS_MAX_SUBJECT } from '../constants';
import type { Alert } from '../core/schemas';
import type { AlertSink, PublishOptions, PublishResult } from '../ports';
import { describeAwsError, isTransient } from './aws-clients';

/** SNS limits: 10 entries per PublishBatch, 256 KiB per message and per batch (message plus attributes). */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_SUBJECT = SNS_MAX_SUBJECT;
const BASE_DELAY_MS = 200;
const MAX_DELAY_MS = 5_000;

/** The last line of every email. */
export const EMAIL_FOOTER =
  'usr-readiness-monitor. To receive only your rows, filter your subscription on the message attributes (alertType, rowId, roles, ...).';

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * An SNS subject: printable ASCII only (no newlines or control characters), at most 99 characters, not empty.
 * Accents are dropped (`é` → `e`), `…` becomes `...`, anything else that is not ASCII becomes `?`.
 */
export function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\u2026/g, '...')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const subject = ascii.length <= MAX_SUBJECT ? ascii : `${ascii.slice(0, MAX_SUBJECT - 3).trimEnd()}...`;
  return subject === '' ? 'usr-readiness alert' : subject;
}

/** `alert.attributes` as SNS message attributes: strings as `String`, arrays as `String.Array`; empty values are left out. */
export function messageAttributes(attributes: Alert['attributes']): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'string') {
      if (value !== '') out[name] = { DataType: 'String', StringValue: value };
    } else {
      const items = value.filter((item) => item !== '');
      if (items.length > 0) out[name] = { DataType: 'String.Array', StringValue: JSON.stringify(items) };
    }
  }
  return out;
}

const attributesSize = (attributes: Record<string, MessageAttributeValue>): number =>
  Object.entries(attributes).reduce(
    (sum, [name, value]) => sum + utf8(name) + utf8(value.DataType ?? '') + utf8(value.StringValue ?? ''),
    0,
  );

// ---------------------------------------------------------------- email text

/** `daysOverdue` → `Days overdue`, `rowId` → `Row ID`. */
function label(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((w) => w !== '')
    .map((w) => (w.toLowerCase() === 'id' ? 'ID' : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function inline(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value === '' ? '-' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(inline).join(', ');
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(
        ([k, v]) =>
          `${k}: ${Array.isArray(v) || (typeof v === 'object' && v !== null) ? JSON.stringify(v) : inline(v)}`,
      )
      .join(', ');
  return typeof value === 'bigint' ? value.toString() : '-';
}

/**
 * The alert body as plain text for email subscribers: the subject, a blank line, one `Label: value` line per
 * fact (lists of records one per line), and a footer naming the sender.
 */
export function emailText(body: Alert['body']): string {
  const subject = typeof body.subject === 'string' ? body.subject : '';
  const entries = Object.entries(body).filter(([key]) => key !== 'subject');
  const width = Math.max(0, ...entries.map(([key]) => label(key).length + 1));
  const lines: string[] = subject ? [subject, ''] : [];
  for (const [key, value] of entries) {
    const name = `${label(key)}:`;
    if (Array.isArray(value) && value.some((item) => typeof item === 'object' && item !== null)) {
      lines.push(name);
      for (const item of value) lines.push(`  - ${inline(item)}`);
    } else {
      lines.push(`${name.padEnd(width)} ${inline(value)}`);
    }
  }
  lines.push('', `-- ${EMAIL_FOOTER}`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- one entry

const render = (body: Alert['body']): string =>
  JSON.stringify({ default: JSON.stringify(body), email: emailText(body) });

/**
 * Makes the message fit `budget` bytes: the largest arrays of the body are replaced, one at a time, by a note
 * pointing at `body.reportKey`; as a last resort only the subject, type and report key are kept.
 */
function fitMessage(body: Alert['body'], budget: number): string {
  let message = render(body);
  if (utf8(message) <= budget) return message;
  const reportKey = typeof body.reportKey === 'string' ? body.reportKey : "the run's reports";
  const arrays = Object.entries(body)
    .filter((entry): entry is [string, unknown[]] => Array.isArray(entry[1]))
    .sort((a, b) => utf8(JSON.stringify(b[1])) - utf8(JSON.stringify(a[1])));
  let shrunk: Alert['body'] = { ...body };
  const omitted: string[] = [];
  for (const [key, items] of arrays) {
    shrunk = {
      ...shrunk,
      [key]: `${items.length} item(s) omitted to fit the SNS size limit; see ${reportKey}`,
    };
    omitted.push(key);
    message = render({ ...shrunk, omitted });
    if (utf8(message) <= budget) return message;
  }
  return render({
    subject: body.subject,
    alertType: body.alertType,
    rowId: body.rowId,
    reportKey: body.reportKey,
    note: `the alert body is too large for SNS; see ${reportKey}`,
  });
}

interface Prepared {
  readonly id: string;
  readonly entry: Omit<PublishBatchRequestEntry, 'Id'>;
  readonly size: number;
}

/** One PublishBatch entry (without its batch-local `Id`) and its size as SNS counts it. */
export function prepareEntry(alert: Alert): Prepared {
  const attributes = messageAttributes(alert.attributes);
  const subject = snsSubject(alert.subject);
  const fixed = attributesSize(attributes) + utf8(subject);
  const message = fitMessage(alert.body, MAX_PAYLOAD_BYTES - fixed);
  return {
    id: alert.id,
    entry: {
      Subject: subject,
      MessageStructure: 'json',
      Message: message,
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
    },
    size: fixed + utf8(message),
  };
}

/** Packs entries in order into batches of at most 10 entries and 256 KiB. */
function toBatches(prepared: readonly Prepared[]): Prepared[][] {
  const batches: Prepared[][] = [];
  let current: Prepared[] = [];
  let bytes = 0;
  for (const item of prepared) {
    if (
      current.length > 0 &&
      (current.length >= MAX_BATCH_ENTRIES || bytes + item.size > MAX_PAYLOAD_BYTES)
    ) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

// ---------------------------------------------------------------- the sink

export interface SnsAlertSinkOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** Waits between attempts; tests pass an instant one. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Attempts per alert (on top of the SDK's own retries of each call). @default 5 */
  readonly maxAttempts?: number;
}

type Failed = { id: string; error: string };

export class SnsAlertSink implements AlertSink {
  readonly location: string;
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;

  constructor(options: SnsAlertSinkOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.sleep = options.sleep ?? ((ms: number) => delay(ms));
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.location = `sns:${options.topicArn}`;
  }

  /** 200 ms, 400 ms, 800 ms, … at most 5 s before attempt `attempt + 1`. */
  static backoff(attempt: number): number {
    return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  }

  async publish(alerts: readonly Alert[], options: PublishOptions = {}): Promise<PublishResult> {
    const delivered: string[] = [];
    const failed: Failed[] = [];
    const prepared: Prepared[] = [];
    for (const alert of alerts) {
      try {
        prepared.push(prepareEntry(alert));
      } catch (error) {
        failed.push({ id: alert.id, error: `cannot build the SNS message: ${describeAwsError(error)}` });
      }
    }
    for (const batch of toBatches(prepared)) {
      if (options.signal?.aborted) {
        // Past the run's deadline its ledger claim may expire: what is not sent yet is reported, not risked twice.
        for (const item of batch)
          failed.push({ id: item.id, error: 'not sent: the run reached its deadline' });
        continue;
      }
      try {
        await this.publishBatch(batch, delivered, failed, options.signal);
      } catch (error) {
        const done = new Set([...delivered, ...failed.map((f) => f.id)]);
        for (const item of batch)
          if (!done.has(item.id)) failed.push({ id: item.id, error: describeAwsError(error) });
      }
    }
    return { delivered, failed };
  }

  private async publishBatch(
    batch: readonly Prepared[],
    delivered: string[],
    failed: Failed[],
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let pending: readonly Prepared[] = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await this.sleep(SnsAlertSink.backoff(attempt - 1));
      const last = attempt >= this.maxAttempts || signal?.aborted === true;
      const after = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      const byId = new Map(pending.map((item, index) => [`m${index}`, item]));
      let response;
      try {
        response = await this.client.send(
          new PublishBatchCommand({
            TopicArn: this.topicArn,
            PublishBatchRequestEntries: [...byId].map(([Id, item]) => ({ Id, ...item.entry })),
          }),
          signal ? { abortSignal: signal } : {},
        );
      } catch (error) {
        if (isTransient(error) && !last) continue;
        for (const item of pending) failed.push({ id: item.id, error: `${describeAwsError(error)}${after}` });
        return;
      }
      for (const success of response.Successful ?? []) {
        const item = success.Id === undefined ? undefined : byId.get(success.Id);
        if (!item) continue;
        delivered.push(item.id);
        byId.delete(success.Id as string);
      }
      const retry: { item: Prepared; error: string }[] = [];
      for (const failure of response.Failed ?? []) {
        const item = failure.Id === undefined ? undefined : byId.get(failure.Id);
        if (!item) continue;
        byId.delete(failure.Id as string);
        const error = `${failure.Code ?? 'Error'}${failure.Message ? `: ${failure.Message}` : ''}`;
        if (failure.SenderFault === false || /throttl/i.test(failure.Code ?? '')) retry.push({ item, error });
        else failed.push({ id: item.id, error });
      }
      for (const item of byId.values()) retry.push({ item, error: 'not acknowledged by SNS' });
      if (last) {
        for (const r of retry) failed.push({ id: r.item.id, error: `${r.error}${after}` });
        return;
      }
      pending = retry.map((r) => r.item);
    }
  }
}
