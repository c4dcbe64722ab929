import { hostname } from 'node:os';
import { heldLease, leaseState, releasedLease } from '../../lambdas/core/run-lease';
import { localHolderGone, withRunLease } from '../../lambdas/run-lease';
import { ReportWriteError, StoreBusyError } from '../../lambdas/ports';
import { MemoryLedgerStore } from '../fixtures/core/memory-store';

const T = Date.parse('2026-11-25T06:00:00Z');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('leaseState', () => {
  it('is free when absent, released, unreadable, or past its expiry', () => {
    expect(leaseState(null, T)).toEqual({ kind: 'free' });
    expect(leaseState(bytes(releasedLease()), T)).toEqual({ kind: 'free' });
    expect(leaseState(bytes('{'), T)).toEqual({ kind: 'free' });
    expect(leaseState(bytes(heldLease('run-a', T)), T)).toEqual({ kind: 'free' });
  });

  it('is held until its expiry, one millisecond before it', () => {
    expect(leaseState(bytes(heldLease('run-a', T)), T - 1)).toEqual({
      kind: 'held',
      holder: 'run-a',
      expiresAt: '2026-11-25T06:00:00Z',
    });
  });

  it('is free when the caller knows its holder to be gone', () => {
    expect(leaseState(bytes(heldLease('run-a', T + 60_000)), T, (h) => h === 'run-a')).toEqual({
      kind: 'free',
    });
  });
});

describe('localHolderGone', () => {
  it('knows a process of this host that no longer exists, and nothing else', () => {
    expect(localHolderGone(`${hostname()}:${process.pid}:2026-11-25T06:00:00Z`)).toBe(false);
    expect(localHolderGone(`${hostname()}:999999999:2026-11-25T06:00:00Z`)).toBe(true);
    expect(localHolderGone('other-host:1:2026-11-25T06:00:00Z')).toBe(false);
    expect(localHolderGone('5f0c7a1e-lambda-request-id')).toBe(false);
  });
});

describe('withRunLease', () => {
  const clockAt = (start: number) => {
    let now = start;
    return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
  };

  it('takes the lease for the work and releases it afterwards, also when the work fails', async () => {
    const store = new MemoryLedgerStore();
    const { clock } = clockAt(T);
    const options = { by: 'run-a', deadline: T + 600_000, clock };
    await withRunLease(store, options, () => {
      expect(leaseState(bytes(store.body ?? ''), T)).toMatchObject({ kind: 'held', holder: 'run-a' });
      return Promise.resolve();
    });
    expect(leaseState(bytes(store.body ?? ''), T)).toEqual({ kind: 'free' });
    await expect(withRunLease(store, options, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(leaseState(bytes(store.body ?? ''), T)).toEqual({ kind: 'free' });
  });

  it('waits while another run holds it, then runs, telling the work how long it waited', async () => {
    const store = new MemoryLedgerStore();
    store.body = heldLease('run-b', T + 5_000);
    const { clock, advance } = clockAt(T);
    const sleeps: number[] = [];
    const waited = await withRunLease(
      store,
      {
        by: 'run-a',
        deadline: T + 600_000,
        clock,
        sleep: (ms) => (sleeps.push(ms), advance(ms), Promise.resolve()),
      },
      (waitedMs) => Promise.resolve(waitedMs),
    );
    expect(sleeps).toEqual([2_000, 2_000, 2_000]);
    expect(waited).toBe(6_000);
  });

  it('gives up, without running, when the lease stays held past half of its own time', async () => {
    const store = new MemoryLedgerStore();
    store.body = heldLease('run-b', T + 3_600_000);
    const { clock, advance } = clockAt(T);
    let ran = false;
    const attempt = withRunLease(
      store,
      { by: 'run-a', deadline: T + 10_000, clock, sleep: (ms) => (advance(ms), Promise.resolve()) },
      () => ((ran = true), Promise.resolve()),
    );
    await expect(attempt).rejects.toBeInstanceOf(StoreBusyError);
    await expect(attempt).rejects.toBeInstanceOf(ReportWriteError);
    await expect(attempt).rejects.toThrow(
      /^state\/run-lease\.json: another run \(run-b\) is evaluating this store until 2026-11-25T07:00:00Z; gave up waiting after 4 s$/,
    );
    expect(ran).toBe(false);
  });
});
