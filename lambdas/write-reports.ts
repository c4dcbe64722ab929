/**
 * Writes a run's outputs under `reports/<date>/` and, unless a later run already did, `reports/latest/`: latest
 * only moves forward in `asOf`, so re-running a past day (a backfill) never replaces today's view. Each folder is
 * sealed by the day's manifest (`seal-day.ts`, CONTRACT §10), written after the files it lists.
 */
import * as z from 'zod';
import { MAX_DOCUMENT_BYTES } from './constants';
import { decodeJson } from './core/json-input';
import { reportDate } from './core/reports';
import { VALIDATION_FILE } from './core/reports';
import type { ContentType, ReportSink } from './ports';
import { manifestOutput, previousLink, versionOf } from './seal-day';

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

/**
 * Writes every file to the day's folder, then the day's manifest (their digests and versions, linked to the most
 * recent earlier day's manifest), then all of them to `latest/` when `now` is not earlier than latest's `asOf`.
 */
export async function writeOutputs(
  reports: ReportSink,
  now: number,
  files: readonly OutputFile[],
): Promise<{ written: string[]; latestMoved: boolean }> {
  const written: string[] = [];
  const day = `reports/${reportDate(now)}/`;
  const previous = await previousLink(reports, reportDate(now));
  const versions = new Map<string, string | null>();
  for (const f of files) {
    versions.set(f.file, versionOf(await reports.put(day + f.file, f.body, f.contentType)));
    written.push(day + f.file);
  }
  const manifest = manifestOutput(now, files, versions, previous);
  await reports.put(day + manifest.file, manifest.body, manifest.contentType);
  written.push(day + manifest.file);
  const latest = await latestAsOf(reports);
  const latestMoved = latest === null || now >= latest;
  if (latestMoved) {
    // The validation report marks latest's asOf; the manifest (a byte copy of the day's) seals latest/ last.
    const ordered = [
      ...files.filter((f) => f.file !== VALIDATION_FILE),
      ...files.filter((f) => f.file === VALIDATION_FILE),
      manifest,
    ];
    for (const f of ordered) {
      await reports.put(`reports/latest/${f.file}`, f.body, f.contentType);
      written.push(`reports/latest/${f.file}`);
    }
  }
  return { written, latestMoved };
}
