/**
 * When a scheduled run evaluates. Normally at the schedule's `scheduledTime`, stable across the platform's retries.
 * But a run started by evidence changes may have alerted in between (its instant is the clock), and the ledger
 * treats any earlier instant as a backfill that sends nothing: a scheduled run retried, or merely delivered, after
 * such a run would lose the day's reminders and summary. So when the ledger's `asOf` is later than
 * `scheduledTime`, the scheduled run evaluates at the invocation time instead.
 */
import { parseLedger } from '../core/ledger';
import type { LedgerStore } from '../ports';

/** The ledger's `asOf` in ms, or null when there is no usable ledger (the run itself reports why). */
async function ledgerAsOf(ledger: LedgerStore, scheduledTime: number): Promise<number | null> {
  try {
    const stored = await ledger.read();
    const read = parseLedger(stored.bytes, scheduledTime);
    return read.ok ? Date.parse(read.ledger.asOf) : null;
  } catch {
    // Unreadable now: the run reads it again and fails loudly if it still cannot.
    return null;
  }
}

/** The evaluation instant of a scheduled run; `ledger` is null when the run does not alert. */
export async function scheduledInstant(
  scheduledTime: Date,
  ledger: LedgerStore | null,
  clock: () => Date,
): Promise<Date> {
  if (ledger === null) return scheduledTime;
  const asOf = await ledgerAsOf(ledger, scheduledTime.getTime());
  return asOf !== null && asOf > scheduledTime.getTime() ? clock() : scheduledTime;
}
