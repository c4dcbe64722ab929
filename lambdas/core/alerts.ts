/**
 * Alerts come from transitions recorded in the ledger (CONTRACT §6): a problem alerts when it first appears,
 * again once per day while it stays open on a blocking row, and `recovered` when it closes. The ledger is
 * claimed before publishing and settled after, so a retried or overlapping run publishes nothing twice. Pure.
 */
import { decodeJson, formatPath } from './json-input';
import type { Alert, AlertType, Ledger, LedgerEntry, PolicyRow, Promotion, RowReport } from './schemas';
import { LEDGER_SCHEMA_VERSION, LedgerSchema } from './schemas';
import { compare } from './order';
import { isoInstant } from './time';

export type Problem = Exclude<AlertType, 'recovered' | 'summary'>;

/** One open problem of this run. `row` is absent for policy problems that no valid row carries. */
export interface CurrentProblem {
  readonly rowId: string;
  readonly problem: Problem;
  readonly blocking: boolean;
  readonly row: PolicyRow | null;
  readonly report: RowReport | null;
  readonly detail: string;
}

export interface AlertContext {
  readonly now: number;
  /** The key of the day's validation report, named in every alert body. */
  readonly reportKey: string;
  readonly promotion: Promotion;
  readonly counts: Readonly<Record<string, number>>;
  /** Wall-clock time of planning (not `now`, which may replay a past day). */
  readonly wallClock: number;
  /** How long this run may still take: its claim on the ledger expires after that. */
  readonly claimTtlMs: number;
}

/** A claim's lifetime when the caller knows no deadline: the longest a Lambda function can run. */
export const DEFAULT_CLAIM_TTL_MS = 15 * 60 * 1000;

/** The row id used in the ledger for policy findings that belong to no row. */
export const POLICY_ROW_ID = '_policy';
const SUMMARY_ROW_ID = '_run';
const MAX_LISTED = 50;

export function emptyLedger(now: number): Ledger {
  return {
    schemaVersion: LEDGER_SCHEMA_VERSION,
    asOf: isoInstant(now),
    open: {},
    lastSummary: null,
    undelivered: [],
    pending: [],
    claimExpiresAt: null,
  };
}

/** Parses the ledger bytes; a missing ledger is empty, an unreadable one is reported and replaced. */
export function parseLedger(
  bytes: Uint8Array | null,
  now: number,
): { ledger: Ledger; problem: string | null } {
  if (bytes === null) return { ledger: emptyLedger(now), problem: null };
  const decoded = decodeJson(bytes);
  if (!decoded.ok) return { ledger: emptyLedger(now), problem: decoded.reason };
  const parsed = LedgerSchema.safeParse(decoded.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ledger: emptyLedger(now),
      problem: `does not match the ledger schema (${issue ? `${formatPath(issue.path)}: ${issue.message}` : 'unknown'})`,
    };
  }
  return { ledger: parsed.data, problem: null };
}

const day = (now: number): string => new Date(now).toISOString().slice(0, 10);
const entryKey = (rowId: string, problem: string): string => `${rowId}/${problem}`;

/** One line (control characters and line breaks become spaces) of at most `max` characters. */
function truncate(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** An alert's identity across days: its id without the date (`overdue/<rowId>`, `summary/_run`, …). */
const sameAlert = (a: Alert, b: Alert): boolean =>
  a.id.slice(a.id.indexOf('/')) === b.id.slice(b.id.indexOf('/'));

const TITLES: Record<AlertType, string> = {
  'never-drilled': 'NEVER DRILLED',
  overdue: 'OVERDUE',
  'cutover-uncovered': 'CUTOVER UNCOVERED',
  'due-soon': 'DUE SOON',
  'remediation-missing': 'REMEDIATION MISSING',
  'remediation-overdue': 'REMEDIATION OVERDUE',
  'policy-invalid': 'POLICY INVALID',
  recovered: 'RECOVERED',
  summary: 'SUMMARY',
};

function rowAttributes(
  rowId: string,
  row: PolicyRow | null,
  blocking: boolean,
): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = { rowId, blocking: String(blocking) };
  if (row) {
    attributes.runbookId = row.runbookId;
    attributes.phase = row.phase;
    attributes.severityClass = row.severityClass;
    attributes.roles = [...row.requiredRoles];
  }
  return attributes;
}

