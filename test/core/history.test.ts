import {
  addHistoryDay,
  consumedEvidenceKey,
  consumedEvidenceRecords,
  historyDateOf,
  historyKey,
  historyRecords,
  parseHistoryDay,
  planHistoryReads,
  serializeJsonLines,
  stripDates,
  todayStrips,
} from '../../lambdas/core/history';
import type { Promotion } from '../../lambdas/core/schemas';
import { ConsumedEvidenceRecordSchema, HistoryRecordSchema } from '../../lambdas/core/schemas';
import { rowView } from '../fixtures/render/report-data';

const NOW = Date.parse('2026-11-25T06:00:00Z');
const line = (rowId: string, status: string, decision = 'go'): string =>
  `${JSON.stringify({ date: 'x', rowId, status, decision })}\n`;

describe('historyKey and historyDateOf', () => {
  it('name a day’s file as a Hive partition and read the day back', () => {
    expect(historyKey('2026-11-25')).toBe('history/date=2026-11-25/rows.jsonl');
    expect(consumedEvidenceKey('2026-11-25')).toBe(
      'history/consumed-evidence/date=2026-11-25/consumed-evidence.jsonl',
    );
    expect(historyDateOf('history/date=2026-11-25/rows.jsonl')).toBe('2026-11-25');
  });

  it('ignore stray files, other folders and impossible dates', () => {
    for (const key of [
      'history/date=2026-11-25/rows.jsonl.tmp',
      'history/date=2026-11-25/other.jsonl',
      'history/date=2026-02-30/rows.jsonl',
      'history/date=26-11-25/rows.jsonl',
      'history/consumed-evidence/date=2026-11-25/consumed-evidence.jsonl',
    ])
      expect(historyDateOf(key)).toBeNull();
  });
});

describe('historyRecords', () => {
  it('writes one record per row, sorted by row id, with the contract’s fields in order', () => {
    const rows = [
      rowView({
        rowId: 'b',
        status: 'overdue',
        findings: [{ code: 'overdue', severity: 'error', message: 'm' }],
      }),
      rowView({ rowId: 'a', blocking: false, dueAt: null }),
    ];
    const records = historyRecords(NOW, rows, 'no-go');
    expect(records.map((r) => Object.keys(r))).toEqual([
      ['date', 'asOf', 'rowId', 'phase', 'blocking', 'status', 'dueAt', 'findings', 'waived', 'decision'],
      ['date', 'asOf', 'rowId', 'phase', 'blocking', 'status', 'dueAt', 'findings', 'waived', 'decision'],
    ]);
    expect(records[0]).toEqual({
      date: '2026-11-25',
      asOf: '2026-11-25T06:00:00Z',
      rowId: 'a',
      phase: 'incident',
      blocking: false,
      status: 'compliant',
      dueAt: null,
      findings: [],
      waived: false,
      decision: 'no-go',
    });
    expect(records[1]).toMatchObject({ rowId: 'b', status: 'overdue', findings: ['overdue'] });
    for (const record of records) expect(HistoryRecordSchema.parse(record)).toEqual(record);
  });

  it('lists each finding code once and marks a row waived when a waiver covers one of its findings', () => {
    const row = rowView({
      findings: [
        { code: 'evidence-invalid', severity: 'warning', message: 'a' },
        { code: 'overdue', severity: 'error', message: 'b', waivedBy: 'W-1' },
        { code: 'evidence-invalid', severity: 'warning', message: 'c' },
      ],
    });
    expect(historyRecords(NOW, [row], 'go')[0]).toMatchObject({
      findings: ['evidence-invalid', 'overdue'],
      waived: true,
    });
  });
});

describe('consumedEvidenceRecords', () => {
  it('records each consumed artifact with the day, the decision and the window', () => {
    const promotion: Promotion = {
      decision: 'go',
      window: { id: 'w1', startsAt: '2026-11-28T00:00:00Z', endsAt: '2026-11-29T00:00:00Z' },
      blockers: [],
      waived: [],
      consumedEvidence: [
        {
          rowId: 'r',
          key: 'drills/r/k.json',
          etag: 'e',
          versionId: 'v',
          sha256: 'a'.repeat(64),
          completedAt: '2026-11-20T00:00:00Z',
          runbookVersion: '1.0.0',
        },
      ],
    };
    const [record] = consumedEvidenceRecords(NOW, promotion);
    expect(record).toEqual({
      date: '2026-11-25',
      asOf: '2026-11-25T06:00:00Z',
      decision: 'go',
      windowId: 'w1',
      ...promotion.consumedEvidence[0],
    });
    expect(ConsumedEvidenceRecordSchema.parse(record)).toEqual(record);
  });
});

