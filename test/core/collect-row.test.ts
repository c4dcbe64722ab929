/**
 * `collectRow` against the in-memory store: how many listings a row costs (one `listDrills` call is one S3
 * ListObjectsV2 while it returns at most 1,000 keys), and that listing backwards in windows finds the same drills
 * as listing the whole older history at once did.
 */
import * as fc from 'fast-check';
import type { CollectedRow } from '../../lambdas/collect-row';
import { collectRow } from '../../lambdas/collect-row';
import { coversWindow, lastSuccessOf } from '../../lambdas/core/cadence';
import type { EvaluationParameters } from '../../lambdas/core/cadence';
import type { JudgedDrill } from '../../lambdas/core/drills';
import { formatKeyTimestamp, judgeArtifact, orderDrills } from '../../lambdas/core/drills';
import { hasEnough, recentListingStart } from '../../lambdas/core/reading-plan';
import { failuresAfter } from '../../lambdas/core/remediation';
import type { WindowInForce } from '../../lambdas/core/schedule';
import { windowInForce } from '../../lambdas/core/schedule';
import type { ListDrillsOptions, ObjectMeta } from '../../lambdas/ports';
import { DAY, PARAMS, at, encode, evidence, incidentRow, iso, window } from '../fixtures/core/builders';
import { MemoryEvidenceStore } from '../fixtures/core/memory-store';
import { removeTempDirs, writeStore } from '../fixtures/core/temp-store';
import { FsEvidenceStore } from '../../lambdas/adapters/fs-store';

const NOW = at('2026-11-25T06:00:00Z');
const row = incidentRow();
const CATALOG = { 'rb-sev1-paging': '3.2.0' };
const FOLDER = `drills/${row.id}/`;

/** `count` daily drills of `row`, the newest `newestAgo` before NOW; `pass(i)` says which pass (i = 0 newest). */
function dailyHistory(
  store: MemoryEvidenceStore,
  count: number,
  newestAgo: number,
  pass: (i: number) => boolean,
) {
  for (let i = 0; i < count; i++) {
    const completedAt = iso(NOW - newestAgo - i * DAY);
    const drill = evidence(row, completedAt, { drillId: `d${i}`, ...(pass(i) ? {} : { outcome: 'fail' }) });
    store.put(`${FOLDER}${formatKeyTimestamp(at(completedAt))}-d${i}.json`, encode(drill));
  }
  return store;
}

const collect = (store: MemoryEvidenceStore, inForce: WindowInForce | null = null, probeKeys?: number) =>
  collectRow(store, row, CATALOG, inForce, NOW, PARAMS, probeKeys);

const listingsOf = (store: MemoryEvidenceStore) => store.listings.map((l) => l.options);

afterAll(removeTempDirs);

