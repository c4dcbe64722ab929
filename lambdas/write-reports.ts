/**
 * Writes a run's outputs under `reports/<date>/` and, unless a later run already did, `reports/latest/`: latest
 * only moves forward in `asOf`, so re-running a past day (a backfill) never replaces today's view. Each folder is
 * sealed by the day's manifest (`seal-day.ts`, docs/integrity.md), written after the files it lists.
 */
import * as z from 'zod';
import { MAX_DOCUMENT_BYTES } from './constants';
import { decodeJson } from './core/json-input';
import { reportDate } from './core/reports';
import { VALIDATION_FILE } from './core/reports';
import type { ContentType, ReportSink } from './ports';
import { REPORTS_FOLDER, manifestKey, parseManifest } from './core/manifest';
import { manifestOutput, previousLink, versionOf } from './seal-day';

export interface OutputFile {
  /** File name inside the day's folder, e.g. `usr-operational-readiness-validation.json`. */
  readonly file: string;
  readonly body: string;
  readonly contentType: ContentType;
}

const AsOfSchema = z.looseObject({ asOf: z.iso.datetime({ offset: true }) });

/** The `asOf` of a sealed folder: its manifest's, else (a folder from before manifests) its validation report's. */
async function folderAsOf(reports: ReportSink, folder: string): Promise<number | null> {
  const manifest = await reports.read(manifestKey(folder), MAX_DOCUMENT_BYTES);
  if (manifest.kind === 'ok') {
    const parsed = parseManifest(manifest.object.bytes);
    if (parsed.ok) return Date.parse(parsed.manifest.asOf);
  }
  const read = await reports.read(`${REPORTS_FOLDER}${folder}/${VALIDATION_FILE}`, MAX_DOCUMENT_BYTES);
  if (read.kind !== 'ok') return null;
  const decoded = decodeJson(read.object.bytes);
  const parsed = decoded.ok ? AsOfSchema.safeParse(decoded.value) : null;
  return parsed?.success ? Date.parse(parsed.data.asOf) : null;
}

/** The `asOf` of the current `reports/latest/`, or null when there is none readable. */
export function latestAsOf(reports: ReportSink): Promise<number | null> {
  return folderAsOf(reports, 'latest');
}

export interface WrittenOutputs {
  readonly written: string[];
  /** `reports/latest/` now holds this run. */
  readonly latestMoved: boolean;
  /** `reports/<date>/` now holds this run (false: it already held a later evaluation of that day). */
  readonly dayMoved: boolean;
}

/**
 * Writes every file to the day's folder and seals it with the day's manifest, then copies them to `latest/` when
 * `now` is not earlier than latest's `asOf` (`latest`, read by the caller at the start of the run). A day's folder
 * only moves forward too: a run earlier than the evaluation the folder holds writes nothing, so the folder, its
 * manifest and `latest/` always describe the same, latest evaluation.
 */
export async function writeOutputs(
  reports: ReportSink,
  now: number,
  latest: number | null,
  files: readonly OutputFile[],
): Promise<WrittenOutputs> {
  const date = reportDate(now);
  const dayAsOf = await folderAsOf(reports, date);
  if (dayAsOf !== null && now < dayAsOf) return { written: [], latestMoved: false, dayMoved: false };
  const written: string[] = [];
  const day = `${REPORTS_FOLDER}${date}/`;
  const previous = await previousLink(reports, date);
  const versions = new Map<string, string | null>();
  for (const f of files) {
    versions.set(f.file, versionOf(await reports.put(day + f.file, f.body, f.contentType)));
    written.push(day + f.file);
  }
  const manifest = manifestOutput(now, files, versions, previous);
  await reports.put(day + manifest.file, manifest.body, manifest.contentType);
  written.push(day + manifest.file);
  const latestMoved = latest === null || now >= latest;
  if (latestMoved) written.push(...(await copyToLatest(reports, files, manifest)));
  return { written, latestMoved, dayMoved: true };
}

/** The validation report marks latest's asOf; the manifest (a byte copy of the day's) seals latest/ last. */
async function copyToLatest(
  reports: ReportSink,
  files: readonly OutputFile[],
  manifest: OutputFile,
): Promise<string[]> {
  const ordered = [
    ...files.filter((f) => f.file !== VALIDATION_FILE),
    ...files.filter((f) => f.file === VALIDATION_FILE),
    manifest,
  ];
  const written: string[] = [];
  for (const f of ordered) {
    await reports.put(`${REPORTS_FOLDER}latest/${f.file}`, f.body, f.contentType);
    written.push(`${REPORTS_FOLDER}latest/${f.file}`);
  }
  return written;
}
