/**
 * Verification of the manifest hash chain (docs/integrity.md), pure: given what was listed and the digests of what was
 * read, the problems as `<date> <problem> <file>` lines. The orchestration (`lambdas/verify.ts`) does the reading.
 */
import type { VerifyProblem } from '../constants';
import { MANIFEST_FILE, LATEST, isReportDate, reportLocation } from './manifest';
import type { ParsedManifest, ReportFolders } from './manifest';
import { compare } from './order';
import type { Manifest } from './schemas';

export interface Problem {
  /** The day (`YYYY-MM-DD`) or `latest`. */
  readonly folder: string;
  readonly problem: VerifyProblem;
  readonly file: string;
}

export type ManifestObservation =
  | { readonly kind: 'missing' }
  /** Too large, or not a file (a directory store's link out of the store): present but unusable. */
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'read'; readonly sha256: string; readonly parsed: ParsedManifest };

export type FileObservation =
  | { readonly kind: 'read'; readonly sha256: string; readonly bytes: number }
  | { readonly kind: 'unreadable'; readonly reason: string }
  /** Listed, then gone when read. */
  | { readonly kind: 'missing' }
  /** In the folder but not in its manifest: not read. */
  | { readonly kind: 'unsealed' };

export interface FolderObservation {
  readonly folder: string;
  readonly manifest: ManifestObservation;
  /** Every file of the folder except the manifest, by name. */
  readonly files: ReadonlyMap<string, FileObservation>;
}

/** A day whose folder holds a manifest, and the sha256 of its bytes (null when they could not be read). */
export interface ManifestDigest {
  readonly date: string;
  readonly sha256: string | null;
}

export interface ChainInput {
  /** The days to verify, in date order. */
  readonly days: readonly FolderObservation[];
  /** The most recent day before them whose folder holds a manifest: what the first day must link to. */
  readonly before: ManifestDigest | null;
  /** `reports/latest/`, or null when it is not part of this verification. */
  readonly latest: FolderObservation | null;
  /** The newest day of the store whose folder holds a manifest: the day `latest/` must be a copy of. */
  readonly newest: string | null;
}

export interface ChainReport {
  /** Sorted by folder (days, then `latest`), file and problem. */
  readonly problems: readonly Problem[];
  readonly days: number;
  /** Objects whose content was checked: manifests and the files they list. */
  readonly files: number;
}

const problem = (folder: string, kind: VerifyProblem, file: string): Problem => ({
  folder,
  problem: kind,
  file,
});

export const formatProblem = (p: Problem): string => `${p.folder} ${p.problem} ${p.file}`;

export function manifestOf(observation: FolderObservation): Manifest | null {
  const m = observation.manifest;
  return m.kind === 'read' && m.parsed.ok ? m.parsed.manifest : null;
}

/** The folder's manifest is there and valid, names its own day, and every file matches it (no file unlisted). */
export function sealProblems(observation: FolderObservation): Problem[] {
  const { folder } = observation;
  const m = observation.manifest;
  if (m.kind === 'missing') return [problem(folder, 'missing-file', MANIFEST_FILE)];
  const manifest = manifestOf(observation);
  if (manifest === null) return [problem(folder, 'chain-broken', MANIFEST_FILE)];
  const out: Problem[] = [];
  if (folder !== LATEST && manifest.date !== folder) out.push(problem(folder, 'chain-broken', MANIFEST_FILE));
  for (const [name, entry] of Object.entries(manifest.files)) {
    const seen = observation.files.get(name);
    if (seen === undefined || seen.kind === 'missing') out.push(problem(folder, 'missing-file', name));
    else if (seen.kind !== 'read' || seen.sha256 !== entry.sha256 || seen.bytes !== entry.bytes)
      out.push(problem(folder, 'digest-mismatch', name));
  }
  for (const name of observation.files.keys())
    if (!Object.hasOwn(manifest.files, name)) out.push(problem(folder, 'digest-mismatch', name));
  return out;
}

/** The day's `previous` names the day before it that holds a manifest, with that manifest's digest. */
export function linkProblems(day: FolderObservation, predecessor: ManifestDigest | null): Problem[] {
  const manifest = manifestOf(day);
  if (manifest === null) return [];
  const link = manifest.previous;
  const intact =
    link === null
      ? predecessor === null
      : predecessor !== null && link.date === predecessor.date && link.sha256 === predecessor.sha256;
  return intact ? [] : [problem(day.folder, 'chain-broken', MANIFEST_FILE)];
}

export function digestOf(day: FolderObservation): ManifestDigest | null {
  const m = day.manifest;
  if (m.kind === 'missing') return null;
  return { date: day.folder, sha256: m.kind === 'read' ? m.sha256 : null };
}

