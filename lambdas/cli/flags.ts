/**
 * What the commands of `usr-readiness` share in reading their flags: node's parseArgs with one-line errors, the zod
 * schemas of the flags more than one command takes (locations, `--now`, `--concurrency`, the AWS flags), the
 * first issue as the usage message, and the AWS client options the flags give. `args.ts` (check, validate) and
 * `args-integrity.ts` (verify, gate) import it; it imports neither.
 */
import type { ParseArgsConfig } from 'node:util';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { parseS3Url } from '../adapters/s3-url';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../constants';

/** A bad command line: printed as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const got = (input: unknown): string => `got "${String(input)}"`;

/** The number a digits-only flag value stands for, or a `${flag} must be at most …` issue above `max`. */
const atMost =
  (flag: string, max: number, quote: boolean) =>
  (value: string, ctx: z.RefinementCtx<string>): number => {
    const parsed = Number(value);
    if (parsed <= max) return parsed;
    const message = `${flag} must be at most ${max}${quote ? `, ${got(value)}` : ''}`;
    ctx.addIssue({ code: 'custom', input: value, message });
    return z.NEVER;
  };

export interface IntegerFlagOptions {
  /** Whether the message of a value above the maximum quotes the value. @default true */
  readonly quoteOverMax?: boolean;
}

export const positiveInt = (
  flag: string,
  max = Number.MAX_SAFE_INTEGER,
  { quoteOverMax = true }: IntegerFlagOptions = {},
) =>
  z
    .string()
    .regex(/^[1-9]\d{0,8}$/, { error: (issue) => `${flag} must be a positive integer, ${got(issue.input)}` })
    .transform(atMost(flag, max, quoteOverMax));

export const nonNegativeInt = (flag: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d{1,9}$/, {
      error: (issue) => `${flag} must be a whole number of days (0 or more), ${got(issue.input)}`,
    })
    .transform(atMost(flag, max, true));

/** `--concurrency <N>`: at most `MAX_CONCURRENCY`, default `DEFAULT_CONCURRENCY`. */
export const concurrencyFlag = (options: IntegerFlagOptions = {}) =>
  positiveInt('--concurrency', MAX_CONCURRENCY, options).default(DEFAULT_CONCURRENCY);

/** A malformed `s3://` URL is bad usage, said up front. */
const s3UrlProblem =
  (flag: string) =>
  (value: string, ctx: z.RefinementCtx<string>): void => {
    if (!value.startsWith('s3://')) return;
    try {
      parseS3Url(value);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `${flag}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  };

export interface LocationMessages {
  /** The message of a missing flag (also of an empty one, unless `empty` is given). */
  readonly missing?: string;
  /** The message of an empty value. */
  readonly empty?: string;
}

/** `--store` and `--out`: a directory or a well-formed `s3://bucket[/prefix]`. */
export const locationFlag = (flag: string, messages: LocationMessages = {}) =>
  z
    .string(messages.missing === undefined ? undefined : { message: messages.missing })
    .min(1, messages.empty === undefined ? undefined : { message: messages.empty })
    .superRefine(s3UrlProblem(flag));

/** The message of a missing `--store`. */
export const storeRequired = (flag: string): string =>
  `${flag} is required (a directory or s3://bucket/prefix)`;

/** `--now <ISO>`: the instant a command measures against. */
export const nowFlag = z.iso
  .datetime({
    offset: true,
    error: (issue) =>
      `--now must be an ISO-8601 date-time with a zone such as 2026-11-25T06:00:00Z, ${got(issue.input)}`,
  })
  .optional();

/** The flags that reach AWS, in the order the commands' schemas list them. */
export const AWS_FLAGS = {
  region: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  'endpoint-url': z
    .url({
      error: (issue) => `--endpoint-url must be a URL such as http://127.0.0.1:4566, ${got(issue.input)}`,
    })
    .optional(),
};

/** The parseArgs options of `AWS_FLAGS`. */
export const AWS_OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

export interface AwsFlags {
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
  readonly 'endpoint-url'?: string | undefined;
}

/** What the AWS flags ask of the SDK clients. */
export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
}

export function clientOptions(flags: AwsFlags): ClientOptions {
  return {
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags['endpoint-url'] ? { endpoint: flags['endpoint-url'] } : {}),
  };
}

export const isS3 = (location: string): boolean => location.startsWith('s3://');

/**
 * parseArgs in strict mode; its error becomes one line, an unknown option `unknown option --x (see <help>)`,
 * `help` naming the help to read (`--help`, `verify --help`).
 */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  options: T,
  help: string,
) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    // Under a test runner's realm a Node error may not be `instanceof Error`: read its text either way.
    const message = (String((error as { message?: unknown })?.message ?? error).split('\n')[0] ?? '').trim();
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]} (see ${help})` : message);
  }
}

/** Refuses positional arguments of a command that takes none. */
export function noPositionals(command: string, positionals: readonly string[]): void {
  if (positionals.length > 0)
    throw new UsageError(`${command} takes no positional arguments, got "${positionals[0]}"`);
}

/** The first issue as one line, naming the flag unless the message already starts with one. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid arguments';
  const flag = issue.path.length > 0 ? `--${String(issue.path[0])}` : '';
  return issue.message.startsWith('--') || flag === '' ? issue.message : `${flag}: ${issue.message}`;
}

/** The flags parsed by `schema`, or a `UsageError` with its first issue. */
export function validated<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(firstIssue(parsed.error));
  return parsed.data;
}
