/** Findings about the evidence itself (CONTRACT §1, §3): nonconforming keys, invalid, unreadable or future-dated artifacts. Pure. */
import type { JudgedDrill } from './drills';
import type { RowFinding } from './schemas';
import { isoInstant as iso } from './time';

/** One listed artifact: its key and whether the key follows `<YYYYMMDDTHHMMSSZ>-<drillId>.json`. */
export interface ListingNote {
  readonly key: string;
  readonly conforming: boolean;
}

export function listingFindings(listing: readonly ListingNote[]): RowFinding[] {
  return listing
    .filter((note) => !note.conforming)
    .map((note) => ({
      code: 'evidence-key-nonconforming',
      severity: 'warning',
      key: note.key,
      message: `${note.key}: name does not follow drills/<rowId>/<YYYYMMDDTHHMMSSZ>-<drillId>.json; ordered by its modification time`,
    }));
}

/** The finding one judged artifact carries, if any. */
export function artifactFinding(j: JudgedDrill, now: number): RowFinding | null {
  switch (j.kind) {
    case 'invalid':
      return { code: 'evidence-invalid', severity: 'warning', key: j.key, message: `${j.key}: ${j.message}` };
    case 'unreadable':
      return {
        code: 'evidence-unreadable',
        severity: 'error',
        key: j.key,
        message: `${j.key}: could not be read (${j.message})`,
      };
    case 'future':
      return {
        code: 'evidence-from-future',
        severity: 'warning',
        key: j.ref.key,
        drillId: j.drill.drillId,
        message: `${j.ref.key}: completedAt ${j.drill.completedAt} is after the evaluation time ${iso(now)}; ignored`,
      };
    case 'drill':
      return null;
  }
}

export function evidenceFindings(
  judged: readonly JudgedDrill[],
  listing: readonly ListingNote[],
  now: number,
): RowFinding[] {
  const findings = listingFindings(listing);
  for (const j of judged) {
    const finding = artifactFinding(j, now);
    if (finding) findings.push(finding);
  }
  return findings;
}