function problemAlert(p: CurrentProblem, ctx: AlertContext, reminder: boolean): Alert {
  const today = day(ctx.now);
  const report = p.report;
  const subject = truncate(`[usr-readiness] ${TITLES[p.problem]} ${p.rowId}: ${p.detail}`, 100);
  const finding = report?.findings.find((f) => f.code === p.problem);
  const dueAt = report?.dueAt ?? null;
  const daysOverdue =
    p.problem === 'overdue' && dueAt !== null ? Math.floor((ctx.now - Date.parse(dueAt)) / 86_400_000) : null;
  return {
    id: `${today}/${p.problem}/${p.rowId}`,
    alertType: p.problem,
    attributes: { alertType: p.problem, ...rowAttributes(p.rowId, p.row, p.blocking) },
    subject,
    body: {
      subject,
      alertType: p.problem,
      rowId: p.rowId,
      runbookId: p.row?.runbookId ?? null,
      phase: p.row?.phase ?? null,
      severityClass: p.row?.severityClass ?? null,
      blocking: p.blocking,
      roles: p.row ? [...p.row.requiredRoles] : [],
      asOf: isoInstant(ctx.now),
      reminder,
      status: report?.status ?? null,
      dueAt,
      daysOverdue,
      deadline: finding?.deadline ?? null,
      windowId: finding?.windowId ?? null,
      message: finding?.message ?? p.detail,
      failures: (report?.failures ?? [])
        .slice(0, MAX_LISTED)
        .map((f) => ({ key: f.key, remediation: f.remediation })),
      reportKey: ctx.reportKey,
    },
  };
}

function recoveredAlert(entry: LedgerEntry, row: PolicyRow | null, ctx: AlertContext): Alert {
  const subject = truncate(`[usr-readiness] RECOVERED ${entry.rowId}: ${entry.problem} has closed`, 100);
  return {
    id: `${day(ctx.now)}/recovered/${entry.rowId}/${entry.problem}`,
    alertType: 'recovered',
    attributes: { alertType: 'recovered', ...rowAttributes(entry.rowId, row, entry.blocking) },
    subject,
    body: {
      subject,
      alertType: 'recovered',
      rowId: entry.rowId,
      problem: entry.problem,
      openSince: entry.firstSeen,
      runbookId: row?.runbookId ?? null,
      blocking: entry.blocking,
      asOf: isoInstant(ctx.now),
      reportKey: ctx.reportKey,
    },
  };
}

function summaryAlert(ctx: AlertContext, open: number): Alert {
  const p = ctx.promotion;
  const subject = truncate(
    `[usr-readiness] ${p.decision.toUpperCase()} for ${p.window ? p.window.id : 'no scheduled window'}: ${p.blockers.length} blocker(s), ${open} open problem(s)`,
    100,
  );
  return {
    id: `${day(ctx.now)}/summary/${SUMMARY_ROW_ID}`,
    alertType: 'summary',
    attributes: { alertType: 'summary', decision: p.decision },
    subject,
    body: {
      subject,
      alertType: 'summary',
      asOf: isoInstant(ctx.now),
      decision: p.decision,
      window: p.window,
      counts: ctx.counts,
      blockerCount: p.blockers.length,
      blockers: p.blockers.slice(0, MAX_LISTED),
      blockersTruncated: p.blockers.length > MAX_LISTED,
      reportKey: ctx.reportKey,
    },
  };
}

/** True when the run that claimed the pending alerts has passed its deadline: it died without settling. */
function claimExpired(ledger: Ledger, wallClock: number): boolean {
  const expires = ledger.claimExpiresAt === null ? NaN : Date.parse(ledger.claimExpiresAt);
  return !Number.isNaN(expires) && wallClock > expires;
}

