import { computeChanges, laterUsableDay } from '../../lambdas/core/changes';
import type { HistoryDay } from '../../lambdas/core/history';
import type { Status } from '../../lambdas/constants';

function day(
  date: string,
  statuses: Record<string, Status>,
  decision: 'go' | 'no-go' | null = 'go',
): HistoryDay {
  return { date, statuses: new Map(Object.entries(statuses)), decision, invalidLines: 0 };
}

describe('computeChanges', () => {
  it('has nothing to compare with when no earlier day has history', () => {
    expect(computeChanges(null, [{ rowId: 'a', status: 'overdue' }], 'no-go')).toEqual({
      since: null,
      decision: { from: null, to: 'no-go' },
      rows: [],
    });
  });

  it('lists each row whose status differs from the earlier day, by row id', () => {
    const previous = day(
      '2026-11-24',
      { 'inc-sev1-paging': 'overdue', b: 'compliant', a: 'due-soon' },
      'no-go',
    );
    const changes = computeChanges(
      previous,
      [
        { rowId: 'inc-sev1-paging', status: 'compliant' },
        { rowId: 'b', status: 'compliant' },
        { rowId: 'a', status: 'overdue' },
      ],
      'go',
    );
    expect(changes).toEqual({
      since: '2026-11-24',
      decision: { from: 'no-go', to: 'go' },
      rows: [
        { rowId: 'a', from: 'due-soon', to: 'overdue' },
        { rowId: 'inc-sev1-paging', from: 'overdue', to: 'compliant' },
      ],
    });
  });

  it('shows a row new to the policy as coming from null and a removed row as going to null', () => {
    const changes = computeChanges(
      day('2026-11-20', { old: 'compliant' }),
      [{ rowId: 'new', status: 'never-drilled' }],
      'go',
    );
    expect(changes.rows).toEqual([
      { rowId: 'new', from: null, to: 'never-drilled' },
      { rowId: 'old', from: 'compliant', to: null },
    ]);
  });
});

describe('laterUsableDay', () => {
  it('keeps the more recent day that has a valid record', () => {
    const a = day('2026-11-23', {});
    const b = day('2026-11-24', {});
    const broken = day('2026-11-25', {}, null);
    expect(laterUsableDay(a, b)).toBe(b);
    expect(laterUsableDay(b, a)).toBe(b);
    expect(laterUsableDay(b, broken)).toBe(b);
    expect(laterUsableDay(null, broken)).toBeNull();
    expect(laterUsableDay(null, null)).toBeNull();
  });
});
