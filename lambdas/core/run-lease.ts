/**
 * The run lease (`state/run-lease.json`): at most one evaluation of a store at a time, so that two runs never
 * interleave their reports, manifests and history. The lease is free when absent, released, past its holder's
 * deadline, or held by a holder the caller knows to be gone. Pure.
 */
import { decodeJson } from './json-input';
import type { RunLease } from './schemas';
import { RUN_LEASE_SCHEMA_VERSION, RunLeaseSchema } from './schemas';
import { isoInstant } from './time';

export type LeaseState =
  { readonly kind: 'free' } | { readonly kind: 'held'; readonly holder: string; readonly expiresAt: string };

/**
 * The state of the stored lease at `wallClock`. A lease that cannot be read is free: it is only a mutex, and the
 * worst an overwrite can cause is two runs at once, whose alerts the ledger still sends once.
 */
export function leaseState(
  bytes: Uint8Array | null,
  wallClock: number,
  holderGone: (holder: string) => boolean = () => false,
): LeaseState {
  if (bytes === null) return { kind: 'free' };
  const decoded = decodeJson(bytes);
  const parsed = decoded.ok ? RunLeaseSchema.safeParse(decoded.value) : null;
  if (!parsed?.success) return { kind: 'free' };
  const { holder, expiresAt } = parsed.data;
  if (holder === null || expiresAt === null) return { kind: 'free' };
  if (Date.parse(expiresAt) <= wallClock || holderGone(holder)) return { kind: 'free' };
  return { kind: 'held', holder, expiresAt };
}

const serialize = (lease: RunLease): string => `${JSON.stringify(lease)}\n`;

export function heldLease(holder: string, deadline: number): string {
  return serialize({ schemaVersion: RUN_LEASE_SCHEMA_VERSION, holder, expiresAt: isoInstant(deadline) });
}

export function releasedLease(): string {
  return serialize({ schemaVersion: RUN_LEASE_SCHEMA_VERSION, holder: null, expiresAt: null });
}
