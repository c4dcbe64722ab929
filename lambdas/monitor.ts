/**
 * The one orchestration, shared by the CLI and the Lambda handler: load → evaluate → alert → write reports.
 * Everything it touches comes in through the ports; the clock comes in as `now` and `generatedAt`.
 */
import packageJson from '../package.json';
import { collectRow, mapConcurrent, sourceOf } from './collect-row';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, LEDGER_KEY, MAX_DOCUMENT_BYTES } from './constants';
import type { CurrentProblem } from './core/alerts';
import {
  DEFAULT_CLAIM_TTL_MS,
  POLICY_ROW_ID,
  currentProblems,
  parseLedger,
  planAlerts,
  settleAlerts,
} from './core/alerts';
import type { EvaluationParameters } from './core/cadence';
import type { RowEvaluation } from './core/evaluate-row';
import { evaluateRow } from './core/evaluate-row';
import { decidePromotion } from './core/promotion';
import type { ReportSet } from './core/reports';
import {
  INCIDENT_FILE,
  ROLLBACK_FILE,
  VALIDATION_FILE,
  buildReports,
  reportKeys,
  serialize,
} from './core/reports';
import { DAY_MS, nextWindow, parseSchedule, windowInForce } from './core/schedule';
import type { Alert, Finding, Ledger, LedgerEntry, PolicyRow, ValidationReport } from './core/schemas';
import { sortFindings } from './core/order';
import { validatePolicy } from './core/validate-policy';
import type { AlertSink, EvidenceStore, LedgerStore, ReportSink } from './ports';
import { ReportWriteError } from './ports';
import { isoInstant } from './core/time';

export const MONITOR_VERSION: string = packageJson.version;
export { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, LEDGER_KEY };

export interface MonitorOptions {
  readonly policyKey: string;
  readonly scheduleKey: string;
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
  /** The wall clock, for `generatedAt` only. */
  readonly clock: () => Date;
  /**
   * How long this run may still take (a Lambda's remaining time): the ledger claim expires after it, so a later
   * run re-sends what a run that died mid-way had claimed. @default 15 minutes
   */
  readonly claimTtlMs?: number;
  /** Progress: called after each row is evaluated. */
  readonly onProgress?: (done: number, total: number) => void;
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
  readonly evidenceRead: number;
  readonly alertsPublished: number;
  readonly alertsFailed: number;
  readonly reportKeys: readonly string[];
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly reports: ReportSet;
  readonly rows: readonly RowEvaluation[];
  readonly alerts: readonly Alert[];
}

