/**
 * Writes a run's outputs under `reports/<date>/` and, unless a later run already did, `reports/latest/`: latest
 * only moves forward in `asOf`, so re-running a past day (a backfill) never replaces today's view.
 */
import * as z from 'zod';
import { MAX_DOCUMENT_BYTES } from './constants';
import { decodeJson } from './core/json-input';
import { reportDate } from './core/reports';
import { VALIDATION_FILE } from './core/reports';
import type { ContentType, ReportSink } from './ports';

export interface OutputFile {
  /** File name inside the day's folder, e.g. `usr-operational-readiness-validation.json`. */
  readonly file: string;
  readonly body: string;
  readonly contentType: ContentType;
}

const AsOfSchema = z.looseObject({ asOf: z.iso.datetime({ offset: true }) });

/** The `asOf` of the current `reports/latest/` (its validation report), or null when there is none readable. */
export async function latestAsOf(reports: ReportSink): Promise<number | null> {
  const read = await reports.read(`reports/latest/${VALIDATION_FILE}`, MAX_DOCUMENT_BYTES);
  if (read.kind !== 'ok') return null;
  const decoded = decodeJson(read.object.bytes);
  if (!decoded.ok) return null;
  const parsed = AsOfSchema.safeParse(decoded.value);
  return parsed.success ? Date.parse(parsed.data.asOf) : null;
}

/** Writes every file to the day's folder, then to `latest/` when `now` is not earlier than latest's `asOf`. */
export async function writeOutputs(
  reports: ReportSink,
  now: number,
  files: readonly OutputFile[],
): Promise<{ written: string[]; latestMoved: boolean }> {
  const written: string[] = [];
  const day = `reports/${reportDate(now)}/`;
  for (const f of files) {
    await reports.put(day + f.file, f.body, f.contentType);
    written.push(day + f.file);
  }
  const latest = await latestAsOf(reports);
  const latestMoved = latest === null || now >= latest;
  if (latestMoved) {
    // The validation report goes last: it is what marks latest's asOf.
    const ordered = [
      ...files.filter((f) => f.file !== VALIDATION_FILE),
      ...files.filter((f) => f.file === VALIDATION_FILE),
    ];
    for (const f of ordered) {
      await reports.put(`reports/latest/${f.file}`, f.body, f.contentType);
      written.push(`reports/latest/${f.file}`);
    }
  }
  return { written, latestMoved };
}
