/**
 * The arrival check of a run started by evidence changes (docs/events.md; the rules are `core/arrivals.ts`): the
 * evaluation reads through a store that records its reads, then every created drill key the batch named and the
 * evaluation did not read is read once and judged. One Get per new key at most; none for a key the reading plan
 * already read.
 */
import { MAX_DOCUMENT_BYTES } from './constants';
import { mapConcurrent, sha256 } from './run-helpers';
import { planArrivals, withArrivals } from './core/arrivals';
import type { JudgedDrill, RawArtifact } from './core/drills';
import { judgeArtifact } from './core/drills';
import type { RowEvaluation } from './core/evaluate-row';
import { decodedKey } from './core/evidence-events';
import type { Finding, PolicyRow } from './core/schemas';
import type { ValidatedPolicy } from './core/validate-policy';
import type { EvidenceStore, ListDrillsOptions, ObjectMeta, ReadResult } from './ports';

/** Passes everything through to `inner` and remembers the keys read. */
class RecordingStore implements EvidenceStore {
  readonly keysRead = new Set<string>();

  constructor(private readonly inner: EvidenceStore) {}

  get location(): string {
    return this.inner.location;
  }

  checkReachable(): Promise<void> {
    return this.inner.checkReachable();
  }

  read(key: string, maxBytes: number): Promise<ReadResult> {
    this.keysRead.add(key);
    return this.inner.read(key, maxBytes);
  }

  listDrills(rowId: string, options?: ListDrillsOptions): Promise<readonly ObjectMeta[]> {
    return this.inner.listDrills(rowId, options);
  }
}

export interface ArrivalOutcome {
  readonly rows: RowEvaluation[];
  /** Warnings for the validation report: drill keys no row of the policy reads. */
  readonly findings: readonly Finding[];
}

export interface ArrivalCheck {
  /** The store the evaluation reads through. */
  readonly store: EvidenceStore;
  /** Judges the named drills the evaluation did not read and adds their findings to their rows. */
  complete(rows: readonly RowEvaluation[], policy: ValidatedPolicy, now: number): Promise<ArrivalOutcome>;
}

function rawArtifact(read: ReadResult): RawArtifact {
  if (read.kind !== 'ok') return read;
  const { object } = read;
  return {
    kind: 'ok',
    bytes: object.bytes,
    ref: { key: object.key, etag: object.etag, versionId: object.versionId, sha256: sha256(object.bytes) },
  };
}

/**
 * Reads one arrival; null when it is gone (deleted or replaced since its event: the evaluation already saw the
 * store as it is). A key not found as named is tried URL-decoded once, in case the event encoded it.
 */
async function readArrival(store: EvidenceStore, key: string): Promise<RawArtifact | null> {
  const read = await store.read(key, MAX_DOCUMENT_BYTES);
  if (read.kind !== 'missing') return rawArtifact(read);
  const decoded = decodedKey(key);
  if (decoded === null) return null;
  const retried = await store.read(decoded, MAX_DOCUMENT_BYTES);
  return retried.kind === 'missing' ? null : rawArtifact(retried);
}

async function judgeArrivals(
  store: EvidenceStore,
  keys: readonly { readonly row: PolicyRow; readonly key: string }[],
  catalog: ValidatedPolicy['catalog'],
  now: number,
  concurrency: number,
): Promise<Map<string, JudgedDrill[]>> {
  const judged = await mapConcurrent(keys, concurrency, async ({ row, key }) => {
    const raw = await readArrival(store, key);
    return raw === null ? null : { rowId: row.id, drill: judgeArtifact(row, catalog, raw, now) };
  });
  const byRow = new Map<string, JudgedDrill[]>();
  for (const j of judged) if (j !== null) byRow.set(j.rowId, [...(byRow.get(j.rowId) ?? []), j.drill]);
  return byRow;
}

/** The arrival check for the created keys of a batch (none: the evaluation runs as if unchecked). */
export function arrivalCheck(
  store: EvidenceStore,
  created: readonly string[],
  concurrency: number,
): ArrivalCheck {
  if (!created.some((key) => key.startsWith('drills/')))
    return { store, complete: (rows) => Promise.resolve({ rows: [...rows], findings: [] }) };
  const recording = new RecordingStore(store);
  return {
    store: recording,
    async complete(rows, policy, now) {
      const plan = planArrivals(created, new Set(policy.rows.map((r) => r.id)));
      const rowsById = new Map(policy.rows.map((r) => [r.id, r]));
      const unread = [...plan.byRow].flatMap(([rowId, keys]) =>
        keys
          .filter((key) => !recording.keysRead.has(key))
          .flatMap((key) => {
            const row = rowsById.get(rowId);
            return row ? [{ row, key }] : [];
          }),
      );
      const judged = await judgeArrivals(store, unread, policy.catalog, now, concurrency);
      return {
        rows: rows.map((r) => withArrivals(r, judged.get(r.report.rowId) ?? [], now)),
        findings: plan.findings,
      };
    },
  };
}
