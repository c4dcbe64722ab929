/** Local alert sinks: human lines on a stream (`stdout`), or JSON lines appended to a file (`jsonl:<file>`). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Alert } from '../core/schemas';
import type { AlertSink, PublishResult } from '../ports';

/** Prints one line per alert: `ALERT <alertType> <rowId> <subject>`. */
export class StreamAlertSink implements AlertSink {
  readonly location = 'stdout';

  constructor(private readonly write: (line: string) => void) {}

  publish(alerts: readonly Alert[]): Promise<PublishResult> {
    for (const alert of alerts) this.write(`ALERT ${alert.subject}\n`);
    return Promise.resolve({ delivered: alerts.map((a) => a.id), failed: [] });
  }
}

/** Appends one JSON object per alert (`{ id, alertType, attributes, subject, body }`) to a file. */
export class JsonlAlertSink implements AlertSink {
  readonly location: string;

  constructor(private readonly file: string) {
    this.location = `jsonl:${file}`;
  }

  async publish(alerts: readonly Alert[]): Promise<PublishResult> {
    if (alerts.length === 0) return { delivered: [], failed: [] };
    try {
      await fs.mkdir(path.dirname(path.resolve(this.file)), { recursive: true });
      await fs.appendFile(this.file, alerts.map((a) => `${JSON.stringify(a)}\n`).join(''));
      return { delivered: alerts.map((a) => a.id), failed: [] };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { delivered: [], failed: alerts.map((a) => ({ id: a.id, error: message })) };
    }
  }
}
