/**
 * Every document the monitor reads or writes, as zod schemas (`XxxSchema`), with the types inferred from
 * them in one place. JSON Schemas in `schemas/` are generated from these (`npm run schemas`).
 */
import * as z from 'zod';
import {
  ALERT_MAX_SUBJECT,
  ALERT_TYPES,
  FINDING_CODES,
  LEDGER_TOPICS,
  STATUSES,
  TRIGGER_KINDS,
  TRIGGER_MAX_KEYS,
} from '../constants';

export const POLICY_SCHEMA_VERSION = 'usr-operational-readiness-policy/v1';
export const EVIDENCE_SCHEMA_VERSION = 'usr-drill-evidence/v1';
export const SCHEDULE_SCHEMA_VERSION = 'usr-cutover-schedule/v1';
export const LEDGER_SCHEMA_VERSION = 'usr-readiness-alert-ledger/v2';

const isoDateTime = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------- inputs

export const PhaseSchema = z.enum(['pre-cutover', 'cutover', 'post-cutover', 'incident']);
export const SeverityClassSchema = z.enum(['sev1', 'sev2', 'sev3', 'n/a']);

/**
 * A row id names the folder of its drills (`drills/<rowId>/`), so it must be a usable key segment: 1-200
 * characters, well-formed Unicode, no `/`, `\\` or control characters, not `.` or `..`.
 */
export const RowIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((id) => id !== '.' && id !== '..' && !/[/\\\u0000-\u001f\u007f]/.test(id) && id.isWellFormed(), {
    message: 'a row id must be usable as a key segment: no "/", "\\" or control characters, not "." or ".."',
  });

/** `USROperationalReadinessRowV1`, exactly as in the spec. Unknown fields are reported, not accepted. */
export const PolicyRowSchema = z.strictObject({
  id: RowIdSchema,
  phase: PhaseSchema,
  runbookId: z.string().min(1),
  severityClass: SeverityClassSchema,
  requiredRoles: z.array(z.string()),
  requiredArtifacts: z.array(z.string()),
  communicationChannels: z.array(z.string()),
  maxResponseMinutes: z.number(),
  maxRecoveryMinutes: z.number(),
  blocking: z.boolean(),
});
export type PolicyRow = z.infer<typeof PolicyRowSchema>;
export type Phase = z.infer<typeof PhaseSchema>;

export const RunbookCatalogSchema = z.record(z.string(), z.strictObject({ version: z.string().min(1) }));

export const PolicyDocumentSchema = z.strictObject({
  schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
  policyVersion: z.string().optional(),
  runbooks: RunbookCatalogSchema.optional(),
  rows: z.array(PolicyRowSchema),
});
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;

/** The policy file: the wrapper document or a bare array of rows. */
export const PolicyFileSchema = z.union([PolicyDocumentSchema, z.array(PolicyRowSchema)]);

export const RemediationSchema = z.object({
  owner: z.string().optional(),
  /** A date (`2026-11-27`, runs to the end of that UTC day) or a date-time with a zone. */
  eta: z.string().optional(),
});

/**
 * A measured duration of a drill in minutes: never negative (a negative time would pass any budget). Fractions are
 * kept and compared exactly with the row's whole-minute budget, so 15.2 is over a budget of 15.
 */
const MinutesSchema = z
  .number()
  .nonnegative()
  .describe('Minutes, at least 0; fractions allowed and compared exactly with the row budget');

/** One drill's evidence artifact (CONTRACT §3). Fields beyond the required ones are optional for validity. */
export const DrillEvidenceSchema = z.object({
  schemaVersion: z.literal(EVIDENCE_SCHEMA_VERSION),
  drillId: z.string().min(1),
  rowId: z.string().min(1),
  drillType: z.enum(['incident', 'rollback']),
  runbookId: z.string().min(1),
  runbookVersion: z.string().optional(),
  outcome: z.enum(['pass', 'fail']),
  startedAt: isoDateTime.optional(),
  completedAt: isoDateTime,
  responseMinutes: MinutesSchema.optional(),
  recoveryMinutes: MinutesSchema.optional(),
  rolesPresent: z.array(z.string()).optional(),
  artifactsProduced: z.array(z.string()).optional(),
  channelsUsed: z.array(z.string()).optional(),
  remediation: RemediationSchema.optional(),
  rerunOf: z.string().optional(),
});
export type DrillEvidence = z.infer<typeof DrillEvidenceSchema>;

export const CutoverWindowSchema = z.strictObject({
  id: z.string().min(1),
  startsAt: isoDateTime,
  endsAt: isoDateTime,
  description: z.string().optional(),
});
export type CutoverWindow = z.infer<typeof CutoverWindowSchema>;

