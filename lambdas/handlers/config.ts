/**
 * The daily-check Lambda's configuration, read from the environment once, through a zod schema that names
 * every missing or bad variable in one message. Region, endpoint and credentials are not here: the AWS SDK
 * reads its own standard variables (AWS_REGION, AWS_ENDPOINT_URL, …).
 */
import * as z from 'zod';
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
  METRICS_NAMESPACE,
  S3_BUCKET_NAME,
  SERVICE_NAME,
  SNS_TOPIC_ARN,
} from '../constants';

export const DEFAULT_METRICS_NAMESPACE = METRICS_NAMESPACE;
export { SERVICE_NAME };

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** Unset and empty are the same for optional values. */
const blankAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

/** Without `max`, anything up to Number.MAX_SAFE_INTEGER; with it, `must be at most <max>, got "<value>"`. */
const integer = (min: 0 | 1, fallback: number, max?: number) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .regex(min === 1 ? /^\s*[1-9]\d*\s*$/ : /^\s*\d+\s*$/, {
        error: (issue) =>
          `must be a ${min === 1 ? 'positive' : 'non-negative'} integer, got ${show(issue.input)}`,
      })
      .transform((value, ctx) => {
        const parsed = Number(value.trim());
        if (parsed <= (max ?? Number.MAX_SAFE_INTEGER)) return parsed;
        ctx.addIssue({
          code: 'custom',
          input: value,
          message: max === undefined ? 'is too large' : `must be at most ${max}, got ${show(value.trim())}`,
        });
        return z.NEVER;
      })
      .default(fallback),
  );

/** `usr`, `usr/`, `/usr/` → `usr/`; '' stays ''. */
const prefix = z
  .string()
  .refine((value) => !value.includes('//'), {
    error: (issue) => `must not contain "//", got ${show(issue.input)}`,
  })
  .transform((value) => {
    const trimmed = value.replace(/^\/+/, '');
    return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
  });

const key = (fallback: string) =>
  z.preprocess(
    blankAsUnset,
    z
      .string()
      .refine((value) => !value.startsWith('/'), {
        error: (issue) => `must be a relative key, got ${show(issue.input)}`,
      })
      .default(fallback),
  );

export const DailyCheckEnvSchema = z
  .object({
    EVIDENCE_BUCKET: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
      .min(1, { error: 'is required' })
      .regex(S3_BUCKET_NAME, {
        error: (issue) =>
          `must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${show(issue.input)}`,
      }),
    EVIDENCE_PREFIX: prefix.default(''),
    /** Unset: the evidence bucket. A separate (Object-Locked) bucket for `reports/` and `history/`. */
    REPORTS_BUCKET: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(S3_BUCKET_NAME, {
          error: (issue) =>
            `must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${show(issue.input)}`,
        })
        .optional(),
    ),
    /** Unset: the same as EVIDENCE_PREFIX; set to '' explicitly: the bucket root. */
    REPORTS_PREFIX: prefix.optional(),
    POLICY_KEY: key(DEFAULT_POLICY_KEY),
    SCHEDULE_KEY: key(DEFAULT_SCHEDULE_KEY),
    WAIVERS_KEY: key(DEFAULT_WAIVERS_KEY),
    ALERT_TOPIC_ARN: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(SNS_TOPIC_ARN, {
          abort: true,
          error: (issue) =>
            `must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>), got ${show(issue.input)}`,
        })
        // The SNS publisher sends no MessageGroupId, which a FIFO topic rejects on every publish.
        .refine((value) => !value.endsWith('.fifo'), {
          error: (issue) => `must be a standard (non-FIFO) SNS topic ARN, got ${show(issue.input)}`,
        })
        .optional(),
    ),
    CADENCE_DAYS: integer(1, DEFAULT_CADENCE_DAYS, MAX_DAYS),
    WARN_DAYS: integer(0, DEFAULT_WARN_DAYS, MAX_DAYS),
    CONCURRENCY: integer(1, DEFAULT_CONCURRENCY, MAX_CONCURRENCY),
    MAX_WAIVER_DAYS: integer(1, DEFAULT_MAX_WAIVER_DAYS, MAX_DAYS),
    POWERTOOLS_METRICS_NAMESPACE: z.preprocess(blankAsUnset, z.string().default(DEFAULT_METRICS_NAMESPACE)),
  })
  .transform((env) => ({
    evidenceBucket: env.EVIDENCE_BUCKET,
    evidencePrefix: env.EVIDENCE_PREFIX,
    reportsBucket: env.REPORTS_BUCKET ?? env.EVIDENCE_BUCKET,
    reportsPrefix: env.REPORTS_PREFIX ?? env.EVIDENCE_PREFIX,
    policyKey: env.POLICY_KEY,
    scheduleKey: env.SCHEDULE_KEY,
    waiversKey: env.WAIVERS_KEY,
    alertTopicArn: env.ALERT_TOPIC_ARN ?? null,
    cadenceDays: env.CADENCE_DAYS,
    warnDays: env.WARN_DAYS,
    concurrency: env.CONCURRENCY,
    maxWaiverDays: env.MAX_WAIVER_DAYS,
    metricsNamespace: env.POWERTOOLS_METRICS_NAMESPACE,
  }));

export type DailyCheckConfig = z.output<typeof DailyCheckEnvSchema>;

/**
 * Parses the environment. Throws one Error naming each bad variable, e.g.
 * `invalid daily-check configuration: EVIDENCE_BUCKET is required; CADENCE_DAYS must be a positive integer, got "abc"`.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): DailyCheckConfig {
  const parsed = DailyCheckEnvSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.');
    return name ? `${name} ${issue.message}` : issue.message;
  });
  throw new Error(`invalid daily-check configuration: ${problems.join('; ')}`);
}