describe('serializeJsonLines', () => {
  it('writes one compact JSON object per line, each ending in a line feed', () => {
    expect(serializeJsonLines([{ a: 1 }, { b: 'x\ny' }])).toBe('{"a":1}\n{"b":"x\\ny"}\n');
    expect(serializeJsonLines([])).toBe('');
  });
});

describe('parseHistoryDay', () => {
  it('reads each row’s status and the day’s decision', () => {
    const day = parseHistoryDay(
      '2026-11-24',
      line('a', 'overdue', 'no-go') + line('b', 'compliant', 'no-go'),
    );
    expect(day).toEqual({
      date: '2026-11-24',
      statuses: new Map([
        ['a', 'overdue'],
        ['b', 'compliant'],
      ]),
      decision: 'no-go',
      invalidLines: 0,
    });
  });

  it('skips and counts lines that are not JSON or lack a row id, a known status or a decision', () => {
    const text = [
      'not json',
      '{"rowId":"a"}',
      '{"rowId":"b","status":"sleeping","decision":"go"}',
      '{"rowId":1,"status":"compliant","decision":"go"}',
      '',
      line('c', 'due-soon').trimEnd(),
      '{"rowId":"d","status":"compliant","decision":"go"',
    ].join('\n');
    const day = parseHistoryDay('2026-11-24', text);
    expect([...day.statuses]).toEqual([['c', 'due-soon']]);
    expect(day.invalidLines).toBe(5);
  });

  it('has no decision when no line is valid', () => {
    expect(parseHistoryDay('2026-11-24', 'garbage\n').decision).toBeNull();
  });
});

describe('planHistoryReads', () => {
  it('reads the earlier days inside the 90-day window, never the run’s own day or a later one', () => {
    const plan = planHistoryReads(
      NOW,
      ['2026-11-26', '2026-11-25', '2026-11-24', '2026-08-28', '2026-08-27', '2026-01-01', '2026-11-24'],
      90,
    );
    expect(plan).toEqual({
      stripDays: ['2026-08-28', '2026-11-24'],
      olderDays: ['2026-08-27', '2026-01-01'],
    });
  });

  it('reads at most one day per day of the strip, however long the history', () => {
    const days = Array.from({ length: 1000 }, (_, i) =>
      new Date(NOW - i * 86_400_000).toISOString().slice(0, 10),
    );
    const plan = planHistoryReads(NOW, days, 90);
    expect(plan.stripDays).toHaveLength(89);
    expect(new Set(plan.stripDays).size).toBe(89);
  });
});

describe('strips', () => {
  it('span 90 calendar days ending at the run’s day', () => {
    const dates = stripDates(NOW, 90);
    expect(dates).toHaveLength(90);
    expect([dates[0], dates[89]]).toEqual(['2026-08-28', '2026-11-25']);
  });

  it('take the run’s own status for its day and earlier days from history, for the policy’s rows only', () => {
    const strips = todayStrips(NOW, 90, [
      { rowId: 'a', status: 'overdue' },
      { rowId: 'b', status: 'compliant' },
    ]);
    addHistoryDay(strips, parseHistoryDay('2026-11-24', line('a', 'due-soon') + line('gone', 'overdue')));
    addHistoryDay(strips, parseHistoryDay('2026-11-25', line('a', 'compliant')));
    addHistoryDay(strips, parseHistoryDay('2026-05-01', line('a', 'compliant')));
    expect([...(strips.byRow.get('a') ?? []).slice(87)]).toEqual([0, 2, 3]);
    expect([...(strips.byRow.get('b') ?? []).slice(87)]).toEqual([0, 0, 1]);
    expect(strips.byRow.has('gone')).toBe(false);
  });
});
