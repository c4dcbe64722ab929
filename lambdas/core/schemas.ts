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
  MAX_WAIVER_ID_LENGTH,
  STATUSES,
  TRIGGER_KINDS,
  TRIGGER_MAX_KEYS,
  WAIVABLE_CODES,
  WAIVER_STATES,
} from '../constants';

export const POLICY_SCHEMA_VERSION = 'usr-operational-readiness-policy/v1';
export const EVIDENCE_SCHEMA_VERSION = 'usr-drill-evidence/v1';
export const SCHEDULE_SCHEMA_VERSION = 'usr-cutover-schedule/v1';
export const LEDGER_SCHEMA_VERSION = 'usr-readiness-alert-ledger/v2';
export const WAIVERS_SCHEMA_VERSION = 'usr-readiness-waivers/v1';

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

/** One drill's evidence artifact (docs/formats.md). Fields beyond the required ones are optional for validity. */
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

/** Text that is more than white space: a waiver's reason and approver must say something. */
const someText = (field: string) => z.string().regex(/\S/, { error: `${field} must not be empty` });

/**
 * One waiver (docs/waivers.md): the time-boxed, approved acceptance of known problems of one row. Strict: a field
 * the schema does not define makes the waiver invalid, so a misspelt field never passes unnoticed.
 */
export const WaiverSchema = z.strictObject({
  id: z
    .string()
    .min(1, { error: 'id must not be empty' })
    .max(MAX_WAIVER_ID_LENGTH)
    .regex(/^[^\u0000-\u001f\u007f\u2028\u2029]*$/, { error: 'id must be one line of text' }),
  rowId: z.string().min(1, { error: 'rowId must not be empty' }),
  /** The problems it accepts on that row; only the waivable codes. */
  codes: z
    .array(
      z.enum(WAIVABLE_CODES, {
        error: (issue) =>
          `${JSON.stringify(issue.input)} is not waivable (waivable: ${WAIVABLE_CODES.join(', ')})`,
      }),
    )
    .min(1, { error: 'codes must name at least one waivable problem' }),
  reason: someText('reason'),
  approvedBy: someText('approvedBy'),
  approvedAt: isoDateTime,
  expiresAt: isoDateTime,
  ticket: z.string().optional(),
});
export type Waiver = z.infer<typeof WaiverSchema>;

/** `policy/waivers.json` (optional). */
export const WaiversFileSchema = z.strictObject({
  schemaVersion: z.literal(WAIVERS_SCHEMA_VERSION),
  waivers: z.array(WaiverSchema),
});
export type WaiversFile = z.infer<typeof WaiversFileSchema>;

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
  /** The id of the active waiver that accepts this finding (docs/waivers.md). */
  waivedBy: z.string().optional(),
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
  /** The id of the active waiver that accepts this finding (docs/waivers.md); the row's status is unchanged. */
  waivedBy: z.string().optional(),
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

/** A blocker an active waiver accepts: the decision ignores it. */
export const WaivedBlockerSchema = BlockerSchema.extend({ waiverId: z.string(), expiresAt: z.string() });
export type WaivedBlocker = z.infer<typeof WaivedBlockerSchema>;

export const PromotionSchema = z.object({
  decision: z.enum(['go', 'no-go']),
  window: z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string() }).nullable(),
  blockers: z.array(BlockerSchema),
  /** Blockers accepted by an active waiver (docs/waivers.md), sorted like `blockers`. */
  waived: z.array(WaivedBlockerSchema),
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

export const DecisionSchema = z.enum(['go', 'no-go']);
export type Decision = z.infer<typeof DecisionSchema>;

/**
 * What changed since the most recent earlier day with history (never an earlier run of the same day, so a rerun
 * writes the same bytes): the decision, and each row whose status differs. `from: null` is a row that had no
 * record that day (new in the policy), `to: null` a row that is no longer in the policy. `since: null`: no
 * earlier day has history; then `decision.from` is null and `rows` is empty.
 */
export const ChangesSchema = z.object({
  since: z.iso.date().nullable(),
  decision: z.object({ from: DecisionSchema.nullable(), to: DecisionSchema }),
  rows: z.array(z.object({ rowId: z.string(), from: StatusSchema.nullable(), to: StatusSchema.nullable() })),
});
export type Changes = z.infer<typeof ChangesSchema>;

export const WaiverStateSchema = z.enum(WAIVER_STATES);

