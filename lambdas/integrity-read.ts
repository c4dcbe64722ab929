/**
 * The read side shared by `verify`, `gate` and the Lambda's chain check: one folder of `reports/` observed for
 * `core/verify-chain.ts`, each object read once. A file is read only when its folder's manifest lists it, and at
 * most as many bytes as the manifest records (plus one, to see that it is larger).
 */
import { sha256 } from './run-helpers';
import { MAX_DOCUMENT_BYTES, MAX_REPORT_BYTES } from './constants';
import { MANIFEST_FILE, REPORTS_FOLDER, manifestKey, parseManifest } from './core/manifest';
import type {
  FileObservation,
  FolderObservation,
  ManifestDigest,
  ManifestObservation,
} from './core/verify-chain';
import type { ManifestFile } from './core/schemas';
import type { ReadResult, ReportSink } from './ports';

/** A read that failed (not bad content): the verification cannot conclude, exit 2. */
export class IntegrityReadError extends Error {
  override readonly name = 'IntegrityReadError';
}

async function readOrThrow(reports: ReportSink, key: string, maxBytes: number): Promise<ReadResult> {
  const read = await reports.read(key, maxBytes);
  if (read.kind === 'error')
    throw new IntegrityReadError(`cannot read ${reports.location}/${key}: ${read.message}`);
  return read;
}

function manifestObservation(read: ReadResult | null): ManifestObservation {
  if (read === null || read.kind === 'missing') return { kind: 'missing' };
  if (read.kind === 'ok')
    return { kind: 'read', sha256: sha256(read.object.bytes), parsed: parseManifest(read.object.bytes) };
  return { kind: 'unreadable', reason: read.kind === 'too-large' ? `${read.size} bytes` : 'not a file' };
}

async function observeFile(
  reports: ReportSink,
  key: string,
  entry: ManifestFile | undefined,
  keep: ((bytes: Uint8Array) => void) | null,
): Promise<FileObservation> {
  if (entry === undefined) return { kind: 'unsealed' };
  if (entry.bytes > MAX_REPORT_BYTES) return { kind: 'unreadable', reason: 'larger than a report can be' };
  const read = await readOrThrow(reports, key, entry.bytes);
  if (read.kind === 'missing') return { kind: 'missing' };
  if (read.kind === 'too-large') return { kind: 'unreadable', reason: 'larger than the manifest records' };
  if (read.kind !== 'ok') return { kind: 'unreadable', reason: 'not a file' };
  keep?.(read.object.bytes);
  return { kind: 'read', sha256: sha256(read.object.bytes), bytes: read.object.bytes.byteLength };
}

export interface ObservedFolder {
  readonly observation: FolderObservation;
  /** The bytes of the files named in `keep`, by file name, when they were read. */
  readonly kept: ReadonlyMap<string, Uint8Array>;
}

/** Reads the folder's manifest, then the files it lists (concurrently; the store bounds its requests). */
export async function observeFolder(
  reports: ReportSink,
  folder: string,
  files: readonly string[],
  keep: ReadonlySet<string> = new Set(),
): Promise<ObservedFolder> {
  const manifestRead = files.includes(MANIFEST_FILE)
    ? await readOrThrow(reports, manifestKey(folder), MAX_DOCUMENT_BYTES)
    : null;
  const manifest = manifestObservation(manifestRead);
  const entries = manifest.kind === 'read' && manifest.parsed.ok ? manifest.parsed.manifest.files : {};
  const kept = new Map<string, Uint8Array>();
  const others = files.filter((f) => f !== MANIFEST_FILE);
  const observed = await Promise.all(
    others.map(async (file): Promise<[string, FileObservation]> => {
      const key = `${REPORTS_FOLDER}${folder}/${file}`;
      const entry = Object.hasOwn(entries, file) ? entries[file] : undefined;
      const keeper = keep.has(file) ? (bytes: Uint8Array) => void kept.set(file, bytes) : null;
      return [file, await observeFile(reports, key, entry, keeper)];
    }),
  );
  return { observation: { folder, manifest, files: new Map(observed) }, kept };
}

/** The digest of one day's manifest (a day before the verified range). */
export async function manifestDigest(reports: ReportSink, date: string): Promise<ManifestDigest> {
  const observed = manifestObservation(await readOrThrow(reports, manifestKey(date), MAX_DOCUMENT_BYTES));
  return { date, sha256: observed.kind === 'read' ? observed.sha256 : null };
}

/** The bytes of one object, or null when it is missing or not a readable file of at most `maxBytes`. */
export async function readBytes(
  reports: ReportSink,
  key: string,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const read = await readOrThrow(reports, key, maxBytes);
  return read.kind === 'ok' ? read.object.bytes : null;
}
