/** Flags of `usr-readiness` (docs/cli.md), parsed with node's parseArgs and validated with zod. */
import * as z from 'zod';
import type { IntegrityCommand } from './args-integrity';
import { parseIntegrityCommand } from './args-integrity';
import {
  DEFAULT_CADENCE_DAYS,
  DEFAULT_CONCURRENCY,
  DEFAULT_MAX_WAIVER_DAYS,
  DEFAULT_POLICY_KEY,
  DEFAULT_SCHEDULE_KEY,
  DEFAULT_WAIVERS_KEY,
  DEFAULT_WARN_DAYS,
  MAX_CONCURRENCY,
  MAX_DAYS,
  SNS_TOPIC_ARN,
} from '../constants';
import {
  AWS_FLAGS,
  AWS_OPTIONS,
  concurrencyFlag,
  got,
  locationFlag,
  noPositionals,
  nonNegativeInt,
  nowFlag,
  parseFlags,
  positiveInt,
  storeRequired,
  UsageError,
  validated,
} from './flags';

export { UsageError };

const AlertsFlagSchema = z.union([
  z.literal('stdout').transform(() => ({ kind: 'stdout' as const })),
  z
    .string()
    .regex(/^jsonl:.+/)
    .transform((value) => ({ kind: 'jsonl' as const, file: value.slice('jsonl:'.length) })),
  z
    .string()
    .regex(/^sns:/)
    .refine((value) => SNS_TOPIC_ARN.test(value.slice('sns:'.length)) && !value.endsWith('.fifo'))
    .transform((value) => ({ kind: 'sns' as const, topicArn: value.slice('sns:'.length) })),
]);

/** The SNS sink publishes without a MessageGroupId, which a FIFO topic rejects on every publish. */
const isFifoTopic = (value: string): boolean =>
  value.startsWith('sns:') && value.endsWith('.fifo') && SNS_TOPIC_ARN.test(value.slice('sns:'.length));

export type AlertsTarget = z.output<typeof AlertsFlagSchema>;

const CheckFlagsSchema = z.object({
  store: locationFlag('--store', { missing: storeRequired('--store') }),
  now: nowFlag,
  policy: z.string().min(1).default(DEFAULT_POLICY_KEY),
  schedule: z.string().min(1).default(DEFAULT_SCHEDULE_KEY),
  waivers: z.string().min(1).default(DEFAULT_WAIVERS_KEY),
  'max-waiver-days': positiveInt('--max-waiver-days', MAX_DAYS).default(DEFAULT_MAX_WAIVER_DAYS),
  out: locationFlag('--out').optional(),
  state: locationFlag('--state').optional(),
  alerts: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      if (isFifoTopic(value)) {
        ctx.addIssue({
          code: 'custom',
          message: `--alerts: FIFO topics are not supported (alerts are fanned out to email/SQS subscribers of a standard topic), ${got(value)}`,
        });
        return z.NEVER;
      }
      const parsed = AlertsFlagSchema.safeParse(value);
      if (parsed.success) return parsed.data;
      ctx.addIssue({
        code: 'custom',
        message: `--alerts must be stdout, jsonl:<file> or sns:<topicArn>, got "${value}"`,
      });
      return z.NEVER;
    }),
  format: z
    .enum(['table', 'json'], { error: (issue) => `--format must be table or json, ${got(issue.input)}` })
    .default('table'),
  'cadence-days': positiveInt('--cadence-days', MAX_DAYS).default(DEFAULT_CADENCE_DAYS),
  'warn-days': nonNegativeInt('--warn-days', MAX_DAYS).default(DEFAULT_WARN_DAYS),
  concurrency: concurrencyFlag(),
  ...AWS_FLAGS,
  'exit-zero': z.boolean().default(false),
  quiet: z.boolean().default(false),
  help: z.boolean().default(false),
});
export type CheckFlags = z.output<typeof CheckFlagsSchema>;

const ValidateFlagsSchema = z.object({
  format: z.enum(['table', 'json'], { message: '--format must be table or json' }).default('table'),
  waivers: z.string().min(1).optional(),
  'max-waiver-days': positiveInt('--max-waiver-days', MAX_DAYS).default(DEFAULT_MAX_WAIVER_DAYS),
  help: z.boolean().default(false),
});

export type Command =
  | IntegrityCommand
  | { readonly command: 'help'; readonly topic: 'main' | 'check' | 'validate' }
  | { readonly command: 'version' }
  | { readonly command: 'check'; readonly flags: CheckFlags }
  | {
      readonly command: 'validate';
      readonly file: string;
      readonly format: 'table' | 'json';
      /** A waivers file to validate against the policy, or null. */
      readonly waivers: string | null;
      readonly maxWaiverDays: number;
    };

