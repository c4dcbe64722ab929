/**
 * The one orchestration, shared by the CLI and the Lambda handler: load → evaluate → alert → write reports.
 * Everything it touches comes in through the ports; the clock comes in as `now` and `generatedAt`. The rules are
 * the core's; this file only sequences them.
 */
import { hostname } from 'node:os';
import packageJson from '../package.json';
import type { AlertOutcome } from './alerting';
import { auditFiles, readAuditHistory, writeHistory } from './audit-outputs';
import { alertThroughLedger } from './alerting';
import { arrivalCheck } from './check-arrivals';
import { collectRow } from './collect-row';
import { mapConcurrent } from './run-helpers';
import { DEFAULT_CLAIM_TTL_MS, DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, LEDGER_KEY } from './constants';
import { withArrivalWarnings } from './core/arrivals';
import type { EvaluationParameters } from './core/cadence';
import type { RowEvaluation } from './core/evaluate-row';
import { evaluateRow } from './core/evaluate-row';
import type { RunVerdict } from './core/evaluate-run';
import { inForceAt, judgeRun } from './core/evaluate-run';
import type { RunTrigger } from './core/evidence-events';
import { reportedTrigger, runTrigger, sendsDailyAlerts } from './core/evidence-events';
import { alertingProblems } from './core/problems';
import type { ReportSet } from './core/reports';
import {
  INCIDENT_FILE,
  ROLLBACK_FILE,
  VALIDATION_FILE,
  buildReports,
  reportKeys,
  serialize,
} from './core/reports';
import type { Alert, ValidationReport } from './core/schemas';
import type { RunInputs } from './load-inputs';
import { loadInputs } from './load-inputs';
import type { AlertSink, EvidenceStore, LedgerStore, ReportSink } from './ports';
import { LedgerError, ReportWriteError } from './ports';
import { isoInstant } from './core/time';
import type { WaiverEffect } from './core/waiver-effect';
import { applyWaivers } from './core/waiver-effect';
import { withRunLease } from './run-lease';
import type { WrittenOutputs } from './write-reports';
import { latestAsOf, writeOutputs } from './write-reports';

export { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, LEDGER_KEY };
export const MONITOR_VERSION: string = packageJson.version;

export interface MonitorOptions {
  readonly policyKey: string;
  readonly scheduleKey: string;
  /** The waivers document (docs/waivers.md). @default 'policy/waivers.json' */
  readonly waiversKey?: string;
  /** The longest a waiver may last, in days. @default 30 */
  readonly maxWaiverDays?: number;
  readonly parameters: EvaluationParameters;
  /** How many rows are read at once. */
  readonly concurrency: number;
}

export interface MonitorDeps {
  readonly store: EvidenceStore;
  readonly reports: ReportSink;
  /** Null: no alerting (the ledger is left untouched). */
  readonly alerts: { readonly sink: AlertSink; readonly ledger: LedgerStore } | null;
  /** The evaluation instant. */
  readonly now: Date;
  /** The wall clock, for `generatedAt` and the ledger claim's deadline. */
  readonly clock: () => Date;
  /**
   * How long this run may still take (a Lambda's remaining time): the ledger claim expires after it, so a later
   * run re-sends what a run that died mid-way had claimed. @default 15 minutes
   */
  readonly claimTtlMs?: number;
  /** This run's name in a ledger claim. @default - `<host>:<pid>:<start time>` */
  readonly runId?: string;
  /** Progress: called after each row is evaluated. */
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * What started the run (recorded in the validation report). A run started by evidence changes sends no
   * reminders and no summary, and checks the drills it names on arrival. @default - a manual run
   */
  readonly trigger?: RunTrigger;
  /**
   * The store's run lease (`state/run-lease.json`, beside the ledger): the run holds it from start to end, so at
   * most one evaluation of the store runs at a time. @default - none (the caller serialises its runs)
   */
  readonly lease?: LedgerStore;
  /**
   * Evaluate at the clock instead of `now` when `reports/latest/` already holds a later evaluation: a scheduled run
   * retried or delivered after a run that evidence changes started must not be a stale backfill. @default false
   */
  readonly catchUp?: boolean;
}

export interface RunSummary {
  readonly asOf: string;
  readonly decision: 'go' | 'no-go';
  readonly rows: number;
  readonly blockingRows: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly warnings: number;
  readonly blockers: number;
  /** Blockers accepted by an active waiver. */
  readonly waived: number;
  readonly evidenceRead: number;
  readonly alertsPublished: number;
  readonly alertsFailed: number;
  readonly reportKeys: readonly string[];
  /** False for a backfill: `reports/latest/` already holds a later run. */
  readonly latestMoved: boolean;
  /** False when `reports/<date>/` already holds a later evaluation of the same day: nothing was written. */
  readonly dayMoved: boolean;
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly reports: ReportSet;
  readonly rows: readonly RowEvaluation[];
  readonly alerts: readonly Alert[];
}

