/**
 * The HTML report's only style sheet and script, inline and constant. The page's Content-Security-Policy allows
 * exactly these two by their sha256 (and nothing else at all), so an injected `<script>` or `<style>` would not
 * run even if an escape were missed. `test/render/html.test.ts` recomputes both hashes: after editing either
 * text, put the new hash the test prints here.
 */
import { HISTORY_STRIP_DAYS } from '../constants';
import { STRIP_STATUSES } from '../core/history';

/** Width classes `w1` … `w90` of the strip's runs: 2 px per day, no inline `style` attribute needed. */
function widthClasses(days: number): string {
  return Array.from({ length: days }, (_, i) => `.w${i + 1}{width:${(i + 1) * 2}px}`).join('');
}

/** Colour and height of each strip code: height tells the statuses apart without colour. */
const STRIP_KINDS: Readonly<Record<string, string>> = {
  none: 'height:2px;background:#c8c8c8',
  compliant: 'height:5px;background:#2e7d32',
  'due-soon': 'height:10px;background:#b7791f',
  overdue: 'height:16px;background:#c62828',
  'never-drilled': 'height:16px;background:#ad1457',
  'cutover-uncovered': 'height:16px;background:#e65100',
};

function stripClasses(): string {
  return STRIP_STATUSES.map((status, code) => `.k${code}{${STRIP_KINDS[status ?? 'none'] ?? ''}}`).join('');
}

export const STYLE = [
  ':root{color-scheme:light;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff}',
  'body{margin:0 auto;padding:16px 24px;max-width:1600px}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:24px 0 8px}',
  '.meta{color:#4a4a4a;margin:0 0 12px}',
  '.decision{border:2px solid;border-radius:6px;padding:8px 16px}.decision h2{margin:4px 0}',
  '.go{border-color:#14532d}.no-go{border-color:#8a1c12}',
  '.verdict{display:inline-block;padding:2px 10px;border-radius:4px;color:#fff}',
  '.go .verdict{background:#14532d}.no-go .verdict{background:#8a1c12}',
  'table{border-collapse:collapse;width:100%;font-size:13px}',
  'caption{text-align:left;font-weight:600;padding:4px 0}',
  'th,td{border-bottom:1px solid #d0d0d0;padding:4px 6px;text-align:left;vertical-align:top}',
  'thead th{position:sticky;top:0;background:#f2f2f2}',
  'tbody th{font-weight:600;overflow-wrap:break-word}',
  '#rows td:nth-child(6),#rows td:nth-child(7){white-space:nowrap}',
  'code{font:12px ui-monospace,Menlo,Consolas,monospace}',
  '.b{display:inline-block;padding:0 6px;border-radius:3px;border:1px solid;white-space:nowrap}',
  '.s-compliant{background:#e3f4e6;color:#14532d}',
  '.s-due-soon{background:#fff4d6;color:#6b4500}',
  '.s-overdue{background:#fde2e1;color:#8a1c12}',
  '.s-never-drilled{background:#fbe0ef;color:#7a1246}',
  '.s-cutover-uncovered{background:#ffe6d5;color:#8a3300}',
  '.s-waived{background:#e8eaf6;color:#283593}',
  '.small{font-size:12px;color:#4a4a4a}',
  '.strip{display:inline-flex;align-items:flex-end;height:16px;border-bottom:1px solid #767676}',
  '.strip i{display:block}',
  widthClasses(HISTORY_STRIP_DAYS),
  stripClasses(),
  '.legend i{display:inline-block;width:10px;margin:0 4px 0 10px;vertical-align:baseline}',
  '#tools{margin:8px 0}#tools input{font:inherit;padding:2px 6px}',
  'th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;text-align:left}',
  '[aria-sort=ascending] button::after{content:" \\25B2"}[aria-sort=descending] button::after{content:" \\25BC"}',
  '@media print{body{max-width:none;padding:0}#tools{display:none}thead{display:table-header-group}',
  'thead th{position:static}tr{break-inside:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}',
  '@page{size:landscape;margin:10mm}}',
].join('\n');

/**
 * Progressive enhancement, for a reader with JavaScript on: a filter box over the rows and sortable columns
 * (a cell's `data-sort`, else its text). Without it the page shows everything, in row-id order.
 */
export const SCRIPT = `(function () {
  var table = document.getElementById('rows');
  var tools = document.getElementById('tools');
  if (!table || !tools) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var input = tools.querySelector('input');
  var shown = tools.querySelector('output');
  tools.hidden = false;
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (r) {
      r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;
      if (!r.hidden) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' rows';
  });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, i) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = th.textContent;
    th.textContent = '';
    th.appendChild(button);
    button.addEventListener('click', function () {
      var up = th.getAttribute('aria-sort') !== 'ascending';
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
      var key = function (r) { var c = r.cells[i]; return c.getAttribute('data-sort') || c.textContent; };
      rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
})();`;

/** `'sha256-…'` of `STYLE` and `SCRIPT` (checked by the tests). */
export const STYLE_HASH = 'sha256-CJZzIxY8CfHTZgr+SWT9IQq1QhojnbI40z4edH5aqJg=';
export const SCRIPT_HASH = 'sha256-0I9vixbytPynGAJam5zl4FQD5rJo4qRfqjOQaumYoXg=';
