/**
 * The promotion gate's judgement (docs/integrity.md), pure: given the facts of an intact `reports/latest/`, the instant
 * and the maximum age, go / no-go / stale, with the one line the CLI prints. Durations such as `26h` are parsed here.
 */
import * as z from 'zod';
import { GATE_CLOCK_SKEW_MS, MAX_DAYS } from '../constants';
import { decodeJson } from './json-input';
import { isoInstant } from './time';
import type { Problem } from './verify-chain';

export type GateVerdict = 'go' | 'no-go' | 'stale' | 'tampered';

export interface GateOutcome {
  readonly verdict: GateVerdict;
  /** One line, starting with the verdict. */
  readonly line: string;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `90m`, `26h`, `2d` → milliseconds; null for anything else, zero, or more than `MAX_DAYS` days. */
export function parseDuration(text: string): number | null {
  const match = /^([1-9]\d{0,7})([mhd])$/.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms <= MAX_DAYS * UNIT_MS.d ? ms : null;
}

/** `3h 0m`, `1d 2h`, `45m`, `12s`: two units at most, for people. */
export function formatAge(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const [d, h, m, s] = [
    Math.floor(seconds / 86_400),
    Math.floor(seconds / 3600) % 24,
    Math.floor(seconds / 60) % 60,
    seconds % 60,
  ];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** What the gate reads of the validation report: the fields audit tooling relies on (docs/formats.md). */
const GateReportSchema = z.looseObject({
  asOf: z.iso.datetime({ offset: true }),
  promotion: z.looseObject({
    decision: z.enum(['go', 'no-go']),
    blockers: z.array(z.looseObject({ code: z.string(), rowId: z.string().optional() })),
  }),
});

export interface GateFacts {
  /** The day `latest/` is a copy of. */
  readonly date: string;
  readonly asOf: number;
  readonly decision: 'go' | 'no-go';
  readonly blockers: readonly { readonly code: string; readonly rowId?: string | undefined }[];
}

/** The decision of the validation report's bytes, or a one-line reason it cannot be read. */
export function readDecision(
  date: string,
  bytes: Uint8Array,
): { ok: true; facts: GateFacts } | { ok: false; reason: string } {
  const decoded = decodeJson(bytes, bytes.byteLength);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const parsed = GateReportSchema.safeParse(decoded.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  const { asOf, promotion } = parsed.data;
  return {
    ok: true,
    facts: { date, asOf: Date.parse(asOf), decision: promotion.decision, blockers: promotion.blockers },
  };
}

export interface GateLimits {
  readonly now: number;
  readonly maxAgeMs: number;
  /** `--max-age` as given, for the line. */
  readonly maxAge: string;
}

/** Stale first (older than the maximum age, or from the future), then the decision. */
export function judgeGate(facts: GateFacts, limits: GateLimits): GateOutcome {
  const where = `reports/latest/ of ${facts.date} (asOf ${isoInstant(facts.asOf)})`;
  const age = limits.now - facts.asOf;
  if (age < -GATE_CLOCK_SKEW_MS)
    return {
      verdict: 'stale',
      line: `stale: ${where} lies ${formatAge(age)} after now (${isoInstant(limits.now)}): a clock or a run's --now is wrong`,
    };
  if (age > limits.maxAgeMs)
    return {
      verdict: 'stale',
      line: `stale: ${where} is ${formatAge(age)} old, more than --max-age ${limits.maxAge}`,
    };
  const fresh = `${formatAge(Math.max(0, age))} old, --max-age ${limits.maxAge}`;
  if (facts.decision === 'go')
    return { verdict: 'go', line: `go: ${where} is intact and allows promotion (${fresh})` };
  const named = facts.blockers.slice(0, 3).map((b) => (b.rowId ? `${b.code} ${b.rowId}` : b.code));
  const more = facts.blockers.length > named.length ? ', …' : '';
  return {
    verdict: 'no-go',
    line: `no-go: ${where} is intact and blocks promotion: ${facts.blockers.length} blocker(s)${named.length ? ` (${named.join(', ')}${more})` : ''} (${fresh})`,
  };
}

const PROBLEM_TEXT = {
  'digest-mismatch': 'does not match the manifest',
  'missing-file': 'is missing',
  'chain-broken': 'is not a valid manifest',
  overwritten: 'was overwritten',
} as const;

/** `tampered: reports/latest/<file> does not match the manifest` for the first problem of `latest/`. */
export function tampered(problem: Problem, more: number): GateOutcome {
  const rest = more > 0 ? ` (and ${more} more problem(s))` : '';
  return {
    verdict: 'tampered',
    line: `tampered: reports/latest/${problem.file} ${PROBLEM_TEXT[problem.problem]}${rest}`,
  };
}
