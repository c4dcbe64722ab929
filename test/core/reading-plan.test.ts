import type { ListingPlan, Span } from '../../lambdas/core/reading-plan';
import {
  EARLIEST_KEY_INSTANT,
  byConformity,
  hasEnoughAbove,
  listingPlan,
  needsOlderHistory,
  nextWindow,
  splitAt,
} from '../../lambdas/core/reading-plan';
import { windowInForce } from '../../lambdas/core/schedule';
import { DAY, PARAMS, SECOND, at, failure, incidentRow, success, window } from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const row = incidentRow();
const plan = listingPlan(NOW, null, PARAMS);

/** Every window below the first listing, down to `floor`. */
function windows(from: ListingPlan, floor: string | null): Span[] {
  const out: Span[] = [];
  for (let span = nextWindow(from, from.first, floor); span !== null; span = nextWindow(from, span, floor)) {
    out.push(span);
    if (out.length > 2000) throw new Error('the windows do not end');
  }
  return out;
}

describe('listingPlan', () => {
  it('reads keys after a second before a cadence ago first, and lists from a cadence before that', () => {
    expect(plan.recentAfter).toBe('20261026T055959Z');
    expect(plan.first).toEqual({ after: '20260926T055959Z', at: at('2026-09-26T05:59:59Z'), k: 1 });
  });

  it('reaches back from the readiness period of a window in progress when that is older', () => {
    const force = windowInForce(
      [window('w1', '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z')],
      NOW,
      30 * DAY,
    );
    const inForce = listingPlan(NOW, force, PARAMS);
    expect(inForce.recentAfter).toBe('20261020T235959Z');
    expect(inForce.first.after).toBe('20260920T235959Z');
  });

  it('follows a configured cadence', () => {
    expect(listingPlan(NOW, null, { cadenceDays: 7, warnDays: 2 }).first.after).toBe('20261111T055959Z');
  });

  it('floors an evaluation instant with milliseconds to the second', () => {
    const odd = listingPlan(NOW + 999, null, PARAMS);
    expect(odd.recentAfter).toBe('20261026T055959Z');
    expect(odd.first.at % SECOND).toBe(0);
  });
});

describe('nextWindow', () => {
  const floor = '20200101T000000Z-oldest.json';

  it('doubles the reach of each window: 2, 4, 8, … cadences before the recent part', () => {
    const sequence = windows(plan, floor);
    expect(sequence.slice(0, 4).map((s) => [s.k, s.after])).toEqual([
      [2, '20260827T055959Z'],
      [4, '20260628T055959Z'],
      [8, '20260228T055959Z'],
      [16, '20250703T055959Z'],
    ]);
    for (const span of sequence.slice(0, -1)) expect(span.at).toBe(plan.recentAt - span.k * 30 * DAY);
  });

  it('ends each window where the previous listing began, so windows neither overlap nor leave gaps', () => {
    const sequence = [plan.first, ...windows(plan, floor)];
    for (let i = 1; i < sequence.length; i++)
      expect((sequence[i]?.after ?? '') < (sequence[i - 1]?.after ?? '')).toBe(true);
  });

  it('stops at the probe’s last key: the last window starts after it', () => {
    const sequence = windows(plan, floor);
    expect(sequence.at(-1)).toMatchObject({ after: floor, k: 128 });
    expect(sequence.at(-2)?.after).toBe('20210724T055959Z');
    expect(sequence).toHaveLength(7);
  });

  it('lists nothing below the first listing when the probe returned the whole folder', () => {
    expect(nextWindow(plan, plan.first, null)).toBeNull();
  });

  it('lists nothing when the probe reached the first listing, including a key exactly at its bound', () => {
    expect(nextWindow(plan, plan.first, '20261001T000000Z-d.json')).toBeNull();
    expect(nextWindow(plan, plan.first, plan.first.after)).toBeNull();
  });

  it('makes the window reaching a floor exactly at its bound the last one', () => {
    expect(windows(plan, '20260827T055959Z').map((s) => s.after)).toEqual(['20260827T055959Z']);
  });

  it('starts the last window after a floor one second newer than the bound, and lists one more below an older one', () => {
    expect(windows(plan, '20260827T060000Z-d.json').map((s) => s.after)).toEqual(['20260827T060000Z-d.json']);
    expect(windows(plan, '20260827T055958Z-d.json').map((s) => s.after)).toEqual([
      '20260827T055959Z',
      '20260827T055958Z-d.json',
    ]);
  });

  it('reaches keys that sort before every timestamp (`-x.json`) without leaving four-digit years', () => {
    const sequence = windows(listingPlan(NOW, null, { cadenceDays: 36500, warnDays: 7 }), '-x.json');
    expect(sequence.at(-1)?.after).toBe('-x.json');
    for (const span of sequence.slice(0, -1)) {
      expect(span.after).toMatch(/^\d{8}T\d{6}Z$/);
      expect(span.at).toBeGreaterThanOrEqual(EARLIEST_KEY_INSTANT);
    }
  });

  it('keeps moving down with a cadence under a second', () => {
    const tiny = listingPlan(NOW, null, { cadenceDays: 1e-9, warnDays: 0 });
    const sequence = windows(tiny, '20261026T055900Z-d.json');
    expect(sequence.at(-1)?.after).toBe('20261026T055900Z-d.json');
    expect(new Set(sequence.map((s) => s.after)).size).toBe(sequence.length);
  });
});

