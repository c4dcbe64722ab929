/**
 * A row's status over its last days as a strip: runs of equal days, each one `<i>` sized by a class (no inline
 * style, which the page's CSP forbids). Status is told by height as well as colour, and in words by the strip's
 * accessible name.
 */
import { STRIP_STATUSES } from '../core/history';

const label = (code: number): string => STRIP_STATUSES[code] ?? 'no record';

/** "last 90 days: 80 compliant, 7 due-soon, 3 no record" (most frequent first, then in status order). */
function describe(cells: Uint8Array): string {
  const counts = new Array<number>(STRIP_STATUSES.length).fill(0);
  for (const code of cells) counts[code] = (counts[code] ?? 0) + 1;
  const parts = counts
    .map((n, code) => ({ n, code }))
    .filter((c) => c.n > 0)
    .sort((a, b) => b.n - a.n || a.code - b.code)
    .map((c) => `${c.n} ${label(c.code)}`);
  return `last ${cells.length} days: ${parts.join(', ')}`;
}

/** The strip of one row: `<span role="img" aria-label=…>` around one `<i>` per run of equal days. */
export function renderStrip(cells: Uint8Array): string {
  const runs: string[] = [];
  let start = 0;
  for (let i = 1; i <= cells.length; i++) {
    if (i < cells.length && cells[i] === cells[start]) continue;
    runs.push(`<i class="k${cells[start] ?? 0} w${i - start}"></i>`);
    start = i;
  }
  const text = describe(cells);
  return `<span class="strip" role="img" aria-label="${text}" title="${text}">${runs.join('')}</span>`;
}

/** The key under the strips, in words and samples. */
export function stripLegend(): string {
  return STRIP_STATUSES.map((status, code) => `<i class="k${code}"></i>${status ?? 'no record'}`).join(' ');
}