/** `schedule/cutover-windows.json` (optional). A bare array of windows is also accepted. */
export const CutoverScheduleSchema = z.union([
  z.strictObject({
    schemaVersion: z.literal(SCHEDULE_SCHEMA_VERSION),
    windows: z.array(CutoverWindowSchema),
  }),
  z.array(CutoverWindowSchema),
]);

// ---------------------------------------------------------------- outputs

export const SeveritySchema = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof SeveritySchema>;

export const FindingCodeSchema = z.enum(FINDING_CODES);

export const FindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  rowId: z.string().optional(),
  path: z.string().optional(),
  key: z.string().optional(),
  message: z.string(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const RowFindingSchema = z.object({
  code: FindingCodeSchema,
  severity: SeveritySchema,
  message: z.string(),
  key: z.string().optional(),
  drillId: z.string().optional(),
  windowId: z.string().optional(),
  deadline: z.string().optional(),
});
export type RowFinding = z.infer<typeof RowFindingSchema>;

export const StatusSchema = z.enum(STATUSES);
export type Status = z.infer<typeof StatusSchema>;

export const SourceSchema = z.object({
  key: z.string(),
  etag: z.string().nullable(),
  versionId: z.string().nullable(),
  lastModified: z.string().nullable(),
  sha256: z.string().nullable(),
});
export type Source = z.infer<typeof SourceSchema>;

export const ParametersSchema = z.object({
  cadenceDays: z.number(),
  warnDays: z.number(),
});
export type Parameters = z.infer<typeof ParametersSchema>;

const reportHeader = {
  schemaVersion: z.string(),
  generatedAt: z.string(),
  asOf: z.string(),
  monitorVersion: z.string(),
  parameters: ParametersSchema,
  store: z.string(),
  policySource: SourceSchema,
  policyVersion: z.string().nullable(),
};

export const ConsumedEvidenceSchema = z.object({
  rowId: z.string(),
  key: z.string(),
  etag: z.string().nullable(),
  versionId: z.string().nullable(),
  sha256: z.string(),
  completedAt: z.string(),
  runbookVersion: z.string().nullable(),
});
export type ConsumedEvidence = z.infer<typeof ConsumedEvidenceSchema>;

export const BlockerSchema = z.object({
  code: FindingCodeSchema,
  rowId: z.string().optional(),
  message: z.string(),
});
export type Blocker = z.infer<typeof BlockerSchema>;

export const PromotionSchema = z.object({
  decision: z.enum(['go', 'no-go']),
  window: z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string() }).nullable(),
  blockers: z.array(BlockerSchema),
  consumedEvidence: z.array(ConsumedEvidenceSchema),
});
export type Promotion = z.infer<typeof PromotionSchema>;

export const AlertTypeSchema = z.enum(ALERT_TYPES);
export type AlertType = z.infer<typeof AlertTypeSchema>;

export const AlertDeliverySchema = z.object({
  sink: z.string(),
  /** Set when the alert ledger could not be read or written: no alert was sent and the run failed after its reports. */
  error: z.string().optional(),
  /** Set when this run did not alert on purpose, e.g. a backfill of a day earlier than the ledger's `asOf`. */
  skipped: z.string().optional(),
  undelivered: z.array(
    z.object({ id: z.string(), alertType: AlertTypeSchema, rowId: z.string().optional(), error: z.string() }),
  ),
});

/** What started a run (CONTRACT §11): the schedule, changed evidence (S3 events) or a person or tool. */
export const TriggerSchema = z.object({
  kind: z.enum(TRIGGER_KINDS),
  /** How many events started it (0 for a scheduled or manual run). */
  count: z.number().int().nonnegative(),
  /** The keys the events named, relative to the store, sorted, the first `TRIGGER_MAX_KEYS` of them. */
  keys: z.array(z.string()).max(TRIGGER_MAX_KEYS),
});
export type Trigger = z.infer<typeof TriggerSchema>;

export const ValidationReportSchema = z.object({
  ...reportHeader,
  findings: z.array(FindingSchema),
  summary: z.object({
    rows: z.number(),
    blockingRows: z.number(),
    errors: z.number(),
    warnings: z.number(),
  }),
  promotion: PromotionSchema,
  alerts: AlertDeliverySchema.nullable(),
  /** Written by every run since event-driven evaluation; absent from reports of earlier versions. */
  trigger: TriggerSchema.optional(),
});
export type ValidationReport = z.infer<typeof ValidationReportSchema>;

export const FailureSchema = z.object({
  key: z.string(),
  drillId: z.string(),
  completedAt: z.string(),
  outcome: z.enum(['pass', 'fail']),
  reasons: z.array(z.string()),
  remediation: z.enum(['missing', 'pending', 'overdue', 'not-required']),
  owner: z.string().nullable(),
  eta: z.string().nullable(),
});
export type Failure = z.infer<typeof FailureSchema>;