describe('hasEnoughAbove', () => {
  const span: Span = { after: '20261001T000000Z', at: at('2026-10-01T00:00:00Z'), k: 2 };

  it('lists on until a success is found', () => {
    expect(hasEnoughAbove([failure(row, '2026-10-20T00:00:00Z', NOW)], null, span)).toBe(false);
  });

  it('stops once the latest success completed at or after the instant the bound names', () => {
    expect(hasEnoughAbove([success(row, '2026-10-01T00:00:00Z', NOW)], null, span)).toBe(true);
  });

  it('lists on for a success a millisecond earlier: a key in the second before the bound may have completed after it', () => {
    expect(hasEnoughAbove([success(row, '2026-09-30T23:59:59.999Z', NOW)], null, span)).toBe(false);
  });

  it('lists on for a window in progress until its readiness period is known to be covered or not', () => {
    const force = windowInForce(
      [window('w1', '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z')],
      NOW,
      30 * DAY,
    );
    const inPeriod = [success(row, '2026-11-21T00:00:00Z', NOW)];
    const early: Span = { after: '20261101T000000Z', at: at('2026-11-01T00:00:00Z'), k: 1 };
    expect(hasEnoughAbove(inPeriod, force, early)).toBe(false);
    expect(hasEnoughAbove(inPeriod, force, span)).toBe(true);
  });
});

describe('needsOlderHistory', () => {
  it('is true without a success and false with one', () => {
    expect(needsOlderHistory([])).toBe(true);
    expect(needsOlderHistory([failure(row, '2026-11-20T00:00:00Z', NOW)])).toBe(true);
    expect(needsOlderHistory([success(row, '2026-11-20T00:00:00Z', NOW)])).toBe(false);
  });
});

describe('splitAt', () => {
  it('keeps a key exactly at the bound below it and a timestamped key in the bound’s second above it', () => {
    const keys = [
      'drills/r/-x.json',
      'drills/r/20261001T000000Z',
      'drills/r/20261001T000000Z-d.json',
      'drills/r/z.json',
    ];
    const [below, above] = splitAt(
      keys.map((key) => ({ key })),
      'drills/r/',
      '20261001T000000Z',
    );
    expect(below.map((e) => e.key)).toEqual(['drills/r/-x.json', 'drills/r/20261001T000000Z']);
    expect(above.map((e) => e.key)).toEqual(['drills/r/20261001T000000Z-d.json', 'drills/r/z.json']);
  });
});

describe('byConformity', () => {
  it('separates nonconforming names from timestamped ones', () => {
    const [nonconforming, conforming] = byConformity([
      { key: 'drills/r/20261001T000000Z-d.json' },
      { key: 'drills/r/2026-10-01-d.json' },
      { key: 'drills/r/manual.json' },
    ]);
    expect(nonconforming.map((e) => e.key)).toEqual(['drills/r/2026-10-01-d.json', 'drills/r/manual.json']);
    expect(conforming.map((e) => e.key)).toEqual(['drills/r/20261001T000000Z-d.json']);
  });
});
