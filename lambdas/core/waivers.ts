/**
 * The waivers document (docs/waivers.md): each entry validated into a waiver, or found invalid, and its state at
 * `now`. Fail closed: a file that cannot be read or does not hold, and every entry that is not valid, waives
 * nothing; each such problem is a `waiver-invalid` warning with the key and the JSON path. Pure.
 */
import * as z from 'zod';
import type { WaiverState } from '../constants';
import type { RepeatedKeys } from './json-input';
import {
  decodeJson,
  describeIssues,
  duplicateKeyMessage,
  oneLine,
  omittedDuplicateKeysMessage,
} from './json-input';
import { compare, sortFindings } from './order';
import { DAY_MS } from './schedule';
import type { Finding, Waiver, WaiverRecord } from './schemas';
import { WaiverSchema, WaiversFileSchema } from './schemas';
import type { RawDocument } from './validate-policy';
import { rawDocumentProblem } from './validate-policy';

/** One entry of the waivers file, valid or not, as far as it could be read. */
export interface WaiverEntry {
  /** Position in `waivers`. */
  readonly index: number;
  readonly id: string | null;
  readonly rowId: string | null;
  /** The codes as written (strings only). */
  readonly codes: readonly string[];
  readonly expiresAt: string | null;
  /** The waiver when it is valid; null when anything about it (or about the file) is wrong: it waives nothing. */
  readonly waiver: Waiver | null;
  /** Whether its row is a row of the policy. */
  readonly rowKnown: boolean;
}

export interface ValidatedWaivers {
  /** False when there is no waivers file. */
  readonly present: boolean;
  readonly entries: readonly WaiverEntry[];
  /** `waiver-invalid` and `waiver-unknown-row` warnings, sorted. */
  readonly findings: readonly Finding[];
}

export interface WaiverRules {
  /** The longest a waiver may last, `expiresAt − approvedAt`, in days. */
  readonly maxWaiverDays: number;
  /** Ids of the policy's rows. */
  readonly rowIds: ReadonlySet<string>;
}

export const NO_WAIVERS: ValidatedWaivers = { present: false, entries: [], findings: [] };

/** A problem of one entry or of the file: where, and what (without the key). */
interface Problem {
  readonly path?: string;
  readonly text: string;
}

interface CheckedEntry {
  readonly summary: Omit<WaiverEntry, 'waiver' | 'rowKnown'>;
  readonly waiver: Waiver | null;
  readonly problems: Problem[];
}

const FILE_CONSEQUENCE = 'no waiver in the file applies';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const invalid = (key: string, problem: Problem, consequence: string): Finding => ({
  code: 'waiver-invalid',
  severity: 'warning',
  key,
  ...(problem.path === undefined ? {} : { path: problem.path }),
  message: oneLine(`${key}${problem.path === undefined ? ':' : ''} ${problem.text}; ${consequence}`),
});

/** Validates the waivers file at `key`. A missing file means no waivers, and no finding. */
export function validateWaivers(key: string, raw: RawDocument, rules: WaiverRules): ValidatedWaivers {
  if (raw.kind === 'missing') return NO_WAIVERS;
  const unusable = (text: string): ValidatedWaivers => ({
    present: true,
    entries: [],
    findings: [invalid(key, { text }, FILE_CONSEQUENCE)],
  });
  if (raw.kind !== 'ok') return unusable(rawDocumentProblem(raw) ?? 'unreadable');
  const decoded = decodeJson(raw.object.bytes);
  if (!decoded.ok) return unusable(decoded.reason);
  return validateWaiversValue(key, decoded.value, decoded, rules);
}

/** Validates an already-decoded waivers document; a repeated key invalidates what holds it. */
export function validateWaiversValue(
  key: string,
  document: unknown,
  repeated: RepeatedKeys,
  rules: WaiverRules,
): ValidatedWaivers {
  const fileProblems = [...shellProblems(document), ...fileLevelRepeats(repeated)];
  const raws = isRecord(document) && Array.isArray(document.waivers) ? (document.waivers as unknown[]) : [];
  const checked = raws.map((raw, index) => checkEntry(raw, index, rules.maxWaiverDays));
  addEntryRepeats(checked, repeated);
  addDuplicateIds(checked);
  const fileValid = fileProblems.length === 0;
  const entries: WaiverEntry[] = checked.map((c) => ({
    ...c.summary,
    waiver: fileValid && c.problems.length === 0 ? c.waiver : null,
    rowKnown: c.summary.rowId !== null && rules.rowIds.has(c.summary.rowId),
  }));
  const findings: Finding[] = [
    ...fileProblems.map((p) => invalid(key, p, FILE_CONSEQUENCE)),
    ...checked.flatMap((c) => c.problems.map((p) => invalid(key, p, `${label(c.summary)} waives nothing`))),
    ...entries.filter((e) => e.waiver !== null && !e.rowKnown).map((e) => unknownRow(key, e)),
  ];
  return { present: true, entries, findings: sortFindings(findings) };
}

const label = (entry: { readonly id: string | null; readonly index: number }): string =>
  entry.id === null ? `the waiver at waivers[${entry.index}]` : `waiver ${oneLine(JSON.stringify(entry.id))}`;

function unknownRow(key: string, entry: WaiverEntry): Finding {
  const path = `waivers[${entry.index}].rowId`;
  return {
    code: 'waiver-unknown-row',
    severity: 'warning',
    key,
    path,
    message: `${key} ${path}: ${label(entry)} names row ${oneLine(JSON.stringify(entry.rowId))}, which is not a row of the policy; it waives nothing`,
  };
}

