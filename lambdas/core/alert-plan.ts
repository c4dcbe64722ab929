/**
 * Which alerts a run sends (docs/rules.md, "Alerts"), derived from transitions between the ledger and this run's
 * open problems, as healthchecks derives its notifications from flips:
 *
 * - a problem alerts when it first appears (`opened`), in any run;
 * - again once per day while it stays open on a blocking row (`reminder`), in the scheduled run only;
 * - `recovered` when it closes, in any run — but only when the run could see its row (`canClose`);
 * - one `summary` per day, in the scheduled run only;
 * - a waived problem is silent: its entry is dropped without a recovery, so it alerts as new when the waiver ends.
 *
 * Alert ids are unique per published message and identical when a run is retried with the same `now`:
 * `<day>/<type>/<rowId>[/<ref>]` for a reminder, with `@<time of now>` appended for an opened or recovered alert
 * (a problem may close and reopen within a day), `<day>/recovered/<rowId>/<topic>[/<ref>]@<time>` and
 * `<day>/summary/_run`. Pure.
 */
import type { AlertType, LedgerTopic } from '../constants';
import { RUN_ROW_ID } from '../constants';
import type { EntryMap } from './ledger';
import { entryKey, entryMap, releaseExpiredClaims, sortedEntries, summaryEntry, utcDay } from './ledger';
import { compare } from './order';
import type { ClaimedAlert, Ledger, LedgerEntry } from './schemas';
import { isoInstant } from './time';

/** One open problem of this run, as the ledger tracks it. */
export interface OpenProblem {
  readonly rowId: string;
  readonly topic: Exclude<LedgerTopic, 'summary'>;
  /** The waiver id of a `waiver-expiring` problem. */
  readonly ref?: string;
  readonly blocking: boolean;
  /** Covered by an active waiver: sends nothing, and its entry is dropped silently. */
  readonly waived: boolean;
}

export type AlertKind = 'opened' | 'reminder' | 'recovered' | 'summary';

/** One alert to send: what it is about, before rendering. */
export interface AlertIntent {
  readonly id: string;
  readonly alertType: AlertType;
  readonly kind: AlertKind;
  /** The entry the alert is about (for a recovery: the entry that closed). */
  readonly entry: LedgerEntry;
}

export interface PlanContext {
  readonly now: number;
  /** Wall-clock time of planning (not `now`, which may replay a past instant). */
  readonly wallClock: number;
  /** How long this run may still take: its claim expires after that. */
  readonly claimTtlMs: number;
  /** This run's claim token. */
  readonly by: string;
  /** The scheduled (daily) run sends reminders and the summary; a triggered run only opened and recovered. */
  readonly scheduled: boolean;
  /** Whether an entry whose problem is not open now may close: false when this run could not see its row. */
  readonly canClose: (entry: LedgerEntry) => boolean;
}

export interface AlertPlan {
  /** What to publish now, sorted by id. */
  readonly intents: readonly AlertIntent[];
  /** The ledger to write before publishing: every intent claimed as sent, with what to undo if it is not. */
  readonly claimed: Ledger;
  /** Whether `claimed` differs from the stored ledger at all (beyond a later `asOf`). */
  readonly changed: boolean;
}

interface Step {
  readonly intent: AlertIntent | null;
  readonly after: LedgerEntry | null;
}

/** `@HHMMSSZ` (with milliseconds when not zero) of `now`: tells apart two transitions of one day. */
const atTime = (now: number): string => `@${isoInstant(now).slice(11).replace(/:/g, '')}`;
const tail = (e: { readonly rowId: string; readonly ref?: string | undefined }): string =>
  `${e.rowId}${e.ref === undefined ? '' : `/${e.ref}`}`;

