/**
 * Holding the run lease around a whole run: wait (polling) while another run holds it, take it with the ledger's
 * compare-and-swap, release it at the end whatever happened. A run that cannot get the lease within half of its own
 * time fails (exit 2 / a failed invocation that the platform retries) rather than evaluate beside another run.
 */
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { LEASE_POLL_MS, RUN_LEASE_KEY } from './constants';
import { heldLease, leaseState, releasedLease } from './core/run-lease';
import type { LedgerStore } from './ports';
import { StoreBusyError } from './ports';

export interface LeaseOptions {
  /** This run's name (`<host>:<pid>:<start>` for the CLI, the request id in Lambda). */
  readonly by: string;
  /** Wall-clock instant (ms) when this run must be done: the lease's expiry. */
  readonly deadline: number;
  readonly clock: () => Date;
  /** Waits between looks at a held lease. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A holder named `<this host>:<pid>:…` whose process no longer exists is gone (a CLI run killed with Ctrl-C): its
 * lease need not be waited out. Holders on other hosts, and Lambda request ids, are waited for until they expire.
 */
export function localHolderGone(holder: string): boolean {
  const [host, pid] = holder.split(':');
  if (host !== hostname() || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ESRCH';
  }
}

async function acquire(store: LedgerStore, options: LeaseOptions): Promise<string | null> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const start = options.clock().getTime();
  const giveUpAt = start + (options.deadline - start) / 2;
  for (;;) {
    const stored = await store.read();
    const now = options.clock().getTime();
    const state = leaseState(stored.bytes, now, localHolderGone);
    if (state.kind === 'free') {
      const written = await store.write(heldLease(options.by, options.deadline), stored.version);
      if (written.kind === 'ok') return written.version;
      continue;
    }
    if (now + LEASE_POLL_MS > giveUpAt)
      throw new StoreBusyError(
        `${RUN_LEASE_KEY}: another run (${state.holder}) is evaluating this store until ${state.expiresAt}; gave up waiting after ${Math.round((now - start) / 1000)} s`,
      );
    await sleep(LEASE_POLL_MS);
  }
}

/** Runs `work` holding the store's run lease; `work` gets how long the wait took (ms). */
export async function withRunLease<T>(
  store: LedgerStore,
  options: LeaseOptions,
  work: (waitedMs: number) => Promise<T>,
): Promise<T> {
  const start = options.clock().getTime();
  const version = await acquire(store, options);
  try {
    return await work(options.clock().getTime() - start);
  } finally {
    // A release that fails leaves the lease to expire at this run's deadline; the run's own outcome stands.
    await store.write(releasedLease(), version).catch(() => undefined);
  }
}