interface AlertOutcome {
  readonly alerts: readonly Alert[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
  readonly ledgerProblem: string | null;
}

const MAX_LEDGER_ATTEMPTS = 5;

/** Claims the alerts in the ledger (optimistic concurrency), publishes them, then settles the ledger. */
async function alertThroughLedger(
  sink: AlertSink,
  ledgerStore: LedgerStore,
  problems: readonly CurrentProblem[],
  rowsById: ReadonlyMap<string, PolicyRow>,
  context: Parameters<typeof planAlerts>[3],
  canClose: (entry: LedgerEntry) => boolean,
): Promise<AlertOutcome> {
  const now = context.now;
  for (let attempt = 1; attempt <= MAX_LEDGER_ATTEMPTS; attempt++) {
    const stored = await ledgerStore.read();
    const { ledger: previous, problem: ledgerProblem } = parseLedger(stored.bytes, now);
    const plan = planAlerts(previous, problems, rowsById, context, canClose);
    if (plan.alerts.length === 0) return { alerts: [], failed: [], ledgerProblem };
    const claim = await ledgerStore.write(serialize(plan.claimed), stored.version);
    if (claim.kind === 'conflict') continue;

    const result = await sink.publish(plan.alerts);
    const delivered = new Set(result.delivered);
    const failed = [
      ...result.failed,
      ...plan.alerts
        .filter((a) => !delivered.has(a.id) && !result.failed.some((f) => f.id === a.id))
        .map((a) => ({ id: a.id, error: 'not acknowledged by the alert sink' })),
    ];

    let current: Ledger = plan.claimed;
    let version = claim.version;
    for (let settle = 1; settle <= MAX_LEDGER_ATTEMPTS; settle++) {
      const written = await ledgerStore.write(serialize(settleAlerts(current, plan, failed)), version);
      if (written.kind === 'ok') return { alerts: plan.alerts, failed, ledgerProblem };
      const reread = await ledgerStore.read();
      current = parseLedger(reread.bytes, now).ledger;
      version = reread.version;
    }
    throw new ReportWriteError(
      `${LEDGER_KEY}: could not settle the alert ledger after ${MAX_LEDGER_ATTEMPTS} conflicts`,
    );
  }
  throw new ReportWriteError(
    `${LEDGER_KEY}: could not claim the alert ledger after ${MAX_LEDGER_ATTEMPTS} conflicts`,
  );
}

/** One run of the monitor. Throws only `StoreUnreachableError` and `ReportWriteError`. */
export async function runMonitor(deps: MonitorDeps, options: MonitorOptions): Promise<RunResult> {
  const { store } = deps;
  const { parameters } = options;
  const now = deps.now.getTime();
  const cadenceMs = parameters.cadenceDays * DAY_MS;
  await store.checkReachable();

  const policyRead = await store.read(options.policyKey, MAX_DOCUMENT_BYTES);
  const policy = validatePolicy(options.policyKey, policyRead);
  const scheduleRead = await store.read(options.scheduleKey, MAX_DOCUMENT_BYTES);
  const schedule = parseSchedule(options.scheduleKey, scheduleRead);
  const inForce = windowInForce(schedule.windows, now, cadenceMs);

  let done = 0;
  const rows = await mapConcurrent(policy.rows, options.concurrency, async (row) => {
    const collected = await collectRow(store, row, policy.catalog, inForce, now, parameters);
    const evaluation = evaluateRow(row, collected.judged, collected.listing, inForce, now, parameters);
    deps.onProgress?.(++done, policy.rows.length);
    return evaluation;
  });

  const documentFindings: Finding[] = sortFindings([...policy.findings, ...schedule.findings]);
  const promotion = decidePromotion(
    documentFindings,
    rows.map((r) => r.report),
    nextWindow(schedule.windows, now, cadenceMs),
  );
  const statuses: Record<string, number> = {
    compliant: 0,
    'due-soon': 0,
    overdue: 0,
    'never-drilled': 0,
    'cutover-uncovered': 0,
  };
  for (const r of rows) statuses[r.report.status] = (statuses[r.report.status] ?? 0) + 1;
  const [validationKey] = reportKeys(now, VALIDATION_FILE);

  let alertOutcome: AlertOutcome | null = null;
  let alertSection: ValidationReport['alerts'] = null;
  let alertFailure: ReportWriteError | null = null;
  if (deps.alerts) {
    const rowsById = new Map(policy.rows.map((row) => [row.id, row]));
    const policyErrorRows = documentFindings
      .filter((f) => f.severity === 'error' && f.code !== 'schedule-invalid')
      .map((f) => f.rowId ?? null);
    // A row whose evidence could not all be read has an unknown state: it raises no new problem and closes none.
    const uncertain = new Set(
      rows
        .filter((r) => r.report.findings.some((f) => f.code === 'evidence-unreadable'))
        .map((r) => r.report.rowId),
    );
    const evaluated = new Set(rows.map((r) => r.report.rowId));
    const policyReadable = !documentFindings.some((f) => f.code === 'policy-unreadable');
    const named = new Set(documentFindings.flatMap((f) => (f.rowId === undefined ? [] : [f.rowId])));
    // A ledger entry closes (recovered) only when this run saw its row, or the row left a readable policy.
    const canClose = (entry: LedgerEntry): boolean =>
      !uncertain.has(entry.rowId) &&
      (entry.rowId === POLICY_ROW_ID
        ? policyReadable
        : evaluated.has(entry.rowId) || (policyReadable && !named.has(entry.rowId)));
    const problems = currentProblems(
      rows.filter((r) => !uncertain.has(r.report.rowId)),
      rowsById,
      policyErrorRows,
    );
    try {
      alertOutcome = await alertThroughLedger(
        deps.alerts.sink,
        deps.alerts.ledger,
        problems,
        rowsById,
        {
          now,
          reportKey: validationKey,
          promotion,
          counts: statuses,
          wallClock: deps.clock().getTime(),
          claimTtlMs: deps.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS,
        },
        canClose,
      );
    } catch (error) {
      // The day's reports are still written; the run fails after them.
      if (!(error instanceof ReportWriteError)) throw error;
      alertFailure = error;
    }
    const byId = new Map((alertOutcome?.alerts ?? []).map((a) => [a.id, a]));
    alertSection = {
      sink: deps.alerts.sink.location,
      undelivered: (alertOutcome?.failed ?? []).map((f) => {
        const alert = byId.get(f.id);
        const rowId = alert?.attributes.rowId;
        return {
          id: f.id,
          alertType: alert?.alertType ?? 'unknown',
          ...(typeof rowId === 'string' ? { rowId } : {}),
          error: f.error,
        };
      }),
      ...(alertFailure ? { error: alertFailure.message } : {}),
    };
  }
  const findingsWithLedger: Finding[] =
    alertOutcome?.ledgerProblem != null
      ? sortFindings([
          ...documentFindings,
          {
            code: 'ledger-invalid',
            severity: 'warning',
            key: LEDGER_KEY,
            message: `${LEDGER_KEY}: ${alertOutcome.ledgerProblem}; started a new ledger`,
          },
        ])
      : documentFindings;

  const reports = buildReports(
    {
      generatedAt: deps.clock().toISOString(),
      now,
      monitorVersion: MONITOR_VERSION,
      parameters,
      store: store.location,
      policySource: sourceOf(options.policyKey, policyRead),
      policyVersion: policy.policyVersion,
    },
    findingsWithLedger,
    policy.rowCount,
    rows,
    promotion,
    alertSection,
  );

  const written: string[] = [];
  const documents: [string, unknown][] = [
    [VALIDATION_FILE, reports.validation],
    [INCIDENT_FILE, reports.incident],
    [ROLLBACK_FILE, reports.rollback],
  ];
  for (const [file, document] of documents) {
    const body = serialize(document);
    for (const key of reportKeys(now, file)) {
      await deps.reports.put(key, body, 'application/json');
      written.push(key);
    }
  }
  if (alertFailure) throw alertFailure;

  const errors = reports.validation.summary.errors;
  return {
    summary: {
      asOf: isoInstant(now),
      decision: promotion.decision,
      rows: rows.length,
      blockingRows: reports.validation.summary.blockingRows,
      statuses,
      errors,
      warnings: reports.validation.summary.warnings,
      blockers: promotion.blockers.length,
      evidenceRead: rows.reduce((sum, r) => sum + r.report.evidenceRead, 0),
      alertsPublished: alertOutcome ? alertOutcome.alerts.length - alertOutcome.failed.length : 0,
      alertsFailed: alertOutcome?.failed.length ?? 0,
      reportKeys: written,
    },
    reports,
    rows,
    alerts: alertOutcome?.alerts ?? [],
  };
}