/** `latest/` matches its manifest, which is byte for byte the manifest of the newest day. */
export function latestProblems(latest: FolderObservation, newest: ManifestDigest | null): Problem[] {
  const out = sealProblems(latest);
  const manifest = manifestOf(latest);
  const sha = latest.manifest.kind === 'read' ? latest.manifest.sha256 : null;
  if (manifest !== null && (newest === null || manifest.date !== newest.date || sha !== newest.sha256))
    out.push(problem(LATEST, 'chain-broken', MANIFEST_FILE));
  return out;
}

const verifiedObjects = (o: FolderObservation): number =>
  (o.manifest.kind === 'read' ? 1 : 0) + [...o.files.values()].filter((f) => f.kind === 'read').length;

/** Every seal and link of the days, then `latest/`. */
export function verifyChain(input: ChainInput): ChainReport {
  const problems: Problem[] = [];
  let predecessor = input.before;
  for (const day of input.days) {
    problems.push(...sealProblems(day), ...linkProblems(day, predecessor));
    predecessor = digestOf(day) ?? predecessor;
  }
  if (input.latest) {
    const newestDay = input.days.find((d) => d.folder === input.newest);
    problems.push(...latestProblems(input.latest, newestDay ? digestOf(newestDay) : null));
  }
  const observed = input.latest ? [...input.days, input.latest] : input.days;
  return {
    problems: sortProblems(problems),
    days: input.days.length,
    files: observed.reduce((sum, o) => sum + verifiedObjects(o), 0),
  };
}

/** Days first (in date order), then `latest`; one line per distinct problem. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const unique = new Map(problems.map((p) => [formatProblem(p), p]));
  return [...unique.values()].sort(
    (a, b) =>
      compare(a.folder === LATEST ? '~' : a.folder, b.folder === LATEST ? '~' : b.folder) ||
      compare(a.file, b.file) ||
      compare(a.problem, b.problem),
  );
}

// ---------------------------------------------------------------- which days

export interface DayRange {
  /** First day, inclusive (`YYYY-MM-DD`). */
  readonly from?: string;
  /** Last day, inclusive. */
  readonly to?: string;
  /** Only the newest this many days of the range. */
  readonly lastDays?: number;
}

export interface VerificationPlan {
  readonly days: readonly string[];
  /** The day before the range whose manifest the first day links to, or null. */
  readonly before: string | null;
  /** Whether `latest/` is verified: it is when the range holds the day it copies. */
  readonly checkLatest: boolean;
  readonly newest: string | null;
}

const hasManifest = (folders: ReportFolders, date: string): boolean =>
  folders.days.get(date)?.includes(MANIFEST_FILE) ?? false;

export function planVerification(folders: ReportFolders, range: DayRange): VerificationPlan {
  const dates = [...folders.days.keys()];
  const inRange = dates.filter(
    (d) => (range.from === undefined || d >= range.from) && (range.to === undefined || d <= range.to),
  );
  const days = range.lastDays === undefined ? inRange : inRange.slice(-range.lastDays);
  const sealed = dates.filter((d) => hasManifest(folders, d));
  const first = days[0];
  const before = first === undefined ? null : (sealed.filter((d) => d < first).at(-1) ?? null);
  const newest = sealed.at(-1) ?? null;
  const checkLatest = newest !== null ? days.includes(newest) : range.to === undefined && days.length > 0;
  return { days, before, checkLatest, newest };
}

// ---------------------------------------------------------------- object versions (S3)

export interface ObjectVersion {
  /** Relative to the output root: `reports/<date>/<file>`. */
  readonly key: string;
  readonly versionId: string;
  /** ISO-8601, or null when the store did not say. */
  readonly lastModified: string | null;
  readonly deleteMarker: boolean;
}

const DAY_MS = 86_400_000;

/**
 * A day's file with an earlier version (or a delete marker) is `overwritten`, unless every version was written on
 * its own UTC day or within `graceMs` after it (same-day reruns). `latest/` is rewritten by design: not checked.
 */
export function overwriteProblems(
  versions: readonly ObjectVersion[],
  inRange: (date: string) => boolean,
  graceMs: number,
): Problem[] {
  const byKey = new Map<string, ObjectVersion[]>();
  for (const v of versions) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
  const out: Problem[] = [];
  for (const [key, all] of byKey) {
    const location = reportLocation(key);
    if (location === null || !isReportDate(location.folder) || !inRange(location.folder)) continue;
    if (all.length < 2 && !all.some((v) => v.deleteMarker)) continue;
    const start = Date.parse(`${location.folder}T00:00:00Z`);
    const sameDay = (v: ObjectVersion): boolean => {
      const at = v.lastModified === null ? Number.NaN : Date.parse(v.lastModified);
      return at >= start && at < start + DAY_MS + graceMs;
    };
    if (all.some((v) => v.deleteMarker || !sameDay(v)))
      out.push(problem(location.folder, 'overwritten', location.file));
  }
  return sortProblems(out);
}
