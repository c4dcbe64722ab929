import { alertThroughLedger, publishSignal } from '../../lambdas/alerting';
import type { OpenProblem } from '../../lambdas/core/alert-plan';
import { parseLedger } from '../../lambdas/core/ledger';
import { decidePromotion } from '../../lambdas/core/promotion';
import type { Alert } from '../../lambdas/core/schemas';
import type { AlertSink, PublishOptions, PublishResult } from '../../lambdas/ports';
import { MemoryLedgerStore } from '../fixtures/core/memory-store';

const NOW = Date.parse('2026-11-25T06:00:00Z');

/** A sink that delivers nothing until its publish signal aborts (a hung SNS endpoint), then reports every alert failed. */
class HangingSink implements AlertSink {
  readonly location = 'memory://hanging';
  abortedAfterMs: number | null = null;

  publish(alerts: readonly Alert[], options: PublishOptions = {}): Promise<PublishResult> {
    const started = Date.now();
    return new Promise((resolve) => {
      options.signal?.addEventListener('abort', () => {
        this.abortedAfterMs = Date.now() - started;
        resolve({ delivered: [], failed: alerts.map((a) => ({ id: a.id, error: 'aborted' })) });
      });
    });
  }
}

const problem: OpenProblem = { rowId: 'row-a', topic: 'overdue', blocking: true, waived: false };

describe('publishSignal', () => {
  it('aborts a tenth before the claim expires, keeping at most 30 s to settle the ledger', async () => {
    const short = publishSignal(200);
    expect(short.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(short.aborted).toBe(true);
    expect(publishSignal(15 * 60_000).aborted).toBe(false);
  });
});

describe('alertThroughLedger', () => {
  it('stops a publish that hangs before its claim expires, and undoes what it claimed so the next run sends it', async () => {
    const ledger = new MemoryLedgerStore();
    const sink = new HangingSink();
    const outcome = await alertThroughLedger({
      sink,
      ledger,
      problems: [problem],
      canClose: () => true,
      render: {
        now: NOW,
        reportKey: 'reports/2026-11-25/usr-operational-readiness-validation.json',
        promotion: decidePromotion([], [], null),
        counts: {},
        rowsById: new Map(),
        reportsById: new Map(),
      },
      now: NOW,
      clock: () => new Date(),
      claimTtlMs: 300,
      by: 'hanging-run',
      scheduled: true,
    });
    expect(sink.abortedAfterMs).not.toBeNull();
    expect(sink.abortedAfterMs ?? Infinity).toBeLessThan(300);
    expect(outcome.failed.map((f) => f.id)).toEqual([
      '2026-11-25/overdue/row-a@060000Z',
      '2026-11-25/summary/_run',
    ]);
    const stored = parseLedger(new TextEncoder().encode(ledger.body ?? ''), NOW);
    expect(stored.ok && stored.ledger.claims).toEqual([]);
    expect(stored.ok && stored.ledger.entries).toEqual([]);
  });
});
