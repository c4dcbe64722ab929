/** Reads and validates the documents a run evaluates against: the policy, the cutover schedule and the waivers. */
import { DEFAULT_MAX_WAIVER_DAYS, DEFAULT_WAIVERS_KEY, MAX_DOCUMENT_BYTES } from './constants';
import { sourceOf } from './collect-row';
import type { ParsedSchedule } from './core/schedule';
import { parseSchedule } from './core/schedule';
import type { Source } from './core/schemas';
import type { ValidatedPolicy } from './core/validate-policy';
import { validatePolicy } from './core/validate-policy';
import type { ValidatedWaivers } from './core/waivers';
import { validateWaivers } from './core/waivers';
import type { EvidenceStore } from './ports';

export interface InputKeys {
  readonly policyKey: string;
  readonly scheduleKey: string;
  /** @default 'policy/waivers.json' (a missing file means no waivers) */
  readonly waiversKey?: string;
  /** @default 30 */
  readonly maxWaiverDays?: number;
}

export interface RunInputs {
  readonly policy: ValidatedPolicy;
  readonly policySource: Source;
  readonly schedule: ParsedSchedule;
  readonly waivers: ValidatedWaivers;
  /** Null when there is no waivers file. */
  readonly waiversSource: Source | null;
}

export async function loadInputs(store: EvidenceStore, keys: InputKeys): Promise<RunInputs> {
  const waiversKey = keys.waiversKey ?? DEFAULT_WAIVERS_KEY;
  const [policyRead, scheduleRead, waiversRead] = await Promise.all([
    store.read(keys.policyKey, MAX_DOCUMENT_BYTES),
    store.read(keys.scheduleKey, MAX_DOCUMENT_BYTES),
    store.read(waiversKey, MAX_DOCUMENT_BYTES),
  ]);
  const policy = validatePolicy(keys.policyKey, policyRead);
  return {
    policy,
    policySource: sourceOf(keys.policyKey, policyRead),
    schedule: parseSchedule(keys.scheduleKey, scheduleRead),
    waivers: validateWaivers(waiversKey, waiversRead, {
      maxWaiverDays: keys.maxWaiverDays ?? DEFAULT_MAX_WAIVER_DAYS,
      rowIds: new Set(policy.rows.map((row) => row.id)),
    }),
    waiversSource: waiversRead.kind === 'missing' ? null : sourceOf(waiversKey, waiversRead),
  };
}
