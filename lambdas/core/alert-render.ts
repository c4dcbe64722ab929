/**
 * How an alert reads: message attributes that owners filter on (`alertType`, `rowId`, `runbookId`, `phase`,
 * `severityClass`, `blocking`, `roles`), a one-line subject and a JSON body with the facts. Rendering never
 * decides what is sent (`alert-plan.ts` does), so changing it never changes what counts as already sent. Pure.
 */
import { ALERT_MAX_SUBJECT, POLICY_ROW_ID } from '../constants';
import type { AlertIntent } from './alert-plan';
import type { Alert, AlertType, LedgerEntry, PolicyRow, Promotion, RowReport } from './schemas';
import { isoInstant } from './time';
import { DAY_MS } from './schedule';

/** A waiver as an expiring-waiver alert describes it. */
export interface WaiverFacts {
  readonly id: string;
  readonly rowId: string;
  readonly codes: readonly string[];
  readonly expiresAt: string;
  readonly approvedBy: string;
  readonly reason: string;
}

export interface RenderContext {
  readonly now: number;
  /** The key of the day's validation report, named in every alert body. */
  readonly reportKey: string;
  readonly promotion: Promotion;
  readonly counts: Readonly<Record<string, number>>;
  /** Open problems of the run (the summary names their number). */
  readonly openProblems: number;
  readonly rowsById: ReadonlyMap<string, PolicyRow>;
  readonly reportsById: ReadonlyMap<string, RowReport>;
  readonly waiversById?: ReadonlyMap<string, WaiverFacts>;
}

const MAX_LISTED = 50;

const TITLES: Record<AlertType, string> = {
  'never-drilled': 'NEVER DRILLED',
  overdue: 'OVERDUE',
  'cutover-uncovered': 'CUTOVER UNCOVERED',
  'due-soon': 'DUE SOON',
  'remediation-missing': 'REMEDIATION MISSING',
  'remediation-overdue': 'REMEDIATION OVERDUE',
  'policy-invalid': 'POLICY INVALID',
  'waiver-expiring': 'WAIVER EXPIRING',
  recovered: 'RECOVERED',
  summary: 'SUMMARY',
};

/** One line (control characters and line breaks become spaces) of at most `max` characters. */
export function truncate(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

const subjectOf = (text: string): string => truncate(`[usr-readiness] ${text}`, ALERT_MAX_SUBJECT);

function rowAttributes(entry: LedgerEntry, row: PolicyRow | null): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = {
    rowId: entry.rowId,
    blocking: String(entry.blocking),
  };
  if (row) {
    attributes.runbookId = row.runbookId;
    attributes.phase = row.phase;
    attributes.severityClass = row.severityClass;
    attributes.roles = [...row.requiredRoles];
  }
  return attributes;
}

export function renderAlert(intent: AlertIntent, ctx: RenderContext): Alert {
  switch (intent.kind) {
    case 'summary':
      return summaryAlert(intent, ctx);
    case 'recovered':
      return recoveredAlert(intent, ctx);
    default:
      return intent.entry.topic === 'waiver-expiring' ? waiverAlert(intent, ctx) : problemAlert(intent, ctx);
  }
}

/** The problem in a few words, for the subject. */
export function summarise(topic: LedgerEntry['topic'], rowId: string, report: RowReport | null): string {
  const due = report?.dueAt?.slice(0, 10) ?? '?';
  switch (topic) {
    case 'never-drilled':
      return 'no successful drill on record';
    case 'overdue':
      return `last success ${report?.lastSuccess?.completedAt.slice(0, 10) ?? '?'}, due ${due}`;
    case 'due-soon':
      return `next drill due ${due}`;
    case 'cutover-uncovered': {
      const f = report?.findings.find((x) => x.code === 'cutover-uncovered');
      return `no fresh drill before window ${f?.windowId ?? '?'}`;
    }
    case 'remediation-missing':
      return 'failed drill has no remediation owner/ETA';
    case 'remediation-overdue':
      return 'remediation ETA passed without a rerun';
    case 'policy-invalid':
      return rowId === POLICY_ROW_ID ? 'the policy document has errors' : 'the policy row has errors';
    default:
      return topic;
  }
}

