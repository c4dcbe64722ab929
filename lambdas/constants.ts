/**
 * The one source of truth for defaults, limits, patterns, names and the closed sets of codes, imported by the
 * core, the adapters, the CLI, the Lambda configuration and the CDK construct. Plain values only: no zod, no
 * Node or AWS imports, so `lib/` may import it without pulling runtime code into the infrastructure.
 */

// ---------------------------------------------------------------- evaluation defaults and limits

/** A row needs a successful drill at least this often (days). */
export const DEFAULT_CADENCE_DAYS = 30;
/** A row is `due-soon` this many days before its drill is due. */
export const DEFAULT_WARN_DAYS = 7;
/** The largest cadence or warning period in days (100 years): beyond it instants leave the range of `Date`. */
export const MAX_DAYS = 36500;
/** Rows (and S3 requests) in flight at once. */
export const DEFAULT_CONCURRENCY = 16;
export const MAX_CONCURRENCY = 256;
/** Policy, schedule, waivers and each evidence artifact: anything larger is refused unread. */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

// ---------------------------------------------------------------- local file system deadlines (CLI)

/**
 * One read of the directory store (a stat, a listing, one artifact of at most `MAX_DOCUMENT_BYTES`): local disks
 * answer in milliseconds and a loaded network mount in seconds; past this the read is given up (the artifact is
 * unreadable) instead of holding the run.
 */
export const READ_DEADLINE_MS = 10_000;
/**
 * One write of a report, of the alert ledger (read-compare-rename under its lock) or one JSON-lines append,
 * folders included: past this the write is a failed write (exit 2), never a hang.
 */
export const WRITE_DEADLINE_MS = 10_000;
/** How long a ledger write waits for another run's lock before reporting a conflict (the caller re-reads). */
export const LEDGER_LOCK_WAIT_MS = 5_000;
/**
 * A ledger lock older than this is stale and may be broken (the holder crashed on another host). Three times
 * `WRITE_DEADLINE_MS`, the longest a live holder keeps it.
 */
export const LEDGER_LOCK_EXPIRY_MS = 30_000;

// ---------------------------------------------------------------- store layout

export const DEFAULT_POLICY_KEY = 'policy/usr-operational-readiness-policy.json';
export const DEFAULT_SCHEDULE_KEY = 'schedule/cutover-windows.json';
export const LEDGER_KEY = 'state/alert-ledger.json';
/** Folders of the store the monitor reads (the evidence); it never reads its own outputs as evidence. */
export const INPUT_FOLDERS = ['policy/', 'schedule/', 'drills/'] as const;

// ---------------------------------------------------------------- closed sets

export const STATUSES = ['compliant', 'due-soon', 'overdue', 'never-drilled', 'cutover-uncovered'] as const;
export type Status = (typeof STATUSES)[number];

/** Statuses of a blocking row that block promotion. */
export const BLOCKING_STATUSES = ['never-drilled', 'overdue', 'cutover-uncovered'] as const;

/** Problems of a row that alert and, on a blocking row, may block promotion. */
export const ROW_PROBLEMS = [
  'never-drilled',
  'overdue',
  'cutover-uncovered',
  'due-soon',
  'remediation-missing',
  'remediation-overdue',
] as const;
export type RowProblem = (typeof ROW_PROBLEMS)[number];