/** Reads and evaluates every valid row of the policy, `concurrency` at a time. */
async function evaluateRows(
  deps: MonitorDeps,
  inputs: RunInputs,
  options: MonitorOptions,
): Promise<RowEvaluation[]> {
  const now = deps.now.getTime();
  const { policy } = inputs;
  const inForce = inForceAt(inputs.schedule, now, options.parameters);
  let done = 0;
  return mapConcurrent(policy.rows, options.concurrency, async (row) => {
    const collected = await collectRow(deps.store, row, policy.catalog, inForce, now, options.parameters);
    const evaluation = evaluateRow(
      row,
      collected.judged,
      collected.listing,
      inForce,
      now,
      options.parameters,
    );
    deps.onProgress?.(++done, policy.rows.length);
    return evaluation;
  });
}

interface AlertPhase {
  readonly outcome: AlertOutcome | null;
  readonly section: ValidationReport['alerts'];
  /** A ledger failure: the reports are still written, then the run fails with it. */
  readonly failure: Error | null;
}

async function alertPhase(
  deps: MonitorDeps,
  inputs: RunInputs,
  rows: readonly RowEvaluation[],
  verdict: RunVerdict,
  waivers: WaiverEffect,
): Promise<AlertPhase> {
  if (!deps.alerts) return { outcome: null, section: null, failure: null };
  const now = deps.now.getTime();
  const { problems, canClose } = alertingProblems({
    rows,
    documentFindings: verdict.documentFindings,
    waived: waivers.waived,
    expiringWaivers: waivers.expiring,
  });
  let outcome: AlertOutcome | null = null;
  let failure: Error | null = null;
  try {
    outcome = await alertThroughLedger({
      sink: deps.alerts.sink,
      ledger: deps.alerts.ledger,
      problems,
      canClose,
      render: {
        now,
        reportKey: reportKeys(now, VALIDATION_FILE)[0],
        promotion: verdict.promotion,
        counts: verdict.statuses,
        rowsById: new Map(inputs.policy.rows.map((row) => [row.id, row])),
        reportsById: new Map(rows.map((r) => [r.report.rowId, r.report])),
        waiversById: waivers.facts,
      },
      now,
      clock: deps.clock,
      claimTtlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
      by: deps.runId ?? `${hostname()}:${process.pid}:${deps.clock().toISOString()}`,
      scheduled: sendsDailyAlerts(deps.trigger ?? runTrigger('manual')),
    });
  } catch (error) {
    if (!(error instanceof ReportWriteError) && !(error instanceof LedgerError)) throw error;
    failure = error;
  }
  return { outcome, section: deliverySection(deps.alerts.sink, outcome, failure), failure };
}

function deliverySection(
  sink: AlertSink,
  outcome: AlertOutcome | null,
  failure: Error | null,
): NonNullable<ValidationReport['alerts']> {
  const byId = new Map((outcome?.alerts ?? []).map((a) => [a.id, a]));
  return {
    sink: sink.location,
    undelivered: (outcome?.failed ?? []).map((f) => {
      const alert = byId.get(f.id);
      const rowId = alert?.attributes.rowId;
      return {
        id: f.id,
        alertType: alert?.alertType ?? 'summary',
        ...(typeof rowId === 'string' ? { rowId } : {}),
        error: f.error,
      };
    }),
    ...(failure ? { error: failure.message } : {}),
    ...(outcome?.skipped ? { skipped: outcome.skipped } : {}),
  };
}

interface Evaluated {
  readonly trigger: RunTrigger;
  readonly rows: readonly RowEvaluation[];
  readonly verdict: RunVerdict;
  readonly waivers: WaiverEffect;
}

/**
 * Every row evaluated (the drills an event named checked on arrival too), the run judged, and the active waivers
 * applied: what the alerts and the reports are made of.
 */