function step(p: OpenProblem, before: LedgerEntry | undefined, ctx: PlanContext): Step {
  const today = utcDay(ctx.now);
  const key = { rowId: p.rowId, topic: p.topic, ...(p.ref === undefined ? {} : { ref: p.ref }) };
  if (p.waived) return { intent: null, after: null };
  if (before === undefined || before.lastAlerted === null) {
    const after: LedgerEntry = {
      ...key,
      blocking: p.blocking,
      firstSeen: before?.firstSeen ?? isoInstant(ctx.now),
      lastAlerted: today,
    };
    const id = `${today}/${p.topic}/${tail(key)}${atTime(ctx.now)}`;
    return { intent: { id, alertType: p.topic, kind: 'opened', entry: after }, after };
  }
  const remind = ctx.scheduled && p.blocking && before.lastAlerted < today;
  const after: LedgerEntry = {
    ...before,
    blocking: p.blocking,
    lastAlerted: remind ? today : before.lastAlerted,
  };
  if (!remind) return { intent: null, after };
  const id = `${today}/${p.topic}/${tail(key)}`;
  return { intent: { id, alertType: p.topic, kind: 'reminder', entry: after }, after };
}

function closing(entry: LedgerEntry, ctx: PlanContext): Step {
  if (!ctx.canClose(entry)) return { intent: null, after: entry };
  // An expiring waiver that is no longer expiring (renewed or ended) has nothing to recover from.
  if (entry.topic === 'waiver-expiring') return { intent: null, after: null };
  const id = `${utcDay(ctx.now)}/recovered/${entry.rowId}/${entry.topic}${entry.ref === undefined ? '' : `/${entry.ref}`}${atTime(ctx.now)}`;
  return { intent: { id, alertType: 'recovered', kind: 'recovered', entry }, after: null };
}

function summaryStep(before: LedgerEntry | undefined, ctx: PlanContext): Step {
  const today = utcDay(ctx.now);
  if (!ctx.scheduled || before?.lastAlerted === today) return { intent: null, after: before ?? null };
  const after: LedgerEntry = { ...(before ?? summaryEntry(null, ctx.now)), lastAlerted: today };
  return {
    intent: { id: `${today}/summary/${RUN_ROW_ID}`, alertType: 'summary', kind: 'summary', entry: after },
    after,
  };
}

/** Derives this run's alerts and the claimed ledger from the stored ledger and the open problems. */
export function planAlerts(stored: Ledger, problems: readonly OpenProblem[], ctx: PlanContext): AlertPlan {
  const base = releaseExpiredClaims(stored, ctx.wallClock);
  const before = entryMap(base);
  const after: EntryMap = new Map();
  const claimed: ClaimedAlert[] = [];
  const intents: AlertIntent[] = [];
  const apply = (key: string, s: Step): void => {
    const previous = before.get(key) ?? null;
    if (s.after !== null) after.set(key, s.after);
    if (s.intent === null) return;
    intents.push(s.intent);
    claimed.push({ id: s.intent.id, alertType: s.intent.alertType, before: previous, after: s.after });
  };
  const current = new Set<string>();
  for (const p of problems) {
    const key = entryKey(p);
    current.add(key);
    apply(key, step(p, before.get(key), ctx));
  }
  const summaryKey = entryKey({ rowId: RUN_ROW_ID, topic: 'summary' });
  for (const [key, entry] of before) {
    if (key === summaryKey || current.has(key)) continue;
    apply(key, closing(entry, ctx));
  }
  apply(summaryKey, summaryStep(before.get(summaryKey), ctx));
  intents.sort((a, b) => compare(a.id, b.id));
  claimed.sort((a, b) => compare(a.id, b.id));
  const entries = sortedEntries(after);
  const asOf = Date.parse(base.asOf) > ctx.now ? base.asOf : isoInstant(ctx.now);
  const claims =
    claimed.length === 0
      ? base.claims
      : [
          ...base.claims,
          { by: ctx.by, expiresAt: isoInstant(ctx.wallClock + ctx.claimTtlMs), alerts: claimed },
        ];
  const next: Ledger = { ...base, asOf, entries, claims };
  const changed =
    base !== stored || JSON.stringify(stored.entries) !== JSON.stringify(entries) || claimed.length > 0;
  return { intents, claimed: next, changed };
}