/**
 * The envelope every alert about a row shares: its id and type, the row's message attributes, the one-line
 * subject, and a body that opens with the subject, the type and the row id, followed by `facts`.
 */
function rowAlert(
  intent: AlertIntent,
  row: PolicyRow | null,
  subject: string,
  facts: Record<string, unknown>,
): Alert {
  const { entry, alertType } = intent;
  return {
    id: intent.id,
    alertType,
    attributes: { alertType, ...rowAttributes(entry, row) },
    subject,
    body: { subject, alertType, rowId: entry.rowId, ...facts },
  };
}

function problemAlert(intent: AlertIntent, ctx: RenderContext): Alert {
  const { entry } = intent;
  const row = ctx.rowsById.get(entry.rowId) ?? null;
  const report = ctx.reportsById.get(entry.rowId) ?? null;
  const subject = subjectOf(
    `${TITLES[intent.alertType]} ${entry.rowId}: ${summarise(entry.topic, entry.rowId, report)}`,
  );
  const finding = report?.findings.find((f) => f.code === entry.topic);
  const dueAt = report?.dueAt ?? null;
  const daysOverdue =
    entry.topic === 'overdue' && dueAt !== null ? Math.floor((ctx.now - Date.parse(dueAt)) / DAY_MS) : null;
  return rowAlert(intent, row, subject, {
    runbookId: row?.runbookId ?? null,
    phase: row?.phase ?? null,
    severityClass: row?.severityClass ?? null,
    blocking: entry.blocking,
    roles: row ? [...row.requiredRoles] : [],
    asOf: isoInstant(ctx.now),
    openSince: entry.firstSeen,
    reminder: intent.kind === 'reminder',
    status: report?.status ?? null,
    dueAt,
    daysOverdue,
    deadline: finding?.deadline ?? null,
    windowId: finding?.windowId ?? null,
    message: finding?.message ?? summarise(entry.topic, entry.rowId, report),
    failures: (report?.failures ?? [])
      .slice(0, MAX_LISTED)
      .map((f) => ({ key: f.key, remediation: f.remediation })),
    reportKey: ctx.reportKey,
  });
}

function waiverAlert(intent: AlertIntent, ctx: RenderContext): Alert {
  const { entry } = intent;
  const row = ctx.rowsById.get(entry.rowId) ?? null;
  const waiver = entry.ref === undefined ? undefined : ctx.waiversById?.get(entry.ref);
  const expires = waiver?.expiresAt ?? '?';
  const subject = subjectOf(`WAIVER EXPIRING ${entry.rowId}: ${entry.ref ?? '?'} ends ${expires}`);
  return rowAlert(intent, row, subject, {
    waiverId: entry.ref ?? null,
    codes: waiver ? [...waiver.codes] : [],
    expiresAt: waiver?.expiresAt ?? null,
    approvedBy: waiver?.approvedBy ?? null,
    reason: waiver?.reason ?? null,
    blocking: entry.blocking,
    asOf: isoInstant(ctx.now),
    reminder: intent.kind === 'reminder',
    reportKey: ctx.reportKey,
  });
}

function recoveredAlert(intent: AlertIntent, ctx: RenderContext): Alert {
  const { entry } = intent;
  const row = ctx.rowsById.get(entry.rowId) ?? null;
  const subject = subjectOf(`RECOVERED ${entry.rowId}: ${entry.topic} has closed`);
  return rowAlert(intent, row, subject, {
    problem: entry.topic,
    openSince: entry.firstSeen,
    runbookId: row?.runbookId ?? null,
    blocking: entry.blocking,
    asOf: isoInstant(ctx.now),
    reportKey: ctx.reportKey,
  });
}

function summaryAlert(intent: AlertIntent, ctx: RenderContext): Alert {
  const p = ctx.promotion;
  const subject = subjectOf(
    `${p.decision.toUpperCase()} for ${p.window ? p.window.id : 'no scheduled window'}: ${p.blockers.length} blocker(s), ${ctx.openProblems} open problem(s)`,
  );
  return {
    id: intent.id,
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
