/** Flags of `usr-readiness verify` and `usr-readiness gate` (docs/integrity.md), parsed with parseArgs and zod. */
import * as z from 'zod';
import { DEFAULT_CONCURRENCY, DEFAULT_GATE_MAX_AGE, MAX_CONCURRENCY, MAX_DAYS } from '../constants';
import { parseDuration } from '../core/gate';
import {
  AWS_FLAGS,
  AWS_OPTIONS,
  concurrencyFlag,
  got,
  locationFlag,
  noPositionals,
  nowFlag,
  parseFlags,
  storeRequired,
  validated,
} from './flags';

/** A directory or a well-formed `s3://bucket[/prefix]`. */
const location = (flag: string) =>
  locationFlag(flag, { missing: storeRequired(flag), empty: `${flag} must not be empty` });

const day = (flag: string) =>
  z.iso
    .date({ error: (issue) => `${flag} must be a day such as 2026-10-01 (YYYY-MM-DD), ${got(issue.input)}` })
    .optional();

const VerifyFlagsSchema = z
  .object({
    store: location('--store'),
    out: location('--out').optional(),
    from: day('--from'),
    to: day('--to'),
    versions: z.boolean().default(false),
    concurrency: concurrencyFlag({ quoteOverMax: false }),
    quiet: z.boolean().default(false),
    ...AWS_FLAGS,
  })
  .refine((f) => f.from === undefined || f.to === undefined || f.from <= f.to, {
    message: '--from must not be after --to',
  });
export type VerifyFlags = z.output<typeof VerifyFlagsSchema>;

const GateFlagsSchema = z.object({
  store: location('--store'),
  out: location('--out').optional(),
  'max-age': z
    .string()
    .default(DEFAULT_GATE_MAX_AGE)
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms !== null) return { text, ms };
      ctx.addIssue({
        code: 'custom',
        message: `--max-age must be a duration such as 26h, 90m or 2d (at most ${MAX_DAYS}d), ${got(text)}`,
      });
      return z.NEVER;
    }),
  now: nowFlag,
  ...AWS_FLAGS,
});
export type GateFlags = z.output<typeof GateFlagsSchema>;

/** The flags both commands share with `check` for reaching S3. */
export type StoreFlags = Pick<VerifyFlags, 'store' | 'out' | 'region' | 'profile' | 'endpoint-url'>;

export type IntegrityCommand =
  | { readonly command: 'verify'; readonly flags: VerifyFlags }
  | { readonly command: 'gate'; readonly flags: GateFlags }
  | { readonly command: 'verify' | 'gate'; readonly help: true };

const STORE_OPTIONS = {
  store: { type: 'string' },
  out: { type: 'string' },
  ...AWS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

const VERIFY_OPTIONS = {
  ...STORE_OPTIONS,
  from: { type: 'string' },
  to: { type: 'string' },
  versions: { type: 'boolean' },
  concurrency: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

const GATE_OPTIONS = { ...STORE_OPTIONS, 'max-age': { type: 'string' }, now: { type: 'string' } } as const;

/** The flag values of `verify` or `gate`, which take no positional arguments. */
function parse<T extends typeof VERIFY_OPTIONS | typeof GATE_OPTIONS>(
  command: 'verify' | 'gate',
  argv: readonly string[],
  options: T,
) {
  const parsed = parseFlags(argv, options, `${command} --help`);
  noPositionals(command, parsed.positionals);
  return parsed.values;
}

/** `verify …`, `gate …`, `help verify`, `help gate`; null for any other command (args.ts goes on). */
export function parseIntegrityCommand(argv: readonly string[]): IntegrityCommand | null {
  const [command, ...rest] = argv;
  if (command === 'help' && (rest[0] === 'verify' || rest[0] === 'gate'))
    return { command: rest[0], help: true };
  if (command === 'verify') {
    const values = parse(command, rest, VERIFY_OPTIONS);
    if (values.help) return { command, help: true };
    return { command, flags: validated(VerifyFlagsSchema, values) };
  }
  if (command === 'gate') {
    const values = parse(command, rest, GATE_OPTIONS);
    if (values.help) return { command, help: true };
    return { command, flags: validated(GateFlagsSchema, values) };
  }
  return null;
}

const AWS_HELP = `  --out <dir|s3://…>        the output root holding reports/ (default: the store, as for check)
  --region <region>         AWS region for s3:// (default: the SDK's chain)
  --profile <name>          AWS shared-config profile (default: the SDK's chain)
  --endpoint-url <url>      S3-compatible endpoint, e.g. http://127.0.0.1:4566
  -h, --help                this help`;

export const INTEGRITY_HELP = {
  verify: `usr-readiness verify — recompute every digest and link of the manifest hash chain under reports/.

Usage: usr-readiness verify --store <dir | s3://bucket[/prefix]> [options]

Options:
  --store <dir|s3://…>      the store (required); reports are read under --out, default the store
  --from <YYYY-MM-DD>       first day to verify (its link to the day before is checked too)
  --to <YYYY-MM-DD>         last day to verify (reports/latest/ is verified when the range holds its day)
  --versions                on a versioned S3 bucket: also fail on earlier versions of a day's files
                            (rewrites after that day); not applicable to a directory
  --concurrency <N>         days read at once, at most ${MAX_CONCURRENCY} (default: ${DEFAULT_CONCURRENCY})
  -q, --quiet               no summary on stderr
${AWS_HELP}

Prints "N day(s) and M file(s) verified", or one line per problem: <date> <problem> <file>, problem one of
digest-mismatch, missing-file, chain-broken, overwritten (with --versions).
Exit codes: 0 intact, 1 broken, 2 bad usage, nothing to verify, or a store that cannot be read.
`,
  gate: `usr-readiness gate — the promotion gate of a deployment pipeline: reads reports/latest/, evaluates nothing.

Usage: usr-readiness gate --store <dir | s3://bucket[/prefix]> [options]

Options:
  --store <dir|s3://…>      the store (required); reports are read under --out, default the store
  --max-age <duration>      refuse reports older than this: 90m, 26h, 2d (default: ${DEFAULT_GATE_MAX_AGE})
  --now <ISO>               the instant the age is measured to (default: the current time)
${AWS_HELP}

Checks latest/ against its manifest and the manifest against the day it copies, then its age, then the decision.
Prints one line: go, no-go, stale, tampered (or error).
Exit codes: 0 go, 1 no-go, stale or tampered, 2 bad usage, no reports/latest/, or a store that cannot be read.
`,
} as const;
