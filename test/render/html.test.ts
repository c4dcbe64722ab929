import { createHash } from 'node:crypto';
import { addHistoryDay, parseHistoryDay } from '../../lambdas/core/history';
import { STYLE, SCRIPT, SCRIPT_HASH, STYLE_HASH } from '../../lambdas/render/html-assets';
import type { HtmlReportInput } from '../../lambdas/render/html';
import { renderHtml } from '../../lambdas/render/html';
import type { RowView, ValidationView, WaivedBlockerView } from '../../lambdas/render/views';
import { SHA, rowView, stripsOf, validationView } from '../fixtures/render/report-data';

const hash = (text: string): string => `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;

function input(
  rows: readonly RowView[] = [rowView()],
  validation: ValidationView = validationView(),
): HtmlReportInput {
  return { validation, rows, strips: stripsOf(rows) };
}

const between = (html: string, open: string, close: string): string[] =>
  [...html.matchAll(new RegExp(`${open}([\\s\\S]*?)${close}`, 'g'))].map((m) => m[1] ?? '');

const HOSTILE_ID = '<script>alert("row")</script>';
const HOSTILE_ATTRIBUTE = '" onmouseover="alert(1)" x="';
const RTL_KEY = 'drills/r/report\u202Etxt.exe';

describe('renderHtml', () => {
  it('allows exactly its own inline style and script by hash and forbids every load', () => {
    const html = renderHtml(input());
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
    const styles = between(html, '<style>', '</style>');
    const scripts = between(html, '<script>', '</script>');
    expect(styles).toEqual([STYLE]);
    expect(scripts).toEqual([SCRIPT]);
    // A stale hash blocks the page's own style or script: put the hashes printed here into html-assets.ts.
    expect({ STYLE_HASH, SCRIPT_HASH }).toEqual({ STYLE_HASH: hash(STYLE), SCRIPT_HASH: hash(SCRIPT) });
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      `style-src '${hash(STYLE)}'`,
      `script-src '${hash(SCRIPT)}'`,
      "base-uri 'none'",
      "form-action 'none'",
    ]);
  });

  it('puts the policy before anything else of the head, and nothing on the page names another resource', () => {
    const html = renderHtml(input());
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster|background)=/i);
    expect(html).not.toMatch(/url\(|@import|<link|<img|<iframe|<object|<embed/i);
  });

  it('shows the decision and window first, then blockers, changes and the rows', () => {
    const html = renderHtml(input());
    const order = ['Promotion decision', 'cutover-2026-11', 'Blockers', 'Changes', 'id="rows"'];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain('<span class="verdict">GO</span>');
  });

  it('says so when no cutover window is scheduled', () => {
    const validation = validationView();
    const html = renderHtml(
      input([rowView()], { ...validation, promotion: { ...validation.promotion, window: null } }),
    );
    expect(html).toContain('No cutover window is scheduled.');
  });

  it('escapes hostile row ids, messages, keys and waiver ids in text and attributes', () => {
    const row = rowView({
      rowId: HOSTILE_ID,
      lastSuccess: { ...rowView().lastSuccess!, key: `${RTL_KEY}${HOSTILE_ATTRIBUTE}` },
      findings: [{ code: 'overdue', severity: 'error', message: 'x', waivedBy: `W-1${HOSTILE_ATTRIBUTE}` }],
      failures: [
        {
          key: 'k',
          drillId: 'd',
          completedAt: '2026-11-21T00:00:00Z',
          outcome: 'fail',
          reasons: [],
          remediation: 'pending',
          owner: '<b>owner</b>',
          eta: '2026-11-30',
        },
      ],
    });
    const base = validationView();
    const validation = validationView({
      promotion: {
        ...base.promotion,
        decision: 'no-go',
        blockers: [
          { code: 'overdue', rowId: HOSTILE_ID, message: `<img src=x onerror=alert(1)>${HOSTILE_ATTRIBUTE}` },
        ],
      },
      changes: {
        since: '2026-11-24',
        decision: { from: 'go', to: 'no-go' },
        rows: [{ rowId: HOSTILE_ID, from: 'compliant', to: 'overdue' }],
      },
    });
    const html = renderHtml(input([row], validation));
    expect(html).not.toContain(HOSTILE_ID);
    expect(html).not.toContain(HOSTILE_ATTRIBUTE);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>owner');
    expect(html).not.toContain('\u202E');
    expect(between(html, '<script>', '</script>')).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(&quot;row&quot;)&lt;/script&gt;');
    expect(html).toContain(
      `title="drills/r/report[U+202E]txt.exe&quot; onmouseover=&quot;alert(1)&quot; x=&quot;"`,
    );
  });

  it('gives every row a status badge with the status as text and the worst-first sort key', () => {
    const rows = [rowView({ rowId: 'b', status: 'overdue' }), rowView({ rowId: 'a', status: 'due-soon' })];
    const html = renderHtml(input(rows));
    expect(html).toContain('<td data-sort="1"><span class="b s-overdue">overdue</span></td>');
    expect(html).toContain('<td data-sort="3"><span class="b s-due-soon">due-soon</span></td>');
    expect(html.indexOf('<th scope="row">a</th>')).toBeLessThan(html.indexOf('<th scope="row">b</th>'));
  });

  it('shows the last success with a 12-digit sha256 prefix, and none without one', () => {
    const html = renderHtml(
      input([rowView(), rowView({ rowId: 'never', lastSuccess: null, status: 'never-drilled' })]),
    );
    expect(html).toContain(`<code>sha256 ${SHA.slice(0, 12)}</code>`);
    expect(html).not.toContain(SHA);
    expect(html).toMatch(/<th scope="row">never<\/th>.*<td>none<\/td>/);
  });

  it('shows open remediation with its owner and ETA', () => {
    const failure = {
      key: 'k',
      drillId: 'd',
      completedAt: '2026-11-21T00:00:00Z',
      outcome: 'fail' as const,
      reasons: [],
      owner: 'jdoe',
      eta: '2026-11-29',
    };
    const row = rowView({
      failures: [
        { ...failure, remediation: 'overdue' },
        { ...failure, remediation: 'not-required' },
      ],
    });
    const html = renderHtml(input([row]));
    expect(html).toContain('<span class="b s-overdue">overdue</span> jdoe by 2026-11-29');
    expect(html).not.toContain('not-required');
  });

  it('lists the changes since the previous day, new and removed rows and the decision', () => {
    const validation = validationView({
      changes: {
        since: '2026-11-24',
        decision: { from: 'no-go', to: 'go' },
        rows: [
          { rowId: 'inc-sev1-paging', from: 'overdue', to: 'compliant' },
          { rowId: 'added', from: null, to: 'never-drilled' },
          { rowId: 'gone', from: 'compliant', to: null },
        ],
      },
    });
    const html = renderHtml(input([rowView()], validation));
    expect(html).toContain('Changes since 2026-11-24</h2>');
    expect(html).toContain('<li>Decision: no-go → go</li>');
    expect(html).toContain('<li><strong>inc-sev1-paging</strong>: overdue → compliant</li>');
    expect(html).toContain('<li><strong>added</strong>: new → never-drilled</li>');
    expect(html).toContain('<li><strong>gone</strong>: compliant → removed</li>');
  });

  it('says when there is no earlier day to compare with, and when nothing changed', () => {
    expect(renderHtml(input())).toContain('No earlier day has history');
    const same = validationView({
      changes: { since: '2026-11-24', decision: { from: 'go', to: 'go' }, rows: [] },
    });
    expect(renderHtml(input([rowView()], same))).toContain('Changes since 2026-11-24</h2><p>No change.</p>');
  });

  it('draws each row’s last 90 days as runs, named in words for screen readers', () => {
    const row = rowView({ rowId: 'r', status: 'overdue' });
    const strips = stripsOf([row]);
    const text = ['2026-11-22', '2026-11-23', '2026-11-24']
      .map((date, i) => ({ date, status: i === 0 ? 'compliant' : 'due-soon' }))
      .map(({ date, status }) =>
        parseHistoryDay(date, `${JSON.stringify({ rowId: 'r', status, decision: 'go' })}\n`),
      );
    for (const day of text) addHistoryDay(strips, day);
    const html = renderHtml({ validation: validationView(), rows: [row], strips });
    expect(html).toContain(
      '<span class="strip" role="img" aria-label="last 90 days: 86 no record, 2 due-soon, 1 compliant, 1 overdue"',
    );
    expect(html).toContain(
      '<i class="k0 w86"></i><i class="k1 w1"></i><i class="k2 w2"></i><i class="k3 w1"></i>',
    );
  });

  it('shows waived blockers and each row’s waiver when the report carries them', () => {
    const base = validationView();
    const waived: WaivedBlockerView = {
      code: 'overdue',
      rowId: 'incident-sev2-escalation',
      message: 'last successful drill is older than 30 days',
      waiverId: 'W-2026-014',
      expiresAt: '2026-12-04T00:00:00Z',
    };
    const validation = validationView({
      promotion: { ...base.promotion, waived: [waived] },
      waivers: [
        {
          id: 'W-2026-014',
          rowId: 'incident-sev2-escalation',
          codes: ['overdue'],
          state: 'active',
          expiresAt: '2026-12-04T00:00:00Z',
        },
      ],
    });
    const row = rowView({
      rowId: 'incident-sev2-escalation',
      status: 'overdue',
      findings: [{ code: 'overdue', severity: 'error', message: 'm', waivedBy: 'W-2026-014' }],
    });
    const html = renderHtml(input([row], validation));
    expect(html).toContain('<h2 id="waived">Waived blockers</h2>');
    expect(html).toContain('<td>W-2026-014</td><td>2026-12-04T00:00:00Z</td>');
    expect(html).toContain('<span class="b s-waived">W-2026-014</span> until 2026-12-04T00:00:00Z');
    expect(html).toContain('0 blocker(s), 1 waived.');
  });

  it('says "None." under waived blockers when nothing is waived', () => {
    expect(renderHtml(input())).toContain(
      '<section aria-labelledby="waived"><h2 id="waived">Waived blockers</h2><p>None.</p></section>',
    );
  });

  it('keeps the filter box hidden for readers without JavaScript', () => {
    expect(renderHtml(input())).toContain('<div id="tools" hidden>');
  });

  it('renders the same bytes for the same data, whenever it runs', () => {
    const rows = [rowView({ rowId: 'b' }), rowView({ rowId: 'a' })];
    expect(renderHtml(input(rows))).toBe(renderHtml(input([...rows].reverse())));
    expect(renderHtml(input())).not.toContain('2026-11-25T06:00:02Z');
  });
});
