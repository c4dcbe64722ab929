/**
 * Reading one row's drills from the store: list the recent keys, read newest first only as far as the
 * evaluation needs (`core/reading-plan.ts`), fall back to older history when the recent window holds no
 * success. A listing or read that fails is this row's finding, never the run's failure.
 */
import { createHash } from 'node:crypto';
import { MAX_DOCUMENT_BYTES } from './constants';
import type { EvaluationParameters } from './core/cadence';
import { lastSuccessOf } from './core/cadence';
import type { JudgedDrill } from './core/drills';
import { judgeArtifact, orderDrills } from './core/drills';
import type { ListingNote } from './core/evidence-findings';
import { compare } from './core/order';
import { hasEnough, recentListingStart } from './core/reading-plan';
import type { WindowInForce } from './core/schedule';
import type { PolicyRow, Source } from './core/schemas';
import type { EvidenceStore, ListDrillsOptions, ObjectMeta, ReadResult } from './ports';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export function sourceOf(key: string, read: ReadResult): Source {
  if (read.kind !== 'ok') return { key, etag: null, versionId: null, lastModified: null, sha256: null };
  const o = read.object;
  return { key, etag: o.etag, versionId: o.versionId, lastModified: o.lastModified, sha256: sha256(o.bytes) };
}

export interface CollectedRow {
  readonly judged: JudgedDrill[];
  readonly listing: ListingNote[];
}

/** Reads a row's drills newest first, only as far back as the evaluation needs (see `hasEnough`). */
export async function collectRow(
  store: EvidenceStore,
  row: PolicyRow,
  catalog: Readonly<Record<string, string>> | null,
  inForce: WindowInForce | null,
  now: number,
  parameters: EvaluationParameters,
): Promise<CollectedRow> {
  const judged: JudgedDrill[] = [];
  const listing: ListingNote[] = [];
  const consume = async (entries: readonly ObjectMeta[]): Promise<void> => {
    const ordered = orderDrills(entries);
    for (const item of ordered) listing.push({ key: item.entry.key, conforming: item.conforming });
    // A nonconforming key's place in time is unknown until it is read (its LastModified may be an upload time),
    // so those are always read; the timestamped keys are read newest first only as far as needed.
    const nonconforming = ordered.filter((item) => !item.conforming);
    const conforming = ordered.filter((item) => item.conforming);
    for (const item of [...nonconforming, ...conforming]) {
      if (item.conforming && hasEnough(judged, inForce, item.orderAt)) break;
      const read = await store.read(item.entry.key, MAX_DOCUMENT_BYTES);
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
      judged.push(judgeArtifact(row, catalog, raw, now));
    }
  };
  // A listing that fails for this row (after the SDK's retries) is this row's problem, not the run's.
  const list = async (options: ListDrillsOptions): Promise<readonly ObjectMeta[] | null> => {
    try {
      return await store.listDrills(row.id, options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      judged.push({ kind: 'unreadable', key: `drills/${row.id}/`, message: `listing failed: ${message}` });
      return null;
    }
  };
  const startAfter = recentListingStart(now, inForce, parameters);
  const recent = await list({ startAfter });
  if (recent === null) return { judged, listing };
  await consume(recent);
  if (!lastSuccessOf(judged)) {
    const older = await list({ endAt: startAfter });
    if (older !== null) await consume(older);
  }
  listing.sort((a, b) => compare(a.key, b.key));
  return { judged, listing };
}
