import { parse } from 'csv-parse/sync';
import { CSV_HEADER } from '../../lambdas/constants';
import { renderCsv } from '../../lambdas/render/csv';
import { SHA, rowView } from '../fixtures/render/report-data';

const HEADER =
  'rowId,phase,severityClass,blocking,status,dueAt,lastSuccessAt,lastSuccessKey,lastSuccessSha256,waiverId,findings';

const readBack = (csv: string): string[][] => parse(csv, { bom: false, relax_quotes: false });

describe('renderCsv', () => {
  it('starts with exactly the contract header, with no byte-order mark, and ends lines with CRLF', () => {
    const csv = renderCsv([rowView()]);
    expect(CSV_HEADER.join(',')).toBe(HEADER);
    expect(csv.startsWith(`${HEADER}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('writes one line per row, sorted by id, that a CSV parser reads back field by field', () => {
    const overdue = rowView({
      rowId: 'b-row',
      blocking: false,
      status: 'overdue',
      findings: [
        { code: 'overdue', severity: 'error', message: 'm' },
        { code: 'evidence-invalid', severity: 'warning', message: 'm', key: 'k' },
        { code: 'evidence-invalid', severity: 'warning', message: 'm2', key: 'k2' },
      ],
    });
    const never = rowView({ rowId: 'a-row', status: 'never-drilled', dueAt: null, lastSuccess: null });
    const [header, ...rows] = readBack(renderCsv([overdue, never]));
    expect(header).toEqual([...CSV_HEADER]);
    expect(rows).toEqual([
      ['a-row', 'incident', 'sev1', 'true', 'never-drilled', '', '', '', '', '', ''],
      [
        'b-row',
        'incident',
        'sev1',
        'false',
        'overdue',
        '2026-12-20T10:05:00Z',
        '2026-11-20T10:05:00Z',
        'drills/incident-sev1-paging/20261120T100500Z-d1.json',
        SHA,
        '',
        'overdue;evidence-invalid',
      ],
    ]);
  });

  it('lists the waivers that cover a row', () => {
    const row = rowView({
      findings: [
        { code: 'overdue', severity: 'error', message: 'm', waivedBy: 'W-2' },
        { code: 'remediation-missing', severity: 'error', message: 'm', waivedBy: 'W-1' },
      ],
    });
    expect(readBack(renderCsv([row]))[1]?.[9]).toBe('W-1;W-2');
  });

  it('prefixes every cell a spreadsheet would run as a formula with a quote', () => {
    const ids = ['=HYPERLINK("https://evil.example","open")', '-x', '@sum', '+1', '\tx', '\rx', 'plain'];
    const rows = readBack(renderCsv(ids.map((rowId) => rowView({ rowId }))));
    expect(rows.slice(1).map((r) => r[0])).toEqual([
      "'\tx",
      "'\rx",
      "'+1",
      "'-x",
      '\'=HYPERLINK("https://evil.example","open")',
      "'@sum",
      'plain',
    ]);
  });

  it('prefixes formula cells in any column, such as an artifact key', () => {
    const row = rowView({ lastSuccess: { ...rowView().lastSuccess!, key: '=cmd|calc' } });
    expect(readBack(renderCsv([row]))[1]?.[7]).toBe("'=cmd|calc");
  });

  it('quotes commas, quotes and line breaks so they survive a round trip', () => {
    const key = 'drills/r/a,"b"\nc\rd.json';
    const row = rowView({ rowId: 'r,"1"', lastSuccess: { ...rowView().lastSuccess!, key } });
    const [, back] = readBack(renderCsv([row]));
    expect(back?.[0]).toBe('r,"1"');
    expect(back?.[7]).toBe(key);
  });

  it('keeps non-ASCII text as UTF-8', () => {
    const [, back] = readBack(renderCsv([rowView({ rowId: 'Prüfung-日本-مرحبا' })]));
    expect(back?.[0]).toBe('Prüfung-日本-مرحبا');
  });
});