/** `alertType` message attribute values (docs/formats.md, "Alert messages"). */
export const ALERT_TYPES = [
  ...ROW_PROBLEMS,
  'policy-invalid',
  'waiver-expiring',
  'recovered',
  'summary',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** What one alert-ledger entry tracks: a problem of a row (or of the policy), an expiring waiver, the summary. */
export const LEDGER_TOPICS = [...ROW_PROBLEMS, 'policy-invalid', 'waiver-expiring', 'summary'] as const;
export type LedgerTopic = (typeof LEDGER_TOPICS)[number];

/** Finding codes of the policy and schedule (validation report `findings`). */
export const DOCUMENT_FINDING_CODES = [
  'policy-unreadable',
  'schema',
  'unknown-field',
  'duplicate-key',
  'duplicate-row-id',
  'blocking-roles-empty',
  'incident-channels-empty',
  'slo-budget-invalid',
  'runbook-unpinned',
  'coverage-missing',
  'schedule-invalid',
  'waiver-invalid',
  'waiver-unknown-row',
] as const;

/** Finding codes of a row (drill report `rows[].findings`). */
export const ROW_FINDING_CODES = [
  ...ROW_PROBLEMS,
  'evidence-invalid',
  'evidence-unreadable',
  'evidence-from-future',
  'evidence-key-nonconforming',
  'evidence-key-mismatch',
] as const;

export const FINDING_CODES = [...DOCUMENT_FINDING_CODES, ...ROW_FINDING_CODES] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

// ---------------------------------------------------------------- alerts

/**
 * The alert ledger is the monitor's own state, not user input: it may outgrow the 5 MiB document limit. An entry
 * costs about 100 bytes plus its row id, and a run's claim about twice that per alert in flight, so even a policy
 * at the 5 MiB limit with every row holding every problem at once stays well below this bound (docs/reliability.md).
 */
export const MAX_LEDGER_BYTES = 64 * 1024 * 1024;
/** A claim's lifetime when the caller knows no deadline: the longest a Lambda function can run. */
export const DEFAULT_CLAIM_TTL_MS = 15 * 60 * 1000;
/** The run lease: held by the run evaluating the store (one at a time), next to the ledger. */
export const RUN_LEASE_KEY = 'state/run-lease.json';
/** How often a run waiting for the lease looks again. */
export const LEASE_POLL_MS = 2_000;
/** The row id of the ledger entries and alerts of policy findings that belong to no row, and of the summary. */
export const POLICY_ROW_ID = '_policy';
export const RUN_ROW_ID = '_run';

/** SNS accepts a `Subject` of fewer than 100 characters. */
export const SNS_MAX_SUBJECT = 99;
/** An alert's own one-line subject (the SNS subject is cut further, to ASCII). */
export const ALERT_MAX_SUBJECT = 100;

// ---------------------------------------------------------------- names and patterns

export const SERVICE_NAME = 'usr-readiness-monitor';
export const METRICS_NAMESPACE = 'UsrReadiness';
/** EMF metrics of the daily check (unit Count, dimension `service`). */
export const METRIC_NAMES = {
  runSucceeded: 'RunSucceeded',
  rowsNonCompliant: 'RowsNonCompliant',
  promotionBlocked: 'PromotionBlocked',
  alertsPublished: 'AlertsPublished',
  alertsFailed: 'AlertsFailed',
  evidenceRead: 'EvidenceRead',
  /** 1 when the newest days of the manifest hash chain (or `reports/latest/`) do not verify, else 0. */
  chainBroken: 'ChainBroken',
  /** Seconds from the earliest S3 event of a batch to its reports being written (unit Seconds; event runs only). */
  evaluationLagSeconds: 'EvaluationLagSeconds',
} as const;

/** Daily at 06:00 in `DEFAULT_SCHEDULE_TIME_ZONE`. */
export const DEFAULT_SCHEDULE_EXPRESSION = 'cron(0 6 * * ? *)';
export const DEFAULT_SCHEDULE_TIME_ZONE = 'Etc/UTC';

/**
 * A general-purpose S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a
 * letter or digit, not `xn--…` nor `…-s3alias`.
 */
export const S3_BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
/** A standard or FIFO SNS topic ARN in any partition (the callers refuse FIFO topics separately). */
export const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

// ---------------------------------------------------------------- audit outputs (HTML, CSV, history, changes)

/** The self-contained HTML report and the CSV of the rows, next to the JSON reports (docs/audit-outputs.md). */
export const HTML_REPORT_FILE = 'usr-readiness-report.html';
export const CSV_REPORT_FILE = 'usr-readiness-rows.csv';
/** The CSV's header, exactly (docs/audit-outputs.md). */
export const CSV_HEADER = [
  'rowId',
  'phase',
  'severityClass',
  'blocking',
  'status',
  'dueAt',
  'lastSuccessAt',
  'lastSuccessKey',
  'lastSuccessSha256',
  'waiverId',
  'findings',
] as const;
/** Compliance history under the output root: `history/date=<YYYY-MM-DD>/rows.jsonl`, one line per row per day. */
export const HISTORY_PREFIX = 'history/date=';
export const HISTORY_FILE = 'rows.jsonl';
/**
 * The promotion's consumed evidence per day, `history/consumed-evidence/date=<YYYY-MM-DD>/consumed-evidence.jsonl`:
 * outside the `history/date=…/` partitions, so a table over the rows never reads it.
 */
export const CONSUMED_EVIDENCE_PREFIX = 'history/consumed-evidence/date=';
export const CONSUMED_EVIDENCE_FILE = 'consumed-evidence.jsonl';
/** Days a row's strip shows in the HTML report, the run's own day included. */
export const HISTORY_STRIP_DAYS = 90;
/** History files read at once (each is parsed as it arrives, so this bounds the memory a run holds). */
export const HISTORY_READ_CONCURRENCY = 8;
/** A day's history file larger than this is not read: 10,000 rows take about 2.5 MiB. */
export const MAX_HISTORY_BYTES = 64 * 1024 * 1024;
/** How many hex digits of a sha256 the HTML report shows (the CSV and the JSON reports carry all 64). */
export const SHA256_SHOWN = 12;
/** Names of the optional Glue database and tables over the history (Athena identifiers: lowercase, `_`). */
export const HISTORY_DATABASE_NAME = 'usr_readiness';
export const HISTORY_TABLE_NAME = 'row_history';
export const CONSUMED_EVIDENCE_TABLE_NAME = 'consumed_evidence';
/** First day of the `date` partition projection; a query's `date` filter picks the partitions actually read. */
export const HISTORY_PROJECTION_START = '2020-01-01';

// ---------------------------------------------------------------- waivers (docs/waivers.md)

/** The waivers document in the store (optional: a missing file means no waivers). */
export const DEFAULT_WAIVERS_KEY = 'policy/waivers.json';
/** A waiver may last at most this many days from its approval (`expiresAt − approvedAt`). */
export const DEFAULT_MAX_WAIVER_DAYS = 30;
/** The problems a waiver may accept. Nothing else: policy errors and unreadable evidence never are. */
export const WAIVABLE_CODES = ROW_PROBLEMS;
export type WaivableCode = (typeof WAIVABLE_CODES)[number];
/** What a waiver is at `now`: only an `active` one waives anything. */
export const WAIVER_STATES = ['active', 'pending', 'expired', 'invalid'] as const;
export type WaiverState = (typeof WAIVER_STATES)[number];
/** A waiver id is a short one-line name (`W-2026-014`): it appears in reports, alerts and the table. */
export const MAX_WAIVER_ID_LENGTH = 100;

// ---------------------------------------------------------------- integrity and the promotion gate

/** What `usr-readiness verify` reports, one line per problem: `<date> <problem> <file>`. */
export const VERIFY_PROBLEMS = ['digest-mismatch', 'missing-file', 'chain-broken', 'overwritten'] as const;
export type VerifyProblem = (typeof VERIFY_PROBLEMS)[number];
/** `usr-readiness gate` refuses `reports/latest/` older than this (`--max-age`). */
export const DEFAULT_GATE_MAX_AGE = '26h';
/** How far `asOf` may lie after the gate's `now` (clocks differ) before the gate calls the reports stale. */
export const GATE_CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * `verify --versions`: earlier versions of a day's report are a same-day rerun when every version was written on
 * that UTC day or within this grace after it (a run that started before midnight: at most a Lambda's lifetime).
 */
export const SAME_DAY_REWRITE_GRACE_MS = DEFAULT_CLAIM_TTL_MS;
/** The Lambda's cheap check after each run: the newest days verified, with their links and `reports/latest/`. */
export const CHAIN_TIP_DAYS = 2;
/** `verify` and `gate` never read more of one sealed file than this, whatever its manifest records. */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

// ---------------------------------------------------------------- event-driven evaluation (docs/events.md)

/** What started a run, as the validation report records it (`trigger.kind`). */
export const TRIGGER_KINDS = ['schedule', 'evidence-change', 'manual'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
/** `trigger.keys` names at most this many keys (the first, in key order); `trigger.count` counts every event. */
export const TRIGGER_MAX_KEYS = 100;
/** The EventBridge `detail-type`s of S3 that start an evaluation. */
export const EVIDENCE_EVENT_TYPES = ['Object Created', 'Object Deleted'] as const;
/** How long the queue gathers events into one batch (one evaluation) before invoking the function. */
export const DEFAULT_EVENT_BATCHING_WINDOW_SECONDS = 60;
/** The longest batching window Lambda accepts for an SQS event source. */
export const MAX_EVENT_BATCHING_WINDOW_SECONDS = 300;
/** Events per batch; a bulk upload of this many drills is still one evaluation. */
export const DEFAULT_EVENT_BATCH_SIZE = 1000;
/** The largest batch Lambda accepts from a standard SQS queue (with a batching window of at least 1 s). */
export const MAX_EVENT_BATCH_SIZE = 10_000;
/** Receives of one event before it moves to the dead-letter queue (AWS advises at least 5 under throttling). */
export const EVENT_MAX_RECEIVE_COUNT = 5;
/** The queue's visibility timeout, in multiples of the function timeout (AWS advises at least 6). */
export const EVENT_VISIBILITY_TIMEOUT_FACTOR = 6;