/** The file's own fields, entries aside: `schemaVersion`, `waivers` as an array, nothing else. */
const ShellSchema = WaiversFileSchema.extend({ waivers: z.array(z.unknown()) });

function shellProblems(document: unknown): Problem[] {
  const parsed = ShellSchema.safeParse(document);
  if (parsed.success) return [];
  return describeIssues(parsed.error.issues, document).map((issue) => ({
    path: issue.path,
    text: issue.message,
  }));
}

/** Repeated keys outside any entry (and those not listed, whose place is unknown) invalidate the file. */
function fileLevelRepeats(repeated: RepeatedKeys): Problem[] {
  const problems: Problem[] = repeated.duplicateKeys
    .filter((d) => entryIndexOf(d.segments) === null)
    .map((d) => ({ path: d.path, text: duplicateKeyMessage(d) }));
  const omitted = omittedDuplicateKeysMessage(repeated);
  if (omitted !== null) problems.push({ text: omitted });
  return problems;
}

/** `waivers[i]…` → i, for a repeated key inside entry i; else null. */
function entryIndexOf(segments: readonly (string | number)[]): number | null {
  const [first, index] = segments;
  return first === 'waivers' && typeof index === 'number' && segments.length > 2 ? index : null;
}

function addEntryRepeats(checked: readonly CheckedEntry[], repeated: RepeatedKeys): void {
  for (const duplicate of repeated.duplicateKeys) {
    const index = entryIndexOf(duplicate.segments);
    if (index === null) continue;
    checked[index]?.problems.push({ path: duplicate.path, text: duplicateKeyMessage(duplicate) });
  }
}

/** An id used by more than one entry is unique for none of them: each is invalid. */
function addDuplicateIds(checked: readonly CheckedEntry[]): void {
  const byId = new Map<string, CheckedEntry[]>();
  for (const c of checked) {
    if (c.summary.id !== null) byId.set(c.summary.id, [...(byId.get(c.summary.id) ?? []), c]);
  }
  for (const [id, users] of byId) {
    if (users.length < 2) continue;
    const paths = users.map((u) => `waivers[${u.summary.index}]`).join(', ');
    for (const u of users)
      u.problems.push({
        path: `waivers[${u.summary.index}].id`,
        text: `waivers[${u.summary.index}].id: id ${oneLine(JSON.stringify(id))} is not unique (${paths})`,
      });
  }
}

/** What can be read of an entry whatever its shape, for the report. */
function summaryOf(raw: unknown, index: number): CheckedEntry['summary'] {
  const record = isRecord(raw) ? raw : {};
  const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const codes = Array.isArray(record.codes)
    ? record.codes.filter((c): c is string => typeof c === 'string')
    : [];
  return {
    index,
    id: text(record.id),
    rowId: text(record.rowId),
    codes,
    expiresAt: text(record.expiresAt),
  };
}

function checkEntry(raw: unknown, index: number, maxWaiverDays: number): CheckedEntry {
  const base = `waivers[${index}]`;
  const summary = summaryOf(raw, index);
  const parsed = WaiverSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, raw, base).map((issue) => ({
      path: issue.path,
      text: issue.message,
    }));
    return { summary, waiver: null, problems };
  }
  return { summary, waiver: parsed.data, problems: periodProblems(parsed.data, base, maxWaiverDays) };
}

/** `expiresAt` after `approvedAt`, at most `maxWaiverDays` later (exactly `maxWaiverDays` is allowed). */
function periodProblems(waiver: Waiver, base: string, maxWaiverDays: number): Problem[] {
  const approvedAt = Date.parse(waiver.approvedAt);
  const expiresAt = Date.parse(waiver.expiresAt);
  const path = `${base}.expiresAt`;
  if (expiresAt <= approvedAt)
    return [
      {
        path,
        text: `${path}: expiresAt ${waiver.expiresAt} is not later than approvedAt ${waiver.approvedAt}`,
      },
    ];
  const days = (expiresAt - approvedAt) / DAY_MS;
  if (days <= maxWaiverDays) return [];
  return [
    {
      path,
      text: `${path}: the waiver lasts ${Math.round(days * 100) / 100} days from approvedAt ${waiver.approvedAt}, more than the maximum of ${maxWaiverDays} days`,
    },
  ];
}

/**
 * The state of an entry at `now`: `invalid` when it is not valid; else `expired` once `now ≥ expiresAt`,
 * `pending` while `now < approvedAt`; in between `active` when its row is in the policy, else `invalid`.
 */
export function waiverState(entry: WaiverEntry, now: number): WaiverState {
  const waiver = entry.waiver;
  if (waiver === null) return 'invalid';
  if (now >= Date.parse(waiver.expiresAt)) return 'expired';
  if (now < Date.parse(waiver.approvedAt)) return 'pending';
  return entry.rowKnown ? 'active' : 'invalid';
}

/** The waivers that apply at `now`. */
export function activeWaivers(waivers: ValidatedWaivers, now: number): Waiver[] {
  return waivers.entries.flatMap((e) =>
    e.waiver !== null && waiverState(e, now) === 'active' ? [e.waiver] : [],
  );
}

/** Every entry with its state, for the validation report: sorted by id, row id, then position. */
export function waiverRecords(waivers: ValidatedWaivers, now: number): WaiverRecord[] {
  return [...waivers.entries]
    .sort(
      (a, b) => compare(a.id ?? '', b.id ?? '') || compare(a.rowId ?? '', b.rowId ?? '') || a.index - b.index,
    )
    .map((e) => ({
      id: e.id,
      rowId: e.rowId,
      codes: [...e.codes],
      state: waiverState(e, now),
      expiresAt: e.expiresAt,
    }));
}
