/**
 * Alerting through the ledger (docs/rules.md, "Alerts"): claim → publish → settle, with optimistic concurrency on the ledger
 * so that overlapping or retried runs publish nothing twice. The decisions are the core's (`alert-plan.ts`,
 * `ledger.ts`); this file does the I/O and the retries on conflict.
 */
import { LEDGER_KEY } from './constants';
import type { AlertIntent, OpenProblem } from './core/alert-plan';
import { planAlerts } from './core/alert-plan';
import type { RenderContext } from './core/alert-render';
import { renderAlert } from './core/alert-render';
import type { LedgerRead } from './core/ledger';
import { isBackfill, parseLedger, serializeLedger, settleClaim } from './core/ledger';
import type { Alert, Ledger, LedgerEntry } from './core/schemas';
import type { AlertSink, LedgerStore } from './ports';
import { LedgerError, ReportWriteError } from './ports';

const MAX_LEDGER_ATTEMPTS = 5;

export interface AlertRequest {
  readonly sink: AlertSink;
  readonly ledger: LedgerStore;
  readonly problems: readonly OpenProblem[];
  readonly canClose: (entry: LedgerEntry) => boolean;
  readonly render: Omit<RenderContext, 'openProblems'>;
  readonly now: number;
  readonly clock: () => Date;
  readonly claimTtlMs: number;
  readonly by: string;
  readonly scheduled: boolean;
}

export interface AlertOutcome {
  readonly alerts: readonly Alert[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
  /** Why nothing was sent on purpose (a backfill), else null. */
  readonly skipped: string | null;
  /** The ledger was migrated from an earlier format during this run. */
  readonly migratedFrom: string | null;
}

const NOTHING: AlertOutcome = { alerts: [], failed: [], skipped: null, migratedFrom: null };

async function readLedger(
  store: LedgerStore,
  now: number,
): Promise<{ read: LedgerRead & { ok: true }; version: string | null }> {
  const stored = await store.read();
  const read = parseLedger(stored.bytes, now);
  if (!read.ok)
    throw new LedgerError(
      `${LEDGER_KEY}: ${read.problem}; no alert was sent. Fix or restore the ledger (S3 versioning keeps earlier versions); deleting it makes every open problem alert again`,
    );
  return { read, version: stored.version };
}

/** Claims the alerts in the ledger, publishes them, then settles the ledger. Throws LedgerError / ReportWriteError. */
export async function alertThroughLedger(request: AlertRequest): Promise<AlertOutcome> {
  for (let attempt = 1; attempt <= MAX_LEDGER_ATTEMPTS; attempt++) {
    const { read, version } = await readLedger(request.ledger, request.now);
    if (isBackfill(read.ledger, request.now))
      return {
        ...NOTHING,
        skipped: `backfill: ${new Date(request.now).toISOString()} is earlier than the ledger's asOf ${read.ledger.asOf}; the live ledger is left alone`,
      };
    const wallClock = request.clock().getTime();
    const plan = planAlerts(read.ledger, request.problems, { ...request, wallClock });
    if (!plan.changed && read.migratedFrom === null) return NOTHING;
    const claim = await request.ledger.write(serializeLedger(plan.claimed), version);
    if (claim.kind === 'conflict') continue;
    if (plan.intents.length === 0) return { ...NOTHING, migratedFrom: read.migratedFrom };
    const { alerts, failed } = await publish(request, plan.intents, publishSignal(request.claimTtlMs));
    await settle(request, plan.claimed, claim.version, new Set(failed.map((f) => f.id)));
    return { alerts, failed, skipped: null, migratedFrom: read.migratedFrom };
  }
  throw new ReportWriteError(
    `${LEDGER_KEY}: could not claim the alert ledger after ${MAX_LEDGER_ATTEMPTS} conflicts`,
  );
}

/**
 * Publishing stops short of the claim's expiry (a tenth of it, at most 30 s, is kept to settle the ledger), so a
 * later run never re-derives an alert this run is still sending.
 */
export function publishSignal(claimTtlMs: number): AbortSignal {
  return AbortSignal.timeout(Math.max(0, claimTtlMs - Math.min(30_000, claimTtlMs / 10)));
}

async function publish(
  request: AlertRequest,
  intents: readonly AlertIntent[],
  signal: AbortSignal,
): Promise<{ alerts: Alert[]; failed: { id: string; error: string }[] }> {
  const context: RenderContext = {
    ...request.render,
    openProblems: request.problems.filter((p) => !p.waived).length,
  };
  const alerts = intents.map((intent) => renderAlert(intent, context));
  const result = await request.sink.publish(alerts, { signal });
  const delivered = new Set(result.delivered);
  const reported = new Set(result.failed.map((f) => f.id));
  const failed = [
    ...result.failed,
    ...alerts
      .filter((a) => !delivered.has(a.id) && !reported.has(a.id))
      .map((a) => ({ id: a.id, error: 'not acknowledged by the alert sink' })),
  ];
  return { alerts, failed };
}

/** Settles this run's claim: retried on conflict against the ledger as it is then. */
async function settle(
  request: AlertRequest,
  claimed: Ledger,
  claimedVersion: string | null,
  failedIds: ReadonlySet<string>,
): Promise<void> {
  let current = claimed;
  let version = claimedVersion;
  for (let attempt = 1; attempt <= MAX_LEDGER_ATTEMPTS; attempt++) {
    const written = await request.ledger.write(
      serializeLedger(settleClaim(current, request.by, failedIds)),
      version,
    );
    if (written.kind === 'ok') return;
    const reread = await readLedger(request.ledger, request.now);
    current = reread.read.ledger;
    version = reread.version;
  }
  throw new ReportWriteError(
    `${LEDGER_KEY}: could not settle the alert ledger after ${MAX_LEDGER_ATTEMPTS} conflicts`,
  );
}