const CHECK_OPTIONS = {
  store: { type: 'string' },
  now: { type: 'string' },
  policy: { type: 'string' },
  schedule: { type: 'string' },
  waivers: { type: 'string' },
  'max-waiver-days': { type: 'string' },
  out: { type: 'string' },
  state: { type: 'string' },
  alerts: { type: 'string' },
  format: { type: 'string' },
  'cadence-days': { type: 'string' },
  'warn-days': { type: 'string' },
  concurrency: { type: 'string' },
  ...AWS_OPTIONS,
  'exit-zero': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

const VALIDATE_OPTIONS = {
  format: { type: 'string' },
  waivers: { type: 'string' },
  'max-waiver-days': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function parseCommand(argv: readonly string[]): Command {
  const integrity = parseIntegrityCommand(argv);
  if (integrity) return integrity;
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    return { command: 'help', topic: topic === 'check' || topic === 'validate' ? topic : 'main' };
  }
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command === 'check') {
    const { values, positionals } = parseFlags(rest, CHECK_OPTIONS, '--help');
    if (values.help) return { command: 'help', topic: 'check' };
    noPositionals('check', positionals);
    return { command: 'check', flags: validated(CheckFlagsSchema, values) };
  }
  if (command === 'validate') {
    const { values, positionals } = parseFlags(rest, VALIDATE_OPTIONS, '--help');
    if (values.help) return { command: 'help', topic: 'validate' };
    const flags = validated(ValidateFlagsSchema, values);
    const [file, extra] = positionals;
    if (file === undefined)
      throw new UsageError('validate needs the policy file: usr-readiness validate <policy.json>');
    if (extra !== undefined) throw new UsageError(`validate takes one file, got also "${extra}"`);
    return {
      command: 'validate',
      file,
      format: flags.format,
      waivers: flags.waivers ?? null,
      maxWaiverDays: flags['max-waiver-days'],
    };
  }
  throw new UsageError(
    `unknown command "${command}" (expected check, validate, verify or gate; see usr-readiness --help)`,
  );
}

export const HELP = {
  main: `usr-readiness — checks incident-response and rollback drill evidence against the operational readiness policy.

Usage:
  usr-readiness check --store <dir | s3://bucket[/prefix]> [options]   evaluate the store, write reports, gate promotion
  usr-readiness validate <policy.json> [--waivers <file>] [options]    validate a policy file (and a waivers file)
  usr-readiness verify --store <dir | s3://…> [--from D] [--to D]      verify the manifest hash chain of reports/
  usr-readiness gate --store <dir | s3://…> [--max-age 26h]            promotion gate: reads reports/latest/ only
  usr-readiness --help | check --help | validate --help | verify --help | gate --help
  usr-readiness --version

Exit codes (check): 0 go, 1 no-go (promotion blocked), 2 bad usage, unreachable store, failed report write, an alert ledger that cannot be used, another run holding the store, or undelivered alerts.
Exit codes (validate): 0 no error findings, 1 error findings, 2 file missing or bad usage.
Exit codes (verify): 0 intact, 1 broken. (gate): 0 go, 1 no-go, stale or tampered. Both: 2 error.
`,
  check: `usr-readiness check — evaluate a drill evidence store and decide go/no-go for the next cutover window.

Usage: usr-readiness check --store <dir | s3://bucket[/prefix]> [options]

Options:
  --store <dir|s3://…>      the evidence store (required)
  --now <ISO>               evaluation instant, e.g. 2026-11-25T06:00:00Z (default: the current time)
  --policy <key>            policy key in the store (default: ${DEFAULT_POLICY_KEY})
  --schedule <key>          cutover schedule key in the store (default: ${DEFAULT_SCHEDULE_KEY}; optional file)
  --waivers <key>           waivers key in the store (default: ${DEFAULT_WAIVERS_KEY}; optional file)
  --max-waiver-days <N>     longest a waiver may last (expiresAt - approvedAt), at most ${MAX_DAYS} (default: ${DEFAULT_MAX_WAIVER_DAYS})
  --out <dir|s3://…>        root that receives reports/<date>/, reports/latest/ and history/ (default: the store)
  --state <dir|s3://…>      root of state/: the alert ledger and the run lease (default: --out); point it where
                            the deployed function keeps them (the evidence bucket) to share its ledger
  --alerts <target>         stdout | jsonl:<file> | sns:<topicArn> of a standard (non-FIFO) topic
                            (default: no alerts, ledger untouched; stdout goes to stderr with --format json)
  --format <table|json>     table: one line per row; json: the validation report (default: table)
  --cadence-days <N>        drill cadence in days, at most ${MAX_DAYS} (default: ${DEFAULT_CADENCE_DAYS})
  --warn-days <N>           due-soon warning window in days, at most ${MAX_DAYS} (default: ${DEFAULT_WARN_DAYS})
  --concurrency <N>         rows read at once, at most ${MAX_CONCURRENCY} (default: ${DEFAULT_CONCURRENCY})
  --region <region>         AWS region for s3:// and sns: targets (default: the SDK's chain)
  --profile <name>          AWS shared-config profile (default: the SDK's chain)
  --endpoint-url <url>      S3/SNS-compatible endpoint, e.g. http://127.0.0.1:4566
  --exit-zero               report only: exit 0 on no-go (still 2 on errors) — for dashboards and demos
  -q, --quiet               no progress lines on stderr
  -h, --help                this help

Exit codes: 0 go, 1 no-go, 2 bad usage, unreachable store, failed report write, an alert ledger that cannot be used, another run holding the store (the run lease), or undelivered alerts.
`,
  validate: `usr-readiness validate — validate a policy file, and a waivers file against it (for a repository's CI).

Usage: usr-readiness validate <policy.json> [--waivers <waivers.json>] [options]

Options:
  --waivers <file>          also validate this waivers file (its rows must be rows of the policy)
  --max-waiver-days <N>     longest a waiver may last (expiresAt - approvedAt), at most ${MAX_DAYS} (default: ${DEFAULT_MAX_WAIVER_DAYS})
  --format <table|json>     table: one line per finding; json: { file, waivers, summary, findings } (default: table)
  -h, --help                this help

Waiver problems are warnings: an invalid waiver waives nothing, but does not fail the check.
Exit codes: 0 no error findings (warnings allowed), 1 error findings, 2 a file missing or bad usage.
`,
} as const;
