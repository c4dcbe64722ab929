import { formatKeyTimestamp, keyTimestamp } from '../../lambdas/core/drills';

describe('drill keys', () => {
  it('round-trips the key timestamp', () => {
    const ms = Date.parse('2026-11-20T10:05:00Z');
    expect(formatKeyTimestamp(ms)).toBe('20261120T100500Z');
    expect(keyTimestamp(`drills/r/${formatKeyTimestamp(ms)}-d1.json`)).toBe(ms);
  });
});
