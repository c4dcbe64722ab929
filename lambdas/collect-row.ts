/**
 * Reading one row's drills from the store: list the recent keys, read newest first only as far as the
 * evaluation needs, and when they hold no success list the older history backwards in windows
 * (`core/reading-plan.ts` decides what to list next and when to stop). A listing or read that fails is this
 * row's finding, never the run's failure.
 */
import { MAX_DOCUMENT_BYTES } from './constants';
import type { EvaluationParameters } from './core/cadence';
import type { JudgedDrill } from './core/drills';
import { judgeArtifact, orderDrills } from './core/drills';
import type { ListingNote } from './core/evidence-findings';
import { compare } from './core/order';
import type { Span } from './core/reading-plan';
import {
  PROBE_KEYS,
  byConformity,
  hasEnough,
  hasEnoughAbove,
  listingPlan,
  needsOlderHistory,
  nextWindow,
  splitAt,
} from './core/reading-plan';
import type { WindowInForce } from './core/schedule';
import type { PolicyRow, Source } from './core/schemas';
import type { EvidenceStore, ListDrillsOptions, ObjectMeta, ReadResult } from './ports';
import { sha256 } from './run-helpers';

export function sourceOf(key: string, read: ReadResult): Source {
  if (read.kind !== 'ok') return { key, etag: null, versionId: null, lastModified: null, sha256: null };
  const o = read.object;
  return { key, etag: o.etag, versionId: o.versionId, lastModified: o.lastModified, sha256: sha256(o.bytes) };
}

export interface CollectedRow {
  readonly judged: JudgedDrill[];
  readonly listing: ListingNote[];
}

/** The drills of one row read so far, and the listed keys they came from. */
class RowReading {
  readonly judged: JudgedDrill[] = [];
  private readonly notes: ListingNote[] = [];

  constructor(
    private readonly store: EvidenceStore,
    private readonly row: PolicyRow,
    private readonly catalog: Readonly<Record<string, string>> | null,
    private readonly inForce: WindowInForce | null,
    private readonly now: number,
  ) {}

  /** One listing; a listing that fails (after the SDK's retries) is this row's problem, not the run's. */
  async list(options: ListDrillsOptions): Promise<readonly ObjectMeta[] | null> {
    try {
      return await this.store.listDrills(this.row.id, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.judged.push({
        kind: 'unreadable',
        key: `drills/${this.row.id}/`,
        message: `listing failed: ${message}`,
      });
      return null;
    }
  }

  /**
   * Reads every nonconforming key of `entries`, then the timestamped ones newest first until `hasEnough`.
   * True when it stopped there: nothing older is needed.
   */
  async consume(entries: readonly ObjectMeta[]): Promise<boolean> {
    const ordered = orderDrills(entries);
    for (const item of ordered) this.notes.push({ key: item.entry.key, conforming: item.conforming });
    // A nonconforming key's place in time is unknown until it is read (its LastModified may be an upload time),
    // so those are always read; the timestamped keys are read newest first only as far as needed.
    const nonconforming = ordered.filter((item) => !item.conforming);
    const conforming = ordered.filter((item) => item.conforming);
    for (const item of [...nonconforming, ...conforming]) {
      if (item.conforming && hasEnough(this.judged, this.inForce, item.orderAt)) return true;
      await this.readOne(item.entry.key);
    }
    return false;
  }

  private async readOne(key: string): Promise<void> {
    const read = await this.store.read(key, MAX_DOCUMENT_BYTES);
    const raw =
      read.kind === 'ok'
        ? {
            kind: 'ok' as const,
            bytes: read.object.bytes,
            ref: {
              key: read.object.key,
              etag: read.object.etag,
              versionId: read.object.versionId,
              sha256: sha256(read.object.bytes),
            },
          }
        : read;
    this.judged.push(judgeArtifact(this.row, this.catalog, raw, this.now));
  }

  result(): CollectedRow {
    return { judged: this.judged, listing: [...this.notes].sort((a, b) => compare(a.key, b.key)) };
  }
}

/**
 * Reads a row's drills newest first, only as far back as the evaluation needs (see `core/reading-plan.ts`).
 * A row whose recent part holds a success costs one listing; otherwise a probe of its oldest keys follows, then
 * windows back to its last success or to the probe's last key. `probeKeys` is the probe's size (tests shrink it).
 */
export async function collectRow(
  store: EvidenceStore,
  row: PolicyRow,
  catalog: Readonly<Record<string, string>> | null,
  inForce: WindowInForce | null,
  now: number,
  parameters: EvaluationParameters,
  probeKeys: number = PROBE_KEYS,
): Promise<CollectedRow> {
  const reading = new RowReading(store, row, catalog, inForce, now);
  const folder = `drills/${row.id}/`;
  const plan = listingPlan(now, inForce, parameters);
  const first = await reading.list({ startAfter: plan.first.after });
  if (first === null) return reading.result();
  const [older, recent] = splitAt(first, folder, plan.recentAfter);
  await reading.consume(recent);
  if (!needsOlderHistory(reading.judged)) return reading.result();
  const probe = await reading.list({ limit: probeKeys });
  if (probe === null) return reading.result();
  // The probe's keys at or before the first listing's bound: its nonconforming ones are read with the first
  // older batch (as every older nonconforming key was), its timestamped ones once the windows reach them.
  const [bottomNonconforming, bottomConforming] = byConformity(splitAt(probe, folder, plan.first.after)[0]);
  if (await reading.consume([...older, ...bottomNonconforming])) return reading.result();
  const floor = probe.length < probeKeys ? null : (probe.at(-1)?.key.slice(folder.length) ?? null);
  let span: Span = plan.first;
  for (let next = nextWindow(plan, span, floor); next !== null; next = nextWindow(plan, span, floor)) {
    if (hasEnoughAbove(reading.judged, inForce, span)) return reading.result();
    const window = await reading.list({ startAfter: next.after, endAt: span.after });
    if (window === null || (await reading.consume(window))) return reading.result();
    span = next;
  }
  await reading.consume(bottomConforming);
  return reading.result();
}