async function evaluateRun(
  deps: MonitorDeps,
  inputs: RunInputs,
  options: MonitorOptions,
): Promise<Evaluated> {
  const now = deps.now.getTime();
  const trigger = deps.trigger ?? runTrigger('manual');
  const arrivals = arrivalCheck(deps.store, trigger.created, options.concurrency);
  const evaluated = await evaluateRows({ ...deps, store: arrivals.store }, inputs, options);
  const arrived = await arrivals.complete(evaluated, inputs.policy, now);
  const judged = withArrivalWarnings(
    judgeRun(inputs.policy, inputs.schedule, arrived.rows, now, options.parameters),
    arrived.findings,
  );
  const waivers = applyWaivers(inputs.waivers, arrived.rows, judged, {
    now,
    warnDays: options.parameters.warnDays,
  });
  return { trigger, rows: waivers.rows, verdict: waivers.verdict, waivers };
}

/**
 * One run of the monitor, holding the store's run lease when there is one. Throws only `StoreUnreachableError`,
 * `ReportWriteError` and `LedgerError`.
 */
export async function runMonitor(deps: MonitorDeps, options: MonitorOptions): Promise<RunResult> {
  await deps.store.checkReachable();
  const started = deps.clock().getTime();
  const ttl = deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  const by = deps.runId ?? `${hostname()}:${process.pid}:${isoInstant(started)}`;
  const run = (waitedMs: number): Promise<RunResult> =>
    runHeld({ ...deps, runId: by, claimTtlMs: Math.max(0, ttl - waitedMs) }, options);
  if (!deps.lease) return run(0);
  return withRunLease(deps.lease, { by, deadline: started + ttl, clock: deps.clock }, run);
}

/** The evaluation instant: `now`, or the clock for a catching-up run behind `reports/latest/`. */
function effectiveNow(deps: MonitorDeps, latest: number | null): number {
  const now = deps.now.getTime();
  return deps.catchUp && latest !== null && latest > now ? deps.clock().getTime() : now;
}

async function runHeld(held: MonitorDeps, options: MonitorOptions): Promise<RunResult> {
  const latest = await latestAsOf(held.reports);
  const now = effectiveNow(held, latest);
  const deps: MonitorDeps = { ...held, now: new Date(now) };
  const inputs = await loadInputs(deps.store, options);
  const { trigger, rows, verdict, waivers } = await evaluateRun(deps, inputs, options);
  const alerting = await alertPhase(deps, inputs, rows, verdict, waivers);
  const reportRows = rows.map((r) => r.report);
  const history = await readAuditHistory(deps.reports, now, reportRows, verdict.promotion.decision);
  const reports = buildReports(
    {
      generatedAt: deps.clock().toISOString(),
      now,
      monitorVersion: MONITOR_VERSION,
      parameters: options.parameters,
      store: deps.store.location,
      policySource: inputs.policySource,
      policyVersion: inputs.policy.policyVersion,
      trigger: reportedTrigger(trigger),
    },
    verdict.documentFindings,
    inputs.policy.rowCount,
    rows,
    verdict.promotion,
    alerting.section,
    history.changes,
    { records: waivers.records, source: inputs.waiversSource },
  );
  const outputs = await writeOutputs(deps.reports, now, latest, [
    { file: VALIDATION_FILE, body: serialize(reports.validation), contentType: 'application/json' },
    { file: INCIDENT_FILE, body: serialize(reports.incident), contentType: 'application/json' },
    { file: ROLLBACK_FILE, body: serialize(reports.rollback), contentType: 'application/json' },
    ...auditFiles(reports, history.strips),
  ]);
  if (outputs.dayMoved) await writeHistory(deps.reports, now, reports);
  if (alerting.failure) throw alerting.failure;
  return {
    summary: summarize(now, reports, rows, verdict, alerting.outcome, outputs),
    reports,
    rows,
    alerts: alerting.outcome?.alerts ?? [],
  };
}

function summarize(
  now: number,
  reports: ReportSet,
  rows: readonly RowEvaluation[],
  verdict: RunVerdict,
  outcome: AlertOutcome | null,
  outputs: WrittenOutputs,
): RunSummary {
  const { summary } = reports.validation;
  return {
    asOf: isoInstant(now),
    decision: verdict.promotion.decision,
    rows: rows.length,
    blockingRows: summary.blockingRows,
    statuses: verdict.statuses,
    errors: summary.errors,
    warnings: summary.warnings,
    blockers: verdict.promotion.blockers.length,
    waived: verdict.promotion.waived.length,
    evidenceRead: rows.reduce((sum, r) => sum + r.report.evidenceRead, 0),
    alertsPublished: outcome ? outcome.alerts.length - outcome.failed.length : 0,
    alertsFailed: outcome?.failed.length ?? 0,
    reportKeys: outputs.written,
    latestMoved: outputs.latestMoved,
    dayMoved: outputs.dayMoved,
  };
}