export interface AlertPlan {
  /** What to publish now, sorted by id. */
  readonly alerts: readonly Alert[];
  /** The ledger to write before publishing: every planned alert claimed as sent today (and listed as pending). */
  readonly claimed: Ledger;
  /** The ledger the plan was derived from (stale pending alerts already released): what a failed alert reverts to. */
  readonly base: Ledger;
}

/**
 * Derives this run's alerts from the ledger and the current problems. Pending alerts of an earlier day (a run
 * that died between claiming and settling) are released first, so they are derived again.
 */
export function planAlerts(
  previous: Ledger,
  problems: readonly CurrentProblem[],
  rowsById: ReadonlyMap<string, PolicyRow>,
  ctx: AlertContext,
  canClose: (entry: LedgerEntry) => boolean = () => true,
): AlertPlan {
  const today = day(ctx.now);
  const base =
    previous.pending.length > 0 &&
    (previous.pending.every((a) => !a.id.startsWith(`${today}/`)) || claimExpired(previous, ctx.wallClock))
      ? { ...releaseAlerts(previous, previous.pending), claimExpiresAt: null }
      : previous;
  const open: Record<string, LedgerEntry> = {};
  const alerts: Alert[] = [];
  const current = new Set<string>();
  for (const p of problems) {
    const k = entryKey(p.rowId, p.problem);
    current.add(k);
    const before = base.open[k];
    const due =
      before === undefined || before.lastAlerted === null || (p.blocking && before.lastAlerted < today);
    if (due) alerts.push(problemAlert(p, ctx, before !== undefined && before.lastAlerted !== null));
    open[k] = {
      rowId: p.rowId,
      problem: p.problem,
      blocking: p.blocking,
      firstSeen: before?.firstSeen ?? today,
      lastAlerted: due ? today : (before?.lastAlerted ?? null),
    };
  }
  for (const [k, entry] of Object.entries(base.open)) {
    if (current.has(k)) continue;
    // A problem closes only when this run could see its row; otherwise its state is unknown and carried over.
    if (canClose(entry)) alerts.push(recoveredAlert(entry, rowsById.get(entry.rowId) ?? null, ctx));
    else open[k] = entry;
  }
  const summaryDue = base.lastSummary !== today;
  if (summaryDue) alerts.push(summaryAlert(ctx, problems.length));
  alerts.sort((a, b) => compare(a.id, b.id));
  const claimed: Ledger = {
    schemaVersion: LEDGER_SCHEMA_VERSION,
    asOf: isoInstant(ctx.now),
    open: sortRecord(open),
    lastSummary: summaryDue ? today : base.lastSummary,
    // An undelivered alert derived again (today or on a later day) is superseded by the new attempt.
    undelivered: base.undelivered.filter((a) => !alerts.some((b) => sameAlert(a, b))),
    pending: [...base.pending.filter((a) => !alerts.some((b) => b.id === a.id)), ...alerts],
    claimExpiresAt: alerts.length > 0 ? isoInstant(ctx.wallClock + ctx.claimTtlMs) : base.claimExpiresAt,
  };
  return { alerts, claimed, base };
}

/**
 * Undoes the claim of alerts that were not delivered, so the next run derives them again: a problem alert goes
 * back to its previous `lastAlerted` (null for a new problem), a recovery re-opens its entry, a summary is unmarked.
 */
function releaseAlerts(ledger: Ledger, failed: readonly Alert[], previous?: Ledger): Ledger {
  const open = { ...ledger.open };
  let lastSummary = ledger.lastSummary;
  for (const alert of failed) {
    const type = alert.alertType;
    const rowId = typeof alert.attributes.rowId === 'string' ? alert.attributes.rowId : undefined;
    const problem = typeof alert.body.problem === 'string' ? alert.body.problem : undefined;
    if (rowId === undefined && type !== 'summary') continue;
    if (type === 'summary') {
      lastSummary = previous ? previous.lastSummary : null;
    } else if (rowId === undefined) {
      continue;
    } else if (type === 'recovered' && problem !== undefined) {
      const k = entryKey(rowId, problem);
      const before = previous?.open[k];
      if (before) open[k] = before;
      else
        open[k] = {
          rowId,
          problem: problem as LedgerEntry['problem'],
          blocking: alert.attributes.blocking === 'true',
          firstSeen: alert.id.slice(0, 10),
          lastAlerted: alert.id.slice(0, 10),
        };
    } else {
      const k = entryKey(rowId, type);
      const entry = open[k];
      if (entry) open[k] = { ...entry, lastAlerted: previous?.open[k]?.lastAlerted ?? null };
    }
  }
  const failedIds = new Set(failed.map((a) => a.id));
  return {
    ...ledger,
    open: sortRecord(open),
    lastSummary,
    pending: ledger.pending.filter((a) => !failedIds.has(a.id)),
  };
}

