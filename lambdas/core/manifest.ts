/**
 * The day's manifest (docs/integrity.md): the sha256, size and S3 version of every other file written into
 * `reports/<date>/`, and the link to the most recent earlier day's manifest bytes. The days form a hash chain.
 * Pure: digests come in computed; the bytes of a manifest depend only on its inputs.
 */
import { decodeJson, describeIssues, duplicateKeyMessage } from './json-input';
import { compare } from './order';
import { reportDate } from './reports';
import type { Manifest, ManifestFile, ManifestLink } from './schemas';
import { MANIFEST_SCHEMA_VERSION, ManifestSchema, ReportDateSchema } from './schemas';
import { isoInstant } from './time';

export const MANIFEST_FILE = 'usr-readiness-manifest.json';
export const REPORTS_FOLDER = 'reports/';
/** The folder name of `reports/latest/`. */
export const LATEST = 'latest';

/** One file the run wrote into the day's folder, with its digest and the version the store gave it. */
export interface SealedFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly versionId: string | null;
}

/** The manifest of the files a run wrote into `reports/<date of now>/` (the manifest itself excluded). */
export function buildManifest(
  now: number,
  files: readonly SealedFile[],
  previous: ManifestLink | null,
): Manifest {
  const entries = new Map<string, ManifestFile>();
  for (const f of files) {
    if (f.file === MANIFEST_FILE) continue;
    entries.set(f.file, {
      sha256: f.sha256,
      bytes: f.bytes,
      ...(f.versionId !== null ? { versionId: f.versionId } : {}),
    });
  }
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    date: reportDate(now),
    asOf: isoInstant(now),
    files: Object.fromEntries([...entries].sort(([a], [b]) => compare(a, b))),
    previous,
  };
}

/** Canonical bytes: fixed key order, files sorted by name, two-space JSON with a final newline. */
export function serializeManifest(manifest: Manifest): string {
  const files = Object.entries(manifest.files)
    .sort(([a], [b]) => compare(a, b))
    .map(([name, f]): [string, ManifestFile] => [
      name,
      { sha256: f.sha256, bytes: f.bytes, ...(f.versionId !== undefined ? { versionId: f.versionId } : {}) },
    ]);
  const canonical = {
    schemaVersion: manifest.schemaVersion,
    date: manifest.date,
    asOf: manifest.asOf,
    files: Object.fromEntries(files),
    previous:
      manifest.previous === null ? null : { date: manifest.previous.date, sha256: manifest.previous.sha256 },
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

export type ParsedManifest =
  { readonly ok: true; readonly manifest: Manifest } | { readonly ok: false; readonly message: string };

/** Parses a manifest's bytes (bad JSON, duplicate keys or a schema violation: `ok: false` with one line). */
export function parseManifest(bytes: Uint8Array): ParsedManifest {
  const decoded = decodeJson(bytes);
  if (!decoded.ok) return { ok: false, message: decoded.reason };
  const duplicate = decoded.duplicateKeys[0];
  if (duplicate) return { ok: false, message: duplicateKeyMessage(duplicate) };
  const parsed = ManifestSchema.safeParse(decoded.value);
  if (parsed.success) return { ok: true, manifest: parsed.data };
  const first = describeIssues(parsed.error.issues, decoded.value)[0];
  return { ok: false, message: first?.message ?? 'not a manifest' };
}

/** `reports/<folder>/<file>` of a listed key, or null for a key outside a folder of `reports/`. */
export function reportLocation(key: string): { readonly folder: string; readonly file: string } | null {
  if (!key.startsWith(REPORTS_FOLDER)) return null;
  const rest = key.slice(REPORTS_FOLDER.length);
  const slash = rest.indexOf('/');
  if (slash <= 0 || slash === rest.length - 1) return null;
  return { folder: rest.slice(0, slash), file: rest.slice(slash + 1) };
}

export const isReportDate = (folder: string): boolean => ReportDateSchema.safeParse(folder).success;

export const manifestKey = (folder: string): string => `${REPORTS_FOLDER}${folder}/${MANIFEST_FILE}`;

/** The files of each folder of `reports/`: day folders (sorted by date), `latest`, anything else ignored. */
export interface ReportFolders {
  /** Date → file names (sorted), in date order. */
  readonly days: ReadonlyMap<string, readonly string[]>;
  /** File names of `reports/latest/`, or null when there is no such folder. */
  readonly latest: readonly string[] | null;
}

export function groupReportKeys(keys: readonly string[]): ReportFolders {
  const folders = new Map<string, string[]>();
  for (const key of keys) {
    const location = reportLocation(key);
    if (location === null || (location.folder !== LATEST && !isReportDate(location.folder))) continue;
    const files = folders.get(location.folder) ?? [];
    files.push(location.file);
    folders.set(location.folder, files);
  }
  const days = [...folders.keys()].filter((f) => f !== LATEST).sort(compare);
  return {
    days: new Map(days.map((d) => [d, [...(folders.get(d) ?? [])].sort(compare)])),
    latest: folders.has(LATEST) ? [...(folders.get(LATEST) ?? [])].sort(compare) : null,
  };
}

/** The most recent day before `date` whose folder holds a manifest: what a run for `date` links to. */
export function previousManifestDate(keys: readonly string[], date: string): string | null {
  let found: string | null = null;
  for (const key of keys) {
    const location = reportLocation(key);
    if (location === null || location.file !== MANIFEST_FILE || !isReportDate(location.folder)) continue;
    if (location.folder < date && (found === null || location.folder > found)) found = location.folder;
  }
  return found;
}
