/**
 * Findings about the evidence itself (docs/formats.md, "Finding codes"): nonconforming or mismatched keys, invalid, unreadable or
 * future-dated artifacts. Pure.
 */
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

/** The findings one judged artifact carries: what is wrong with it, and a key that misnames its completion. */
export function artifactFindings(j: JudgedDrill, now: number): RowFinding[] {
  switch (j.kind) {
    case 'invalid':
      return [
        { code: 'evidence-invalid', severity: 'warning', key: j.key, message: `${j.key}: ${j.message}` },
      ];
    case 'unreadable':
      return [
        {
          code: 'evidence-unreadable',
          severity: 'error',
          key: j.key,
          message: `${j.key}: could not be read (${j.message})`,
        },
      ];
    case 'future':
      return [
        {
          code: 'evidence-from-future',
          severity: 'warning',
          key: j.ref.key,
          drillId: j.drill.drillId,
          message: `${j.ref.key}: completedAt ${j.drill.completedAt} is after the evaluation time ${iso(now)}; ignored`,
        },
        ...keyMismatchFindings(j),
      ];
    case 'drill':
      return keyMismatchFindings(j);
  }
}

/** `evidence-key-mismatch`: the key's instant is not the drill's completion second; the drill is judged as usual. */
function keyMismatchFindings(j: Extract<JudgedDrill, { kind: 'drill' | 'future' }>): RowFinding[] {
  if (j.keyMismatchAt === null) return [];
  return [
    {
      code: 'evidence-key-mismatch',
      severity: 'warning',
      key: j.ref.key,
      drillId: j.drill.drillId,
      message: `${j.ref.key}: the key names ${iso(j.keyMismatchAt)} but completedAt is ${j.drill.completedAt}; drills are listed and ordered by their key, so a misnamed key can keep a drill from being read`,
    },
  ];
}

export function evidenceFindings(
  judged: readonly JudgedDrill[],
  listing: readonly ListingNote[],
  now: number,
): RowFinding[] {
  return [...listingFindings(listing), ...judged.flatMap((j) => artifactFindings(j, now))];
}
