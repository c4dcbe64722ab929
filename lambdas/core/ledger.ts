/**
 * The alert ledger (`state/alert-ledger.json`): per (row, topic) transitions as data, and the claims of runs that
 * are publishing. A run claims its alerts (writes the state as if they were delivered, plus what to undo) before
 * publishing and settles after; a claim whose run passed its deadline is released so its alerts are derived again.
 * No rendered alert is ever stored: what counts as sent never depends on how an alert reads. Pure.
 */
import { LEDGER_TOPICS, MAX_LEDGER_BYTES, RUN_ROW_ID } from '../constants';
import { decodeJson, formatPath, repeatedKeysReason } from './json-input';
import { compare } from './order';
import type { Claim, ClaimedAlert, Ledger, LedgerEntry } from './schemas';
import { LEDGER_SCHEMA_VERSION, LedgerSchema, LedgerV1Schema } from './schemas';
import { isoInstant } from './time';

/** `YYYY-MM-DD` (UTC) of an instant: alerts are counted per day. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function emptyLedger(now: number): Ledger {
  return { schemaVersion: LEDGER_SCHEMA_VERSION, asOf: isoInstant(now), entries: [], claims: [] };
}

/** The identity of an entry: row, topic and (for a waiver) its id. */
export interface EntryKey {
  readonly rowId: string;
  readonly topic: LedgerEntry['topic'];
  readonly ref?: string | undefined;
}

export const entryKey = (e: EntryKey): string => `${e.rowId}\u0000${e.topic}\u0000${e.ref ?? ''}`;

export type EntryMap = Map<string, LedgerEntry>;

export const entryMap = (ledger: Ledger): EntryMap => new Map(ledger.entries.map((e) => [entryKey(e), e]));

/** Entries in a stable order: row id, topic, ref. */
export function sortedEntries(map: EntryMap): LedgerEntry[] {
  return [...map.values()].sort(
    (a, b) => compare(a.rowId, b.rowId) || compare(a.topic, b.topic) || compare(a.ref ?? '', b.ref ?? ''),
  );
}

export type LedgerRead =
  | { readonly ok: true; readonly ledger: Ledger; readonly migratedFrom: string | null }
  | { readonly ok: false; readonly problem: string };

/**
 * The stored ledger. A missing ledger is empty; a first-format ledger is migrated; anything else that cannot be
 * read is a problem the caller must not paper over by starting again (that would send every alert twice).
 */
export function parseLedger(bytes: Uint8Array | null, now: number): LedgerRead {
  if (bytes === null) return { ok: true, ledger: emptyLedger(now), migratedFrom: null };
  if (bytes.byteLength > MAX_LEDGER_BYTES)
    return { ok: false, problem: `larger than ${MAX_LEDGER_BYTES} bytes (${bytes.byteLength})` };
  const decoded = decodeJson(bytes, MAX_LEDGER_BYTES);
  if (!decoded.ok) return { ok: false, problem: decoded.reason };
  // The monitor never writes a key twice: a repeated key is a hand edit whose meaning is unclear.
  const repeated = repeatedKeysReason(decoded);
  if (repeated !== null) return { ok: false, problem: repeated };
  const parsed = LedgerSchema.safeParse(decoded.value);
  if (parsed.success) return { ok: true, ledger: parsed.data, migratedFrom: null };
  const v1 = LedgerV1Schema.safeParse(decoded.value);
  if (v1.success) return { ok: true, ledger: migrateV1(v1.data, now), migratedFrom: v1.data.schemaVersion };
  const issue = parsed.error.issues[0];
  const where = issue ? `${formatPath(issue.path)}: ${issue.message}` : 'unknown';
  return { ok: false, problem: `does not match the ledger schema (${where})` };
}

const TOPICS: ReadonlySet<string> = new Set(LEDGER_TOPICS);
const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * The first format kept rendered alerts. Its open problems carry over; an alert it had claimed but not settled
 * is released (its problem alerts again) rather than risk losing it; the summary keeps its date.
 */
