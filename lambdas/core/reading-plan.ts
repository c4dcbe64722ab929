/**
 * What to read of a row's drills: keys carry the completion instant, so a listing alone orders them and only
 * the newest few need a read (docs/performance.md, "Deep history"). Pure; the orchestrator (`collect-row.ts`) lists and reads.
 *
 * S3 lists keys in ascending order only. Rather than one listing of a row's whole older history when its recent
 * part holds no success (⌈n / 1000⌉ requests for n older keys), the history is listed backwards in windows:
 *
 * 1. The first listing starts one cadence before the recent part (`ListingPlan.first`, k = 1). It is consumed in
 *    two steps: the recent keys; then, only when they hold no success, the cadence before them.
 * 2. Then one probe: the row's oldest `PROBE_KEYS` keys, one request. It tells where the history begins (the
 *    windows stop there) and holds every nonconforming key that sorts before the timestamps (`-x.json`).
 * 3. Then windows `(R − 2k·cadence, R − k·cadence]` for k = 1, 2, 4, … (R: the recent part's bound), each
 *    ending where the previous listing began, down to the probe's last key (`nextWindow`).
 *
 * Between windows the reading stops as soon as `hasEnough` holds for the newest key the next window could
 * hold, so the same drills are read as with one listing of the whole history.
 */
import type { EvaluationParameters } from './cadence';
import { lastSuccessOf, successes } from './cadence';
import type { JudgedDrill } from './drills';
import { formatKeyTimestamp, keyTimestamp } from './drills';
import type { WindowInForce } from './schedule';
import { DAY_MS } from './schedule';

/** The probe lists this many of a row's oldest keys: one S3 page, the most one ListObjectsV2 returns. */
export const PROBE_KEYS = 1000;

/** The earliest instant a four-digit key timestamp names (0000-01-01T00:00:00Z); windows stop there. */
export const EARLIEST_KEY_INSTANT = Date.parse('0000-01-01T00:00:00Z');

const floorToSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** The instant of the recent listing's bound (see `recentListingStart`), floored to the second. */
function recentListingAt(now: number, inForce: WindowInForce | null, params: EvaluationParameters): number {
  const cadenceStart = now - params.cadenceDays * DAY_MS;
  const from = inForce ? Math.min(cadenceStart, inForce.period.from) : cadenceStart;
  return floorToSecond(from - 1000);
}

/**
 * The listing lower bound for the recent part of a row's drills: keys after `drills/<rowId>/<startAfter>`
 * hold every drill that can make the row compliant now, and every drill in the readiness period of a window
 * in force.
 */
export function recentListingStart(
  now: number,
  inForce: WindowInForce | null,
  params: EvaluationParameters,
): string {
  return formatKeyTimestamp(recentListingAt(now, inForce, params));
}

/** The lower bound of one listing: every key after `drills/<rowId>/<after>` has been listed. */
export interface Span {
  /** A key timestamp `YYYYMMDDTHHMMSSZ`; for the last window, the probe's last key name. */
  readonly after: string;
  /** The instant `after` names: every conforming key at or before `after` is keyed at least 1 s earlier. */
  readonly at: number;
  /** `after` lies `k` cadences before the recent part's bound. */
  readonly k: number;
}

/** Where a row's listings begin, for an evaluation at `now`. */
export interface ListingPlan {
  /** Keys after it are the recent part, read first (`recentListingStart`). */
  readonly recentAfter: string;
  /** The first listing: from one cadence before `recentAfter`. */
  readonly first: Span;
  readonly recentAt: number;
  readonly cadenceMs: number;
}

/** The bound `k` cadences before the recent part's, never before `EARLIEST_KEY_INSTANT`. */
function spanAt(recentAt: number, k: number, cadenceMs: number): Span {
  const at = floorToSecond(Math.max(recentAt - k * cadenceMs, EARLIEST_KEY_INSTANT));
  return { after: formatKeyTimestamp(at), at, k };
}

export function listingPlan(
  now: number,
  inForce: WindowInForce | null,
  params: EvaluationParameters,
): ListingPlan {
  const recentAt = recentListingAt(now, inForce, params);
  const cadenceMs = params.cadenceDays * DAY_MS;
  return {
    recentAfter: formatKeyTimestamp(recentAt),
    first: spanAt(recentAt, 1, cadenceMs),
    recentAt,
    cadenceMs,
  };
}

/**
 * The next window below `span`: keys after the returned span's `after` and at or before `span.after`. Null when
 * nothing below `span` is left unlisted: the probe returned the whole folder (`floor` null) or reached `span`.
 * `floor` is the probe's last key name: everything at or before it is known. The window reaching the floor (or
 * the earliest key instant) starts after the floor and is the last one.
 */
export function nextWindow(plan: ListingPlan, span: Span, floor: string | null): Span | null {
  if (floor === null || span.after <= floor) return null;
  for (let k = span.k * 2; ; k *= 2) {
    const next = spanAt(plan.recentAt, k, plan.cadenceMs);
    if (next.at <= EARLIEST_KEY_INSTANT || next.after <= floor) return { after: floor, at: next.at, k };
    // A cadence under a second can leave the bound where it was: widen until it moves.
    if (next.after < span.after) return next;
  }
}

/** Whether the older history is needed at all: only when the recent part holds no success. */
export function needsOlderHistory(judged: readonly JudgedDrill[]): boolean {
  return lastSuccessOf(judged) === null;
}

/** Whether reading can stop before listing what lies at or before `span.after` (see `hasEnough`). */
export function hasEnoughAbove(
  judged: readonly JudgedDrill[],
  inForce: WindowInForce | null,
  span: Span,
): boolean {
  return hasEnough(judged, inForce, span.at - 1000);
}

/** Splits listed entries at `drills/<rowId>/<after>`: those at or before it, and those after it. */
export function splitAt<T extends { readonly key: string }>(
  entries: readonly T[],
  folder: string,
  after: string,
): [atOrBefore: T[], later: T[]] {
  const bound = folder + after;
  return [entries.filter((e) => e.key <= bound), entries.filter((e) => e.key > bound)];
}

/** Splits entries into nonconforming keys (always read) and timestamped ones (read newest first as needed). */
export function byConformity<T extends { readonly key: string }>(
  entries: readonly T[],
): [nonconforming: T[], conforming: T[]] {
  return [
    entries.filter((e) => keyTimestamp(e.key) === null),
    entries.filter((e) => keyTimestamp(e.key) !== null),
  ];
}

/**
 * Whether the reading (newest first) can stop before an artifact whose order instant is `nextAt`: once the
 * latest success is known and, for a window in progress, it is known whether a success falls in its readiness
 * period. Failures after the last success are always newer than it and so already read.
 */
export function hasEnough(
  judged: readonly JudgedDrill[],
  inForce: WindowInForce | null,
  nextAt: number | null,
): boolean {
  const found = successes(judged);
  const latest = found[0];
  if (latest === undefined) return false;
  // An unread drill newer than the latest success could be a later success or a failure after it. Key times
  // are floored to the second, so a drill keyed in the same second may still have completed after it.
  if (nextAt !== null && nextAt + 1000 > latest.completedAt) return false;
  if (!inForce) return true;
  if (found.some((s) => s.completedAt <= inForce.period.to)) return true;
  return nextAt !== null && nextAt <= inForce.period.from;
}