/**
 * The ledger after publishing: delivered alerts leave `pending`; failed ones are released (derived again on the
 * next run) and recorded in `undelivered`. `current` is the ledger as it is now (re-read after a conflict); a
 * failed alert reverts to its state in `plan.base`.
 */
export function settleAlerts(
  current: Ledger,
  plan: AlertPlan,
  failed: readonly { readonly id: string; readonly error: string }[],
): Ledger {
  const failedIds = new Set(failed.map((f) => f.id));
  const failedAlerts = plan.alerts.filter((a) => failedIds.has(a.id));
  const released = releaseAlerts(current, failedAlerts, plan.base);
  const planned = new Set(plan.alerts.map((a) => a.id));
  const pending = released.pending.filter((a) => !planned.has(a.id));
  return {
    ...released,
    pending,
    claimExpiresAt: pending.length > 0 ? released.claimExpiresAt : null,
    undelivered: [
      ...released.undelivered.filter((a) => !plan.alerts.some((b) => sameAlert(a, b))),
      ...failedAlerts,
    ].sort((a, b) => compare(a.id, b.id)),
  };
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

/** The open problems of this run, from the row reports and the policy findings, in a stable order. */
export function currentProblems(
  evaluations: readonly { readonly report: RowReport; readonly problems: readonly Problem[] }[],
  rowsById: ReadonlyMap<string, PolicyRow>,
  policyErrorRowIds: readonly (string | null)[],
): CurrentProblem[] {
  const out: CurrentProblem[] = [];
  for (const evaluation of evaluations) {
    const row = rowsById.get(evaluation.report.rowId) ?? null;
    for (const problem of evaluation.problems) {
      const finding = evaluation.report.findings.find((f) => f.code === problem);
      out.push({
        rowId: evaluation.report.rowId,
        problem,
        blocking: evaluation.report.blocking,
        row,
        report: evaluation.report,
        detail: summarise(problem, evaluation.report, finding?.message),
      });
    }
  }
  const policyRows = new Set(policyErrorRowIds.map((id) => id ?? POLICY_ROW_ID));
  for (const rowId of policyRows) {
    const row = rowsById.get(rowId) ?? null;
    out.push({
      rowId,
      problem: 'policy-invalid',
      blocking: row?.blocking ?? true,
      row,
      report: null,
      detail: rowId === POLICY_ROW_ID ? 'the policy document has errors' : 'the policy row has errors',
    });
  }
  return out.sort((a, b) => compare(a.rowId, b.rowId) || compare(a.problem, b.problem));
}

function summarise(problem: Problem, report: RowReport, fallback: string | undefined): string {
  switch (problem) {
    case 'never-drilled':
      return 'no successful drill on record';
    case 'overdue':
      return `last success ${report.lastSuccess?.completedAt.slice(0, 10) ?? '?'}, due ${report.dueAt?.slice(0, 10) ?? '?'}`;
    case 'due-soon':
      return `next drill due ${report.dueAt?.slice(0, 10) ?? '?'}`;
    case 'cutover-uncovered': {
      const f = report.findings.find((x) => x.code === 'cutover-uncovered');
      return `no fresh drill before window ${f?.windowId ?? '?'}`;
    }
    case 'remediation-missing':
      return 'failed drill has no remediation owner/ETA';
    case 'remediation-overdue':
      return 'remediation ETA passed without a rerun';
    default:
      return fallback ?? problem;
  }
}
