/**
 * What to read of a row's drills: keys carry the completion instant, so a listing alone orders them and only
 * the newest few need a read (CONTRACT §1). Pure; the orchestrator does the listing and reading.
 */
import type { EvaluationParameters } from './cadence';
import { successes } from './cadence';
import type { JudgedDrill } from './drills';
import { formatKeyTimestamp } from './drills';
import type { WindowInForce } from './schedule';
import { DAY_MS } from './schedule';

/**
 * The listing lower bound for the first, recent listing of a row's drills: keys after
 * `drills/<rowId>/<startAfter>` hold every drill that can make the row compliant now, and every drill in the
 * readiness period of a window in force.
 */
export function recentListingStart(
  now: number,
  inForce: WindowInForce | null,
  params: EvaluationParameters,
): string {
  const cadenceStart = now - params.cadenceDays * DAY_MS;
  const from = inForce ? Math.min(cadenceStart, inForce.period.from) : cadenceStart;
  return formatKeyTimestamp(from - 1000);
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
