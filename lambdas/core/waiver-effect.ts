/**
 * What active waivers do to a run (docs/waivers.md). The row's status never changes: the truth stays visible. Each
 * finding an active waiver covers carries `waivedBy`; each blocker it covers moves from `promotion.blockers` to
 * `promotion.waived` and the decision ignores it; its problems alert nothing while it is active, and it alerts
 * `waiver-expiring` within `warnDays` of its end. An invalid, pending or expired waiver changes nothing. Pure.
 */
import type { WaiverFacts } from './alert-render';
import type { RowEvaluation } from './evaluate-row';
import type { RunVerdict } from './evaluate-run';
import { compare, sortFindings } from './order';
import { waivedKey } from './problems';
import { DAY_MS } from './schedule';
import type { Promotion, RowFinding, Waiver, WaiverRecord } from './schemas';
import type { ValidatedWaivers } from './waivers';
import { activeWaivers, waiverRecords } from './waivers';

export interface WaiverContext {
  readonly now: number;
  /** An active waiver alerts `waiver-expiring` once its `expiresAt` is at most this many days away. */
  readonly warnDays: number;
}

/** An active waiver that ends within `warnDays`, on its row. */
export interface ExpiringWaiver {
  readonly rowId: string;
  readonly waiverId: string;
  readonly blocking: boolean;
}

export interface WaiverEffect {
  /** The rows, their covered findings marked `waivedBy`. */
  readonly rows: readonly RowEvaluation[];
  /** The promotion with covered blockers moved to `waived`, and the waiver findings among the document findings. */
  readonly verdict: RunVerdict;
  /** Every waiver of the file with its state, for the validation report. */
  readonly records: readonly WaiverRecord[];
  /** `waivedKey(rowId, problem)` of every problem an active waiver covers: present but silent. */
  readonly waived: ReadonlySet<string>;
  readonly expiring: readonly ExpiringWaiver[];
  /** The active waivers by id, as an expiring-waiver alert describes them. */
  readonly facts: ReadonlyMap<string, WaiverFacts>;
}

/**
 * The waiver that covers each (row, code): of several, the one that lasts longest (then the smallest id), so
 * that `waivedBy` and `expiresAt` say how long the problem stays accepted.
 */
export function coverage(active: readonly Waiver[]): Map<string, Waiver> {
  const byKey = new Map<string, Waiver>();
  const lastsLonger = (a: Waiver, b: Waiver): boolean => {
    const diff = Date.parse(a.expiresAt) - Date.parse(b.expiresAt);
    return diff > 0 || (diff === 0 && compare(a.id, b.id) < 0);
  };
  for (const waiver of active) {
    for (const code of waiver.codes) {
      const key = waivedKey(waiver.rowId, code);
      const current = byKey.get(key);
      if (current === undefined || lastsLonger(waiver, current)) byKey.set(key, waiver);
    }
  }
  return byKey;
}

function waiveRow(row: RowEvaluation, covered: ReadonlyMap<string, Waiver>): RowEvaluation {
  const findings = row.report.findings.map((finding): RowFinding => {
    const waiver = covered.get(waivedKey(row.report.rowId, finding.code));
    return waiver === undefined ? finding : { ...finding, waivedBy: waiver.id };
  });
  return { ...row, report: { ...row.report, findings } };
}

/** Covered blockers move to `waived`; the decision is taken on the blockers that remain. */
export function waivePromotion(promotion: Promotion, covered: ReadonlyMap<string, Waiver>): Promotion {
  const blockers: Promotion['blockers'] = [];
  const waived: Promotion['waived'] = [...promotion.waived];
  for (const blocker of promotion.blockers) {
    const waiver =
      blocker.rowId === undefined ? undefined : covered.get(waivedKey(blocker.rowId, blocker.code));
    if (waiver === undefined) blockers.push(blocker);
    else waived.push({ ...blocker, waiverId: waiver.id, expiresAt: waiver.expiresAt });
  }
  return { ...promotion, decision: blockers.length === 0 ? 'go' : 'no-go', blockers, waived };
}

function expiringOf(
  active: readonly Waiver[],
  rows: readonly RowEvaluation[],
  context: WaiverContext,
): ExpiringWaiver[] {
  const blocking = new Map(rows.map((r) => [r.report.rowId, r.report.blocking]));
  return active
    .filter((w) => Date.parse(w.expiresAt) - context.now <= context.warnDays * DAY_MS)
    .map((w) => ({ rowId: w.rowId, waiverId: w.id, blocking: blocking.get(w.rowId) ?? true }))
    .sort((a, b) => compare(a.rowId, b.rowId) || compare(a.waiverId, b.waiverId));
}

const factsOf = (w: Waiver): WaiverFacts => ({
  id: w.id,
  rowId: w.rowId,
  codes: [...w.codes],
  expiresAt: w.expiresAt,
  approvedBy: w.approvedBy,
  reason: w.reason,
});

/** Applies the waivers that are active at `now` to the run's rows and verdict. */
export function applyWaivers(
  waivers: ValidatedWaivers,
  rows: readonly RowEvaluation[],
  verdict: RunVerdict,
  context: WaiverContext,
): WaiverEffect {
  const active = activeWaivers(waivers, context.now);
  const covered = coverage(active);
  return {
    rows: rows.map((row) => waiveRow(row, covered)),
    verdict: {
      ...verdict,
      documentFindings: sortFindings([...verdict.documentFindings, ...waivers.findings]),
      promotion: waivePromotion(verdict.promotion, covered),
    },
    records: waiverRecords(waivers, context.now),
    waived: new Set(covered.keys()),
    expiring: expiringOf(active, rows, context),
    facts: new Map(active.map((w) => [w.id, factsOf(w)])),
  };
}
