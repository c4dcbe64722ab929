import { formatChanges } from '../../lambdas/cli/format-changes';

describe('formatChanges', () => {
  it('names each changed row with its old and new status', () => {
    expect(
      formatChanges({
        since: '2026-11-24',
        decision: { from: 'go', to: 'go' },
        rows: [{ rowId: 'inc-sev1-paging', from: 'overdue', to: 'compliant' }],
      }),
    ).toBe('changes since 2026-11-24: inc-sev1-paging overdue → compliant');
  });

  it('puts a changed decision first and names rows that came or went', () => {
    expect(
      formatChanges({
        since: '2026-11-20',
        decision: { from: 'no-go', to: 'go' },
        rows: [
          { rowId: 'added', from: null, to: 'compliant' },
          { rowId: 'dropped', from: 'overdue', to: null },
        ],
      }),
    ).toBe('changes since 2026-11-20: decision no-go → go, added new → compliant, dropped overdue → removed');
  });

  it('says none when nothing changed, and when there is no earlier day', () => {
    expect(formatChanges({ since: '2026-11-24', decision: { from: 'go', to: 'go' }, rows: [] })).toBe(
      'changes since 2026-11-24: none',
    );
    expect(formatChanges({ since: null, decision: { from: null, to: 'go' }, rows: [] })).toBe(
      'changes: none recorded (no earlier day has history)',
    );
  });
});
