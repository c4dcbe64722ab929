/**
 * What the renderers read: the reports as the core writes them, plus the waiver fields a monitor with waivers adds
 * (CONTRACT §8) as optional fields, rendered when present.
 */
import type { Blocker, Promotion, RowReport, ValidationReport } from '../core/schemas';

/** A blocker that an active waiver accepted (CONTRACT §8), when the report carries waivers. */
export interface WaivedBlockerView extends Blocker {
  readonly waiverId: string;
  readonly expiresAt: string;
}

/** A waiver as the validation report lists it (CONTRACT §8), when it does. */
export interface WaiverView {
  readonly id: string;
  readonly rowId: string;
  readonly state: string;
  readonly expiresAt: string;
}

/** The validation report, with the waiver fields that a report of a monitor with waivers adds (optional here). */
export type ValidationView = Omit<ValidationReport, 'promotion'> & {
  readonly promotion: Promotion & { readonly waived?: readonly WaivedBlockerView[] };
  readonly waivers?: readonly WaiverView[];
};

/** A row report whose findings may carry `waivedBy` (CONTRACT §8). */
export type RowView = Omit<RowReport, 'findings'> & {
  readonly findings: readonly (RowReport['findings'][number] & { readonly waivedBy?: string })[];
};
