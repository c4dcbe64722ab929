/**
 * `usr-readiness-rows.csv` (docs/audit-outputs.md): RFC 4180 (CRLF line ends, fields quoted where they hold a comma, a quote
 * or a line break), UTF-8 without a byte-order mark, one line per row sorted by id, the header exactly
 * `CSV_HEADER`. A cell that a spreadsheet could run as a formula gets a leading `'` (csv-stringify's
 * `escape_formulas`: cells starting with `=`, `+`, `-`, `@`, tab or carriage return, and the full-width `＝ ＋ － ＠`).
 * A pure function of the row reports.
 */
import { stringify } from 'csv-stringify/sync';
import { CSV_HEADER } from '../constants';
import { findingCodes, waiverIds } from '../core/history';
import { compare } from '../core/order';
import type { RowView } from './views';

/** One CSV line's cells, in `CSV_HEADER` order; null values are empty cells. */
export function csvCells(row: RowView): string[] {
  const last = row.lastSuccess;
  return [
    row.rowId,
    row.phase,
    row.severityClass,
    row.blocking ? 'true' : 'false',
    row.status,
    row.dueAt ?? '',
    last?.completedAt ?? '',
    last?.key ?? '',
    last?.sha256 ?? '',
    waiverIds(row.findings).join(';'),
    findingCodes(row.findings).join(';'),
  ];
}

/** The whole CSV document. */
export function renderCsv(rows: readonly RowView[]): string {
  const sorted = [...rows].sort((a, b) => compare(a.rowId, b.rowId));
  return stringify([[...CSV_HEADER], ...sorted.map(csvCells)], {
    record_delimiter: 'windows',
    escape_formulas: true,
    quote_record_delimiter: true,
    bom: false,
  });
}