export function migrateV1(v1: ReturnType<typeof LedgerV1Schema.parse>, now: number): Ledger {
  const pendingRows = new Set(v1.pending.map((a) => a.id.split('/').slice(1).join('/')));
  const map: EntryMap = new Map();
  for (const old of Object.values(v1.open)) {
    if (!TOPICS.has(old.problem)) continue;
    const released = pendingRows.has(`${old.problem}/${old.rowId}`);
    const entry: LedgerEntry = {
      rowId: old.rowId,
      topic: old.problem as LedgerEntry['topic'],
      blocking: old.blocking,
      firstSeen: isDay(old.firstSeen) ? `${old.firstSeen}T00:00:00Z` : isoInstant(now),
      lastAlerted: released || !isDay(old.lastAlerted) ? null : old.lastAlerted,
    };
    map.set(entryKey(entry), entry);
  }
  const summarySent = isDay(v1.lastSummary) && !pendingRows.has(`summary/${RUN_ROW_ID}`);
  if (summarySent) {
    const summary = summaryEntry(v1.lastSummary, now);
    map.set(entryKey(summary), summary);
  }
  return { ...emptyLedger(now), entries: sortedEntries(map) };
}

/** The summary's entry: it is never closed, only re-dated each day it is sent. */
export function summaryEntry(lastAlerted: string | null, now: number): LedgerEntry {
  return {
    rowId: RUN_ROW_ID,
    topic: 'summary',
    blocking: false,
    firstSeen: isoInstant(now),
    lastAlerted,
  };
}

/** True when `now` is earlier than the last evaluation that alerted: a re-run of a past day. */
export function isBackfill(ledger: Ledger, now: number): boolean {
  return now < Date.parse(ledger.asOf);
}

const sameEntry = (a: LedgerEntry | null | undefined, b: LedgerEntry | null): boolean =>
  (a ?? null) === null
    ? b === null
    : b !== null && entryKey(a as LedgerEntry) === entryKey(b) && JSON.stringify(a) === JSON.stringify(b);

/**
 * Undoes claimed alerts that were not delivered: an entry still as the claim left it goes back to what it was
 * before (a new problem is forgotten, a reminder returns to its previous day, a recovery re-opens). An entry that
 * another run has changed since is left as it is.
 */
export function revertAlerts(map: EntryMap, alerts: readonly ClaimedAlert[]): EntryMap {
  const out = new Map(map);
  for (const alert of alerts) {
    const ref = alert.after ?? alert.before;
    if (ref === null) continue;
    const key = entryKey(ref);
    if (!sameEntry(out.get(key), alert.after)) continue;
    if (alert.before === null) out.delete(key);
    else out.set(key, alert.before);
  }
  return out;
}

/** Releases the claims whose run is past its deadline: it died without settling, so its alerts are due again. */
export function releaseExpiredClaims(ledger: Ledger, wallClock: number): Ledger {
  const expired = ledger.claims.filter((c) => Date.parse(c.expiresAt) < wallClock);
  if (expired.length === 0) return ledger;
  const map = revertAlerts(
    entryMap(ledger),
    expired.flatMap((c) => c.alerts),
  );
  return {
    ...ledger,
    entries: sortedEntries(map),
    claims: ledger.claims.filter((c) => !expired.includes(c)),
  };
}

/**
 * The ledger after a run published: its claim is removed and its undelivered alerts are undone, so the next run
 * derives them again. `current` is the ledger as stored now (another run may have written since the claim).
 */
export function settleClaim(current: Ledger, by: string, failedIds: ReadonlySet<string>): Ledger {
  const claim: Claim | undefined = current.claims.find((c) => c.by === by);
  if (!claim) return current;
  const failed = claim.alerts.filter((a) => failedIds.has(a.id));
  return {
    ...current,
    entries: sortedEntries(revertAlerts(entryMap(current), failed)),
    claims: current.claims.filter((c) => c !== claim),
  };
}

/** Compact JSON: the ledger is read by the monitor, not by people, and its size is bounded per row. */
export function serializeLedger(ledger: Ledger): string {
  return `${JSON.stringify(ledger)}\n`;
}
