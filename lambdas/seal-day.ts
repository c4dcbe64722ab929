/**
 * The write side of the manifest chain: the link to the most recent earlier day's manifest, and the day's manifest
 * built from whatever files the run wrote (their bodies and the versions the store gave them).
 */
import { sha256 } from './run-helpers';
import { MAX_DOCUMENT_BYTES } from './constants';
import {
  MANIFEST_FILE,
  REPORTS_FOLDER,
  buildManifest,
  manifestKey,
  previousManifestDate,
  serializeManifest,
} from './core/manifest';
import type { ManifestLink } from './core/schemas';
import type { PutResult, ReportSink } from './ports';
import { ReportWriteError } from './ports';
import type { OutputFile } from './write-reports';

/**
 * `{ date, sha256 }` of the most recent earlier day's manifest bytes, or null when there is none. A manifest that
 * cannot be read as a file (too large, not a file) is not linked to: `verify` then reports the broken link. A read
 * that fails stops the run before anything is written (a retry links correctly).
 */
export async function previousLink(reports: ReportSink, date: string): Promise<ManifestLink | null> {
  const listed = await reports.list(REPORTS_FOLDER);
  const previous = previousManifestDate(
    listed.map((o) => o.key),
    date,
  );
  if (previous === null) return null;
  const read = await reports.read(manifestKey(previous), MAX_DOCUMENT_BYTES);
  if (read.kind === 'ok') return { date: previous, sha256: sha256(read.object.bytes) };
  if (read.kind === 'error')
    throw new ReportWriteError(
      `cannot link the day's manifest to ${manifestKey(previous)} (${read.message}); nothing was written`,
    );
  return null;
}

export const versionOf = (result: PutResult | void): string | null => (result ? result.versionId : null);

/** The manifest of `files` as written (their UTF-8 bodies), with the versions the store returned by file name. */
export function manifestOutput(
  now: number,
  files: readonly OutputFile[],
  versions: ReadonlyMap<string, string | null>,
  previous: ManifestLink | null,
): OutputFile {
  const sealed = files.map((f) => {
    const bytes = Buffer.from(f.body, 'utf8');
    return {
      file: f.file,
      sha256: sha256(bytes),
      bytes: bytes.byteLength,
      versionId: versions.get(f.file) ?? null,
    };
  });
  return {
    file: MANIFEST_FILE,
    body: serializeManifest(buildManifest(now, sealed, previous)),
    contentType: 'application/json',
  };
}