describe('collectRow', () => {
  describe('listings per row', () => {
    it('lists a compliant row once, whatever its history (5,000 daily drills)', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 5000, 2 * DAY, () => true);
      const { judged } = await collect(store);
      expect(listingsOf(store)).toEqual([{ startAfter: '20260926T055959Z' }]);
      expect(judged).toHaveLength(1);
    });

    it('lists an overdue row whose last success lies in the cadence before the recent part twice: the first listing and the probe', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 5000, 45 * DAY, () => true);
      const { judged } = await collect(store);
      expect(listingsOf(store)).toEqual([{ startAfter: '20260926T055959Z' }, { limit: 1000 }]);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}20261011T060000Z-d0.json`);
      expect(store.reads).toHaveLength(1);
    });

    it('adds one window for an overdue row whose last success lies one cadence further back', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 5000, 75 * DAY, () => true);
      const { judged } = await collect(store);
      expect(listingsOf(store)).toEqual([
        { startAfter: '20260926T055959Z' },
        { limit: 1000 },
        { startAfter: '20260827T055959Z', endAt: '20260926T055959Z' },
      ]);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}20260911T060000Z-d0.json`);
    });

    it('lists a never-drilled row without history twice: the first listing and an empty probe', async () => {
      const store = new MemoryEvidenceStore();
      const { judged, listing } = await collect(store);
      expect(listingsOf(store)).toEqual([{ startAfter: '20260926T055959Z' }, { limit: 1000 }]);
      expect([judged, listing]).toEqual([[], []]);
    });

    it('lists a never-drilled row with 5,000 daily failures in 10 calls, reading every failure', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 5000, DAY, () => false);
      const { judged } = await collect(store);
      // First listing, probe (the oldest 1,000 keys), then windows reaching 2, 4, …, 128 cadences back and the
      // last one down to the probe's last key; the 64→128 window holds 1,920 keys, two S3 pages: 11 requests.
      expect(listingsOf(store)).toHaveLength(10);
      expect(listingsOf(store).at(-1)).toEqual({
        startAfter: '20151212T060000Z-d4000.json',
        endAt: '20160421T055959Z',
      });
      expect(judged).toHaveLength(5000);
      expect(new Set(store.reads).size).toBe(5000);
    });

    it('lists a row whose last success is two years back in 7 calls, with or without failures since', async () => {
      const abandoned = dailyHistory(new MemoryEvidenceStore(), 4270, 730 * DAY, () => true);
      const failing = dailyHistory(new MemoryEvidenceStore(), 5000, DAY, (i) => i >= 729);
      for (const store of [abandoned, failing]) {
        const { judged } = await collect(store);
        expect(lastSuccessOf(judged)?.ref.key).toBe(
          `${FOLDER}20241125T060000Z-d${store === failing ? 729 : 0}.json`,
        );
        // First listing, probe, windows reaching 2, 4, 8, 16 and 32 cadences back.
        expect(listingsOf(store).map((o) => o.startAfter ?? `limit ${o.limit ?? ''}`)).toEqual([
          '20260926T055959Z',
          'limit 1000',
          '20260827T055959Z',
          '20260628T055959Z',
          '20260228T055959Z',
          '20250703T055959Z',
          '20240310T055959Z',
        ]);
      }
    });

    it('reads the history of a row with fewer keys than the probe holds from the probe, without windows', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 900, 700 * DAY, () => true);
      const { judged } = await collect(store);
      expect(listingsOf(store)).toEqual([{ startAfter: '20260926T055959Z' }, { limit: 1000 }]);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}20241225T060000Z-d0.json`);
      expect(store.reads).toHaveLength(1);
    });
  });

  describe('nonconforming keys', () => {
    const upload = (completedAt: string, lastModified: string | null = null) => ({
      bytes: encode(evidence(row, completedAt, { drillId: `upload-${completedAt}` })),
      lastModified,
    });

    it('reads one that sorts after the timestamps with the recent keys, also for a compliant row', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 100, 2 * DAY, () => true);
      store.put(`${FOLDER}manual.json`, upload('2026-11-24T00:00:00Z'));
      const { judged, listing } = await collect(store);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}manual.json`);
      expect(listing.filter((n) => !n.conforming).map((n) => n.key)).toEqual([`${FOLDER}manual.json`]);
    });

    it('reads one that sorts before the timestamps from the probe, before any older timestamped key', async () => {
      const store = dailyHistory(new MemoryEvidenceStore(), 5000, 1000 * DAY, () => true);
      store.put(`${FOLDER}-manual.json`, upload('2026-10-10T00:00:00Z', '2026-10-10T01:00:00Z'));
      const { judged, listing } = await collect(store);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}-manual.json`);
      expect(store.reads).toEqual([`${FOLDER}-manual.json`]);
      expect(listing.filter((n) => !n.conforming).map((n) => n.key)).toEqual([`${FOLDER}-manual.json`]);
      expect(store.listings).toHaveLength(2);
    });

    it('reads one whose name begins with digits only once the windows reach its place among the timestamps', async () => {
      // `2019-…` sorts before 2019's first timestamp; the old single older listing read it whenever the recent
      // part held no success, the windows read it only when they reach back that far.
      const shallow = dailyHistory(new MemoryEvidenceStore(), 5000, 75 * DAY, (i) => i === 0);
      const deep = dailyHistory(new MemoryEvidenceStore(), 5000, 75 * DAY, () => false);
      for (const store of [shallow, deep])
        store.put(`${FOLDER}2019-manual.json`, upload('2019-06-01T00:00:00Z'));
      expect((await collect(shallow)).listing.some((n) => n.key === `${FOLDER}2019-manual.json`)).toBe(false);
      const { judged } = await collect(deep);
      expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}2019-manual.json`);
    });
  });

  it('reads the same drills from a directory store, whose probe holds the oldest files', async () => {
    const files: Record<string, unknown> = { [`${FOLDER}-sub/ignored.json`]: {} };
    for (let i = 0; i < 40; i++) {
      const completedAt = iso(NOW - (100 + 10 * i) * DAY);
      files[`${FOLDER}${formatKeyTimestamp(at(completedAt))}-d${i}.json`] = evidence(row, completedAt, {
        drillId: `d${i}`,
        ...(i === 30 ? {} : { outcome: 'fail' }),
      });
    }
    const fsStore = new FsEvidenceStore(await writeStore(files));
    // The first two entries in key order: the subfolder (listed, so that reading reports it) and the oldest file.
    expect((await fsStore.listDrills(row.id, { limit: 2 })).map((o) => o.key)).toEqual([
      `${FOLDER}-sub`,
      `${FOLDER}20250723T060000Z-d39.json`,
    ]);
    const { judged } = await collectRow(fsStore, row, CATALOG, null, NOW, PARAMS, 2);
    expect(lastSuccessOf(judged)?.ref.key).toBe(`${FOLDER}20251021T060000Z-d30.json`);
    // The 31 drills from the last success on, and the subfolder refused as evidence-invalid.
    expect(judged).toHaveLength(32);
    expect(judged).toContainEqual({
      kind: 'invalid',
      key: `${FOLDER}-sub`,
      message: expect.stringMatching(/folder|directory/),
    });
  });

  it('turns a window listing that fails into an evidence-unreadable finding and stops there', async () => {
    const store = new (class extends MemoryEvidenceStore {
      override listDrills(rowId: string, options: ListDrillsOptions = {}): Promise<readonly ObjectMeta[]> {
        if (options.endAt !== undefined) return Promise.reject(new Error('ListObjectsV2: InternalError'));
        return super.listDrills(rowId, options);
      }
    })();
    dailyHistory(store, 2000, 100 * DAY, () => true);
    const { judged } = await collect(store);
    expect(judged).toEqual([
      { kind: 'unreadable', key: FOLDER, message: 'listing failed: ListObjectsV2: InternalError' },
    ]);
  });
});

