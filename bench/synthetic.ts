/**
 * Synthetic evidence stores for the benchmark (the layout and documents of docs/formats.md): a policy of `rows` rows with a pinned runbook
 * catalog, a cutover schedule with no window in force at `BENCH_NOW`, and `history` drills per row.
 *
 * Each row's drills are spaced one day apart (± 2 h) and end a few days before `BENCH_NOW`; about 3 % of the
 * drills fail, carry a remediation and are rerun (passing, with `rerunOf`) the next day. Rows follow a fixed
 * profile by index (i mod 50), so every store has the same mix:
 *
 * - 44 / 50 compliant: the newest drill passed 1-6 days ago;
 * -  3 / 50 compliant with a pending failure: the newest drill failed 1-3 days ago (remediation ETA in the
 *    future) and the one before it passed;
 * -  2 / 50 due soon: the newest drill passed 24-27 days ago;
 * -  1 / 50 overdue: the newest drill passed 35-60 days ago (the monitor needs its fallback listing).
 *
 * Deterministic: the same (rows, history) always gives byte-identical objects.
 */
import { formatKeyTimestamp } from '../lambdas/core/drills';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY } from '../lambdas/monitor';

export const BENCH_NOW = '2026-11-25T06:00:00Z';
const NOW_MS = Date.parse(BENCH_NOW);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
export const RUNBOOK_VERSION = '3.2.0';

export interface StoreSpec {
  readonly rows: number;
  readonly history: number;
}

export interface StoreObject {
  /** Relative to the store root, e.g. `drills/row-0001/20261120T100500Z-2026-11-20-row-0001.json`. */
  readonly key: string;
  readonly body: string;
}

export type Profile = 'compliant' | 'pending-failure' | 'due-soon' | 'overdue';

export function profileOf(index: number): Profile {
  const k = index % 50;
  if (k === 8) return 'overdue';
  if (k === 13 || k === 31) return 'due-soon';
  if (k === 3 || k === 21 || k === 41) return 'pending-failure';
  return 'compliant';
}

