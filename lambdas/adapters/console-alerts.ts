/** Local alert sinks: human lines on a stream (`stdout`), or JSON lines appended to a file (`jsonl:<file>`). */
import { WRITE_DEADLINE_MS } from '../constants';
import type { Alert } from '../core/schemas';
import type { AlertSink, PublishResult } from '../ports';
import { withDeadline } from './deadline';
import { describeFsError } from './fs-read';
import { appendText } from './fs-write';

/** Prints one line per alert: `ALERT <subject>` (the subject names the type and the row). */
export class StreamAlertSink implements AlertSink {
  readonly location = 'stdout';

  constructor(private readonly write: (line: string) => void) {}

  publish(alerts: readonly Alert[]): Promise<PublishResult> {
    for (const alert of alerts) this.write(`ALERT ${alert.subject}\n`);
    return Promise.resolve({ delivered: alerts.map((a) => a.id), failed: [] });
  }
}

export interface JsonlAlertSinkOptions {
  /** Deadline of one append, folders included. @default WRITE_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** The append itself (a seam for tests). @default appendText: non-blocking, folders made one level at a time */
  readonly append?: (file: string, text: string) => Promise<void>;
}

/**
 * Appends one JSON object per alert (`{ id, alertType, attributes, subject, body }`) to a file. An append that
 * fails or does not finish before its deadline reports every alert as failed (the ledger then releases them).
 */
export class JsonlAlertSink implements AlertSink {
  readonly location: string;
  private readonly deadlineMs: number;
  private readonly append: (file: string, text: string) => Promise<void>;

  constructor(
    private readonly file: string,
    options: JsonlAlertSinkOptions = {},
  ) {
    this.location = `jsonl:${file}`;
    this.deadlineMs = options.deadlineMs ?? WRITE_DEADLINE_MS;
    this.append = options.append ?? appendText;
  }

  async publish(alerts: readonly Alert[]): Promise<PublishResult> {
    if (alerts.length === 0) return { delivered: [], failed: [] };
    const text = alerts.map((a) => `${JSON.stringify(a)}\n`).join('');
    try {
      await withDeadline(`appending to ${this.file}`, this.deadlineMs, () => this.append(this.file, text));
      return { delivered: alerts.map((a) => a.id), failed: [] };
    } catch (error) {
      const message = `${this.file}: ${describeFsError(error)}`;
      return { delivered: [], failed: alerts.map((a) => ({ id: a.id, error: message })) };
    }
  }
}