// ---------------------------------------------------------------- the same drills as the full older listing

/** The reading before windows: the recent part, then (without a success there) the whole older history at once. */
async function collectWithFullListing(
  store: MemoryEvidenceStore,
  inForce: WindowInForce | null,
  params: EvaluationParameters,
): Promise<CollectedRow> {
  const judged: JudgedDrill[] = [];
  const listing: { key: string; conforming: boolean }[] = [];
  const consume = async (entries: readonly ObjectMeta[]): Promise<void> => {
    const ordered = orderDrills(entries);
    for (const item of ordered) listing.push({ key: item.entry.key, conforming: item.conforming });
    for (const item of [...ordered.filter((i) => !i.conforming), ...ordered.filter((i) => i.conforming)]) {
      if (item.conforming && hasEnough(judged, inForce, item.orderAt)) break;
      const read = await store.read(item.entry.key, Infinity);
      if (read.kind !== 'ok') throw new Error(`unexpected ${read.kind}`);
      const ref = { key: read.object.key, etag: null, versionId: null, sha256: '' };
      judged.push(judgeArtifact(row, CATALOG, { kind: 'ok', ref, bytes: read.object.bytes }, NOW));
    }
  };
  const startAfter = recentListingStart(NOW, inForce, params);
  await consume(await store.listDrills(row.id, { startAfter }));
  if (!lastSuccessOf(judged)) await consume(await store.listDrills(row.id, { endAt: startAfter }));
  return { judged, listing };
}