/** A small deterministic PRNG (mulberry32): floats in [0, 1). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const PHASES = ['incident', 'pre-cutover', 'cutover', 'post-cutover'] as const;
const SEVERITIES = ['sev1', 'sev2', 'sev3'] as const;

export const rowId = (index: number): string => `row-${String(index).padStart(4, '0')}`;

export interface BenchRow {
  readonly id: string;
  readonly phase: (typeof PHASES)[number];
  readonly runbookId: string;
  readonly severityClass: 'sev1' | 'sev2' | 'sev3' | 'n/a';
  readonly requiredRoles: readonly string[];
  readonly requiredArtifacts: readonly string[];
  readonly communicationChannels: readonly string[];
  readonly maxResponseMinutes: number;
  readonly maxRecoveryMinutes: number;
  readonly blocking: boolean;
}

export function policyRow(index: number): BenchRow {
  const phase = PHASES[index % PHASES.length] ?? 'incident';
  const incident = phase === 'incident';
  const id = rowId(index);
  return {
    id,
    phase,
    runbookId: `rb-${id}`,
    severityClass: incident ? (SEVERITIES[Math.floor(index / 4) % SEVERITIES.length] ?? 'sev1') : 'n/a',
    requiredRoles: incident
      ? ['incident-commander', 'comms-lead', 'scribe']
      : ['release-manager', 'sre-on-call'],
    requiredArtifacts: incident ? ['timeline', 'postmortem'] : ['rollback-log', 'verification-report'],
    communicationChannels: incident ? ['#inc-bridge', '#status-page'] : ['#release-train'],
    maxResponseMinutes: incident ? 15 : 10,
    maxRecoveryMinutes: incident ? 60 : 45,
    // Rows 0 (incident) and 1 (pre-cutover) are blocking, so the policy has the blocking coverage it needs (no `coverage-missing`).
    blocking: index % 5 !== 2,
  };
}

export function policyDocument(rows: number): string {
  return policyDocumentOf(Array.from({ length: rows }, (_, i) => i));
}

/** A policy of the rows with these indices, with their runbooks pinned at the catalog version. */
export function policyDocumentOf(indices: readonly number[]): string {
  const list = indices.map(policyRow);
  const document = {
    schemaVersion: 'usr-operational-readiness-policy/v1',
    policyVersion: '2026.11.0',
    runbooks: Object.fromEntries(list.map((r) => [r.runbookId, { version: RUNBOOK_VERSION }])),
    rows: list,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** One past window (ended 50 days ago) and one upcoming (in 40 days, so its readiness period has not begun). */
export function scheduleDocument(): string {
  const at = (days: number): string => isoSeconds(NOW_MS + days * DAY_MS);
  return `${JSON.stringify(
    {
      schemaVersion: 'usr-cutover-schedule/v1',
      windows: [
        { id: 'cutover-2026-q3', startsAt: at(-52), endsAt: at(-50), description: 'previous cutover' },
        { id: 'cutover-2027-q1', startsAt: at(40), endsAt: at(42), description: 'next cutover' },
      ],
    },
    null,
    2,
  )}\n`;
}

/** An instant as ISO-8601 UTC to the second, `2026-11-25T06:00:00Z`. */
export const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Days before `BENCH_NOW` at which the row's newest drill completed. */
function newestAgeDays(profile: Profile, rand: () => number): number {
  const between = (low: number, high: number): number => low + Math.floor(rand() * (high - low + 1));
  switch (profile) {
    case 'compliant':
      return between(1, 6);
    case 'pending-failure':
      return between(1, 3);
    case 'due-soon':
      return between(24, 27);
    case 'overdue':
      return between(35, 60);
  }
}

interface DrillDraws {
  /** Uniform draws in [0, 1). */
  readonly jitter: number;
  readonly failure: number;
  readonly response: number;
  readonly recovery: number;
}

/** The random draws of the drill `age` positions before the row's newest: they depend only on (row, age). */
function drillDraws(index: number, age: number): DrillDraws {
  const rand = random(index * 1_000_003 + age * 7919 + 1);
  return { jitter: rand(), failure: rand(), response: rand(), recovery: rand() };
}

/**
 * Whether the drill `age` positions before the newest failed, for ages 0..count-1. Counted from the newest,
 * so a row's newest H drills are the same whatever its history: a store of history 100 is the newest 100
 * drills of the store of history 1000, and a store can grow by adding older drills.
 */
function failures(index: number, count: number): boolean[] {
  const profile = profileOf(index);
  const failed: boolean[] = [];
  for (let age = 0; age < count; age++) {
    const newer = failed[age - 1] ?? false;
    failed.push(age === 0 ? profile === 'pending-failure' : !newer && drillDraws(index, age).failure < 0.03);
  }
  return failed;
}

/** The drills of row `index` from `newer` (inclusive) to `older` (exclusive) positions before its newest. */
export function* rowDrills(index: number, newer: number, older: number): Generator<StoreObject> {
  const row = policyRow(index);
  const newestAt =
    NOW_MS - newestAgeDays(profileOf(index), random(index * 7919 + 17)) * DAY_MS + 10 * HOUR_MS;
  const failed = failures(index, older + 1);
  const completedAtAge = (age: number): number =>
    newestAt - age * DAY_MS + Math.round((drillDraws(index, age).jitter - 0.5) * 4 * HOUR_MS);
  const drillIdAt = (completedMs: number): string => `${isoDate(completedMs)}-${row.id}`;
  for (let age = newer; age < older; age++) {
    const draws = drillDraws(index, age);
    const completedMs = completedAtAge(age);
    const fail = failed[age] ?? false;
    // The drill one position newer than a failure is its rerun.
    const rerunOf = failed[age + 1] ? drillIdAt(completedAtAge(age + 1)) : null;
    const drillId = drillIdAt(completedMs);
    const response = 2 + Math.floor(draws.response * (row.maxResponseMinutes - 2));
    const recovery = fail
      ? row.maxRecoveryMinutes + 5 + Math.floor(draws.recovery * 30)
      : 10 + Math.floor(draws.recovery * (row.maxRecoveryMinutes - 10));
    const extra = {
      ...(fail
        ? { remediation: { owner: `oncall-${(index % 17) + 1}`, eta: isoDate(completedMs + 7 * DAY_MS) } }
        : {}),
      ...(rerunOf !== null ? { rerunOf } : {}),
    };
    const facts: DrillFacts = {
      drillId,
      outcome: fail ? 'fail' : 'pass',
      startedAt: isoSeconds(completedMs - (recovery + response) * MINUTE_MS),
      completedAt: isoSeconds(completedMs),
      responseMinutes: response,
      recoveryMinutes: recovery,
    };
    yield drillObject(row, completedMs, facts, { extra, pretty: true });
  }
}

/** What one drill of a row records besides the row's own runbook, roles, artifacts and channel. */
export interface DrillFacts {
  readonly drillId: string;
  readonly outcome: 'pass' | 'fail';
  /** Recorded by the synthetic stores only. */
  readonly startedAt?: string;
  readonly completedAt: string;
  readonly responseMinutes: number;
  readonly recoveryMinutes: number;
}

export interface DrillObjectOptions {
  /** Fields after the row's (a remediation, `rerunOf`). */
  readonly extra?: Record<string, unknown>;
  /** Indented JSON with a final newline, like an operator's file; compact otherwise. */
  readonly pretty?: boolean;
}

/**
 * A drill evidence document of `row` (docs/formats.md) with its required roles and artifacts present and, for an
 * incident, its first channel used, stored at `drills/<rowId>/<keyMs as key timestamp>-<drillId>.json`.
 */
export function drillObject(
  row: BenchRow,
  keyMs: number,
  facts: DrillFacts,
  options: DrillObjectOptions = {},
): StoreObject {
  const incident = row.phase === 'incident';
  const drill = {
    schemaVersion: 'usr-drill-evidence/v1',
    drillId: facts.drillId,
    rowId: row.id,
    drillType: incident ? 'incident' : 'rollback',
    runbookId: row.runbookId,
    runbookVersion: RUNBOOK_VERSION,
    outcome: facts.outcome,
    ...(facts.startedAt !== undefined ? { startedAt: facts.startedAt } : {}),
    completedAt: facts.completedAt,
    responseMinutes: facts.responseMinutes,
    recoveryMinutes: facts.recoveryMinutes,
    rolesPresent: [...row.requiredRoles],
    artifactsProduced: [...row.requiredArtifacts],
    channelsUsed: incident ? row.communicationChannels.slice(0, 1) : [],
    ...options.extra,
  };
  return {
    key: `drills/${row.id}/${formatKeyTimestamp(keyMs)}-${facts.drillId}.json`,
    body: options.pretty ? `${JSON.stringify(drill, null, 2)}\n` : JSON.stringify(drill),
  };
}

/** Every object of the store: the policy, the schedule, then each row's drills (newest first). */
export function* storeObjects(spec: StoreSpec): Generator<StoreObject> {
  yield { key: DEFAULT_POLICY_KEY, body: policyDocument(spec.rows) };
  yield { key: DEFAULT_SCHEDULE_KEY, body: scheduleDocument() };
  for (let i = 0; i < spec.rows; i++) yield* rowDrills(i, 0, spec.history);
}
