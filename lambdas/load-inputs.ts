/** Reads and validates the documents a run evaluates against: the policy and the cutover schedule. */
import { MAX_DOCUMENT_BYTES } from './constants';
import { sourceOf } from './collect-row';
import type { ParsedSchedule } from './core/schedule';
import { parseSchedule } from './core/schedule';
import type { Source } from './core/schemas';
import type { ValidatedPolicy } from './core/validate-policy';
import { validatePolicy } from './core/validate-policy';
import type { EvidenceStore } from './ports';

export interface InputKeys {
  readonly policyKey: string;
  readonly scheduleKey: string;
}

export interface RunInputs {
  readonly policy: ValidatedPolicy;
  readonly policySource: Source;
  readonly schedule: ParsedSchedule;
}

export async function loadInputs(store: EvidenceStore, keys: InputKeys): Promise<RunInputs> {
  const [policyRead, scheduleRead] = await Promise.all([
    store.read(keys.policyKey, MAX_DOCUMENT_BYTES),
    store.read(keys.scheduleKey, MAX_DOCUMENT_BYTES),
  ]);
  return {
    policy: validatePolicy(keys.policyKey, policyRead),
    policySource: sourceOf(keys.policyKey, policyRead),
    schedule: parseSchedule(keys.scheduleKey, scheduleRead),
  };
}
