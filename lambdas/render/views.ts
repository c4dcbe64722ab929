/** What the renderers read: the reports exactly as the core writes them, under the names the renderers use. */
import type { RowReport, ValidationReport, WaivedBlocker, WaiverRecord } from '../core/schemas';

/** A blocker that an active waiver accepted (`promotion.waived`). */
export type WaivedBlockerView = WaivedBlocker;

/** A waiver as the validation report lists it; fields an invalid entry lacks are null. */
export type WaiverView = WaiverRecord;

export type ValidationView = ValidationReport;

/** A row report; its findings carry `waivedBy` when an active waiver covers them. */
export type RowView = RowReport;