export const LastSuccessSchema = z.object({
  key: z.string(),
  drillId: z.string(),
  completedAt: z.string(),
  runbookVersion: z.string().nullable(),
  etag: z.string().nullable(),
  versionId: z.string().nullable(),
  sha256: z.string(),
  rerunOf: z.string().nullable(),
});
export type LastSuccess = z.infer<typeof LastSuccessSchema>;

export const RowReportSchema = z.object({
  rowId: z.string(),
  phase: PhaseSchema,
  runbookId: z.string(),
  blocking: z.boolean(),
  severityClass: SeverityClassSchema,
  status: StatusSchema,
  dueAt: z.string().nullable(),
  lastSuccess: LastSuccessSchema.nullable(),
  failures: z.array(FailureSchema),
  findings: z.array(RowFindingSchema),
  evidenceRead: z.number(),
});
export type RowReport = z.infer<typeof RowReportSchema>;

export const DrillReportSchema = z.object({
  ...reportHeader,
  drillType: z.enum(['incident', 'rollback']),
  rows: z.array(RowReportSchema),
  summary: z.object({
    compliant: z.number(),
    'due-soon': z.number(),
    overdue: z.number(),
    'never-drilled': z.number(),
    'cutover-uncovered': z.number(),
  }),
});
export type DrillReport = z.infer<typeof DrillReportSchema>;

// ---------------------------------------------------------------- alerts and ledger

export const AlertSchema = z.object({
  /** Deterministic and unique per published message (see `core/alert-plan.ts`). */
  id: z.string(),
  alertType: AlertTypeSchema,
  /** Message attributes for SNS filter policies; arrays are `String.Array`. Absent values are omitted. */
  attributes: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  /** One-line human subject, at most 100 characters. */
  subject: z.string().max(ALERT_MAX_SUBJECT),
  /** The JSON body: the subject plus the facts. */
  body: z.record(z.string(), z.unknown()),
});
export type Alert = z.infer<typeof AlertSchema>;

const isoDate = z.iso.date();

export const LedgerTopicSchema = z.enum(LEDGER_TOPICS);

/**
 * What the ledger knows of one (row, topic): an open problem of a row (`_policy` for the policy document), an
 * expiring waiver (`ref` = its id) or the day's summary (`_run`). Alerts are derived from these transitions.
 */
export const LedgerEntrySchema = z.strictObject({
  rowId: z.string(),
  topic: LedgerTopicSchema,
  /** The waiver id of a `waiver-expiring` entry. */
  ref: z.string().optional(),
  blocking: z.boolean(),
  /** The evaluation instant at which this occurrence was first seen. */
  firstSeen: isoDateTime,
  /** UTC date of the last alert claimed for it (null: none yet). */
  lastAlerted: isoDate.nullable(),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;

/** One alert in flight: enough to undo its effect on the ledger if it is not delivered. No rendered body. */
export const ClaimedAlertSchema = z.strictObject({
  id: z.string(),
  alertType: AlertTypeSchema,
  /** The entry before and after the claim (null: absent). */
  before: LedgerEntrySchema.nullable(),
  after: LedgerEntrySchema.nullable(),
});
export type ClaimedAlert = z.infer<typeof ClaimedAlertSchema>;

export const ClaimSchema = z.strictObject({
  /** The claiming run (host, process and start time, or the Lambda request id). */
  by: z.string(),
  /** Wall-clock deadline of the claiming run: past it, the claim is released and its alerts derived again. */
  expiresAt: isoDateTime,
  alerts: z.array(ClaimedAlertSchema),
});
export type Claim = z.infer<typeof ClaimSchema>;

export const LedgerSchema = z.strictObject({
  schemaVersion: z.literal(LEDGER_SCHEMA_VERSION),
  /** The latest evaluation instant that alerted through this ledger: an earlier `now` is a backfill. */
  asOf: isoDateTime,
  /** Sorted by row id, topic, ref. */
  entries: z.array(LedgerEntrySchema),
  /** Runs that published and have not settled yet. */
  claims: z.array(ClaimSchema),
});
export type Ledger = z.infer<typeof LedgerSchema>;

/** The first ledger format (until 0.1.x), read once to migrate it. */
export const LedgerV1Schema = z.object({
  schemaVersion: z.literal('usr-readiness-alert-ledger/v1'),
  asOf: z.string(),
  open: z.record(
    z.string(),
    z.object({
      rowId: z.string(),
      problem: z.string(),
      blocking: z.boolean(),
      firstSeen: z.string(),
      lastAlerted: z.string().nullable(),
    }),
  ),
  lastSummary: z.string().nullable(),
  pending: z.array(z.object({ id: z.string(), alertType: z.string() })),
});