/** One entry of the waivers file as the run saw it. Fields an invalid entry lacks are null. */
export const WaiverRecordSchema = z.object({
  id: z.string().nullable(),
  rowId: z.string().nullable(),
  codes: z.array(z.string()),
  state: WaiverStateSchema,
  expiresAt: z.string().nullable(),
});
export type WaiverRecord = z.infer<typeof WaiverRecordSchema>;

/** What started a run (docs/events.md): the schedule, changed evidence (S3 events) or a person or tool. */
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
    /** Blockers accepted by an active waiver (`promotion.waived`). */
    waived: z.number(),
  }),
  promotion: PromotionSchema,
  /** Every entry of the waivers file with its state at `asOf`, sorted by id. */
  waivers: z.array(WaiverRecordSchema),
  /** Where the waivers came from (null when there is no waivers file). */
  waiversSource: SourceSchema.nullable(),
  alerts: AlertDeliverySchema.nullable(),
  changes: ChangesSchema,
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

export const RUN_LEASE_SCHEMA_VERSION = 'usr-readiness-run-lease/v1';

/**
 * `state/run-lease.json`: the run that is evaluating the store, so that at most one does at a time. Written with the
 * same compare-and-swap as the ledger; `holder: null` once released.
 */
export const RunLeaseSchema = z.strictObject({
  schemaVersion: z.literal(RUN_LEASE_SCHEMA_VERSION),
  holder: z.string().nullable(),
  /** The holder's deadline: past it the lease is free, whatever became of the holder. */
  expiresAt: isoDateTime.nullable(),
});
export type RunLease = z.infer<typeof RunLeaseSchema>;

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

// ---------------------------------------------------------------- audit outputs (history)

/**
 * One line of `history/date=<YYYY-MM-DD>/rows.jsonl`: one row on one day (docs/audit-outputs.md). `findings` are the row's
 * finding codes (each once, in the report's order); `waived` is true when an active waiver covers at least one of
 * them; `decision` is the day's promotion decision.
 */
export const HistoryRecordSchema = z.object({
  date: z.iso.date(),
  asOf: isoDateTime,
  rowId: z.string(),
  phase: PhaseSchema,
  blocking: z.boolean(),
  status: StatusSchema,
  dueAt: z.string().nullable(),
  findings: z.array(FindingCodeSchema),
  waived: z.boolean(),
  decision: DecisionSchema,
});
export type HistoryRecord = z.infer<typeof HistoryRecordSchema>;

/** One line of `history/consumed-evidence/date=<YYYY-MM-DD>/consumed-evidence.jsonl`: evidence the day's decision consumed. */
export const ConsumedEvidenceRecordSchema = ConsumedEvidenceSchema.extend({
  date: z.iso.date(),
  asOf: isoDateTime,
  decision: DecisionSchema,
  windowId: z.string().nullable(),
});
export type ConsumedEvidenceRecord = z.infer<typeof ConsumedEvidenceRecordSchema>;

// ---------------------------------------------------------------- integrity

export const MANIFEST_SCHEMA_VERSION = 'usr-readiness-manifest/v1';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hexadecimal digits' });
/** A day folder's name: `YYYY-MM-DD`, a real calendar date. */
export const ReportDateSchema = z.iso.date();

/** One file of the day's folder as the run wrote it. */
export const ManifestFileSchema = z.strictObject({
  sha256: sha256Hex,
  bytes: z.number().int().nonnegative(),
  /** The S3 version the write created, where the bucket is versioned. */
  versionId: z.string().min(1).optional(),
});
export type ManifestFile = z.infer<typeof ManifestFileSchema>;

/** The link to the most recent earlier day: its date and the sha256 of its manifest's bytes. */
export const ManifestLinkSchema = z.strictObject({ date: ReportDateSchema, sha256: sha256Hex });
export type ManifestLink = z.infer<typeof ManifestLinkSchema>;

/** `reports/<date>/usr-readiness-manifest.json` (and its byte copy in `reports/latest/`). */
export const ManifestSchema = z.strictObject({
  schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
  date: ReportDateSchema,
  asOf: isoDateTime,
  /** Every other file of the day's folder, by file name. */
  files: z.record(
    z.string().regex(/^[^/]+$/, { error: 'must be a file name without "/"' }),
    ManifestFileSchema,
  ),
  /** Null for the first day of the chain. */
  previous: ManifestLinkSchema.nullable(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