/** What the evaluation takes from a row's reading. */
function outcome(collected: CollectedRow, inForce: WindowInForce | null) {
  const last = lastSuccessOf(collected.judged);
  const keyOf = (j: JudgedDrill) => (j.kind === 'drill' || j.kind === 'future' ? j.ref.key : j.key);
  return {
    lastSuccess: last?.ref.key ?? null,
    failuresAfter: failuresAfter(collected.judged, last).map((f) => f.ref.key),
    covered: inForce === null ? null : coversWindow(collected.judged, inForce),
    judged: collected.judged.map(keyOf).sort(),
    nonconforming: collected.listing
      .filter((n) => !n.conforming)
      .map((n) => n.key)
      .sort(),
  };
}

const instant = (daysAgo: number): number => NOW - Math.round(daysAgo * DAY);

interface ArtifactSpec {
  readonly daysAgo: number;
  readonly skewSeconds: number;
  readonly content: 'pass' | 'fail' | 'broken';
  readonly name: string | null;
  readonly lastModifiedDaysAgo: number | null;
  readonly prefix?: string;
}

/** One artifact: a timestamped key (its completion may differ from the key by up to a day), or a nonconforming name. */
const artifactArb: fc.Arbitrary<ArtifactSpec> = fc.record({
  // From the future to ~1,000 days back, log-spread so every window size gets keys.
  daysAgo: fc.integer({ min: -300, max: 1000 }).map((x) => Math.sign(x) * (2 ** (Math.abs(x) / 100) - 1)),
  skewSeconds: fc.oneof(fc.constant(0), fc.integer({ min: -86_400, max: 86_400 })),
  content: fc.constantFrom('pass', 'fail', 'fail', 'fail', 'broken'),
  name: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z_~][a-z0-9]{0,5}\.json$/) },
  ),
  lastModifiedDaysAgo: fc.option(fc.double({ min: 0, max: 900, noNaN: true })),
});

const scenarioArb = fc.record({
  artifacts: fc.array(artifactArb, { minLength: 1, maxLength: 80 }),
  /** Nonconforming names that sort before the timestamps: at most as many as the probe holds. */
  early: fc.array(fc.tuple(fc.constantFrom('-', '.', '!', ' '), artifactArb), { maxLength: 1 }),
  cadenceDays: fc.constantFrom(1, 3, 30),
  probeKeys: fc.constantFrom(1, 2, 5, 1000),
  window: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
      ),
    },
  ),
});

function storeOf(artifacts: readonly ArtifactSpec[]): MemoryEvidenceStore {
  const store = new MemoryEvidenceStore();
  artifacts.forEach((a, i) => {
    const keyed = instant(a.daysAgo);
    const completedAt = iso(Math.floor(keyed / 1000) * 1000 + a.skewSeconds * 1000);
    const name = a.name ?? `${formatKeyTimestamp(keyed)}-a${i}.json`;
    const drill = evidence(row, completedAt, {
      drillId: `a${i}`,
      ...(a.content === 'fail' ? { outcome: 'fail' } : {}),
    });
    store.put(`${FOLDER}${a.prefix ?? ''}${name}`, {
      bytes: a.content === 'broken' ? encode('{') : encode(drill),
      lastModified: a.lastModifiedDaysAgo === null ? null : iso(instant(a.lastModifiedDaysAgo)),
    });
  });
  return store;
}

describe('collectRow on random histories', () => {
  it('finds the same last success, failures after it, window coverage and findings as one listing of all older keys', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const artifacts = [
          ...s.artifacts,
          ...s.early.map(([prefix, a]) => ({ ...a, prefix, name: 'x.json' })),
        ];
        const params = { cadenceDays: s.cadenceDays, warnDays: 1 };
        const windows = s.window
          ? [window('w', iso(instant(s.window[0])), iso(instant(s.window[0]) + s.window[1] * DAY))]
          : [];
        const inForce = windowInForce(windows, NOW, s.cadenceDays * DAY);
        const windowed = await collectRow(
          storeOf(artifacts),
          row,
          CATALOG,
          inForce,
          NOW,
          params,
          s.probeKeys,
        );
        const full = await collectWithFullListing(storeOf(artifacts), inForce, params);
        expect(outcome(windowed, inForce)).toEqual(outcome(full, inForce));
      }),
      { numRuns: 300 },
    );
  });
});
