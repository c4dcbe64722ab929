/**
 * The HTML report in a real browser: Debian's Chromium (`/usr/bin/chromium`, installed by `.ci/run` when missing;
 * never a browser download), driven by playwright-core. The report is the example store's at
 * 2026-11-25T06:00:00Z, after a month of daily runs so that the strips and the changes have history.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AxeResults } from 'axe-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { FsEvidenceStore, FsReportSink } from '../../lambdas/adapters/fs-store';
import { HTML_REPORT_FILE } from '../../lambdas/constants';
import { DEFAULT_PARAMETERS } from '../../lambdas/core/cadence';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';

const CHROMIUM = '/usr/bin/chromium';
/** Headless as root on a machine without network: no sandbox, GPU or background connections. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const REPO = path.join(__dirname, '..', '..');
const OUT = path.join(REPO, '.out');
const NOW = Date.parse('2026-11-25T06:00:00Z');
const DAYS_OF_HISTORY = 30;
const ROWS = 12;

/**
 * What a script on the page might try (run in the page, as text: the tests are compiled without the DOM's types):
 * an image, a style sheet and an inline script. Resolves with the directives the page's policy reported.
 */
const IN_PAGE_LOADS = `new Promise((resolve) => {
  const seen = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    seen.push(event.effectiveDirective);
    if (seen.length === 3) resolve(seen.sort());
  });
  const image = new Image();
  image.src = 'https://example.invalid/pixel.png';
  const sheet = document.createElement('link');
  sheet.rel = 'stylesheet';
  sheet.href = 'https://example.invalid/style.css';
  document.head.appendChild(sheet);
  const script = document.createElement('script');
  script.textContent = 'document.title = "injected"';
  document.body.appendChild(script);
})`;
/** An image load, resolved once it failed (nothing answers on this machine). */
const IN_PAGE_IMAGE = `new Promise((resolve) => {
  const image = new Image();
  image.onerror = () => resolve();
  image.src = 'https://example.invalid/pixel.png';
})`;

let browser: Browser;
let work: string;
let reportUrl: string;

/** The example store evaluated once a day for a month, the last run on 2026-11-25: its latest HTML report. */
async function renderExampleReport(out: string): Promise<string> {
  const store = new FsEvidenceStore(path.join(REPO, 'examples', 'store'));
  const reports = new FsReportSink(out);
  for (let day = DAYS_OF_HISTORY - 1; day >= 0; day--) {
    const now = new Date(NOW - day * 86_400_000);
    await runMonitor(
      { store, reports, alerts: null, now, clock: () => now },
      {
        policyKey: DEFAULT_POLICY_KEY,
        scheduleKey: DEFAULT_SCHEDULE_KEY,
        parameters: DEFAULT_PARAMETERS,
        concurrency: 4,
      },
    );
  }
  return path.join(out, 'reports', 'latest', HTML_REPORT_FILE);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser test needs Debian's Chromium at ${CHROMIUM}: run 'apt-get install -y chromium' (.ci/run does so when it is missing)`,
    );
  }
  work = mkdtempSync(path.join(tmpdir(), 'usr-html-'));
  reportUrl = pathToFileURL(await renderExampleReport(work)).href;
  // playwright-core starts Chromium with a new, empty profile directory of its own on every launch.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Opened {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request the page made, the report itself included. */
  readonly requests: string[];
  /** The requests that reached the network layer (the route), where nothing but the report is let through. */
  readonly routed: string[];
  /** `<url> <error>` of each request that failed. */
  readonly failed: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
}

async function open(options: BrowserContextOptions = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const requests: string[] = [];
  const routed: string[] = [];
  const failed: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('requestfailed', (request) =>
    failed.push(`${request.url()} ${request.failure()?.errorText ?? '?'}`),
  );
  // Anything but the report itself would leave the page: record it and refuse it.
  await context.route('**/*', (route) => {
    routed.push(route.request().url());
    return route.request().url() === reportUrl ? route.continue() : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(reportUrl, { waitUntil: 'load' });
  return { context, page, requests, routed, failed, errors };
}

describe('the HTML report in Chromium', () => {
  it('shows the decision, the window and every row with JavaScript off', async () => {
    const { context, page } = await open({ javaScriptEnabled: false });
    try {
      expect(await page.getByRole('heading', { name: 'Promotion decision: NO-GO' }).isVisible()).toBe(true);
      expect(await page.getByText('Cutover window cutover-2026-11').isVisible()).toBe(true);
      const rows = page.locator('#rows tbody tr');
      expect(await rows.count()).toBe(ROWS);
      for (let i = 0; i < ROWS; i++) expect(await rows.nth(i).isVisible()).toBe(true);
      expect(await page.locator('#rows tbody th').first().textContent()).toBe('cutover-dns-failback');
      expect(await page.getByText('overdue', { exact: true }).first().isVisible()).toBe(true);
      expect(await page.locator('#tools').isVisible()).toBe(false);
      expect(await page.getByRole('heading', { name: 'Changes since 2026-11-24' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('makes no request beyond the report itself and logs no error, with its script sorting and filtering', async () => {
    const { context, page, requests, routed, failed, errors } = await open();
    try {
      await page.getByRole('button', { name: 'Status' }).click();
      expect(await page.locator('#rows th[aria-sort="ascending"]').textContent()).toBe('Status');
      expect(await page.locator('#rows tbody tr td:nth-child(5)').first().textContent()).toBe(
        'never-drilled',
      );
      await page.getByLabel('Filter rows').fill('rollback');
      expect(await page.locator('#rows tbody tr:visible').count()).toBe(2);
      expect(await page.locator('#tools output').textContent()).toBe(`2 of ${ROWS} rows`);
      await page.screenshot({ path: path.join(mkdirOut(), 'report-filtered.png'), fullPage: true });
      expect(requests).toEqual([reportUrl]);
      expect(routed.filter((url) => url !== reportUrl)).toEqual([]);
      expect(failed).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses, by its Content-Security-Policy, to load anything a script on it asks for', async () => {
    const { context, page, routed, failed } = await open();
    try {
      const violated = await page.evaluate<string[]>(IN_PAGE_LOADS);
      expect(violated).toEqual(['img-src', 'script-src-elem', 'style-src-elem']);
      expect(await page.title()).not.toBe('injected');
      // Chromium announces the two loads, then blocks them before they reach the network.
      expect(routed.filter((url) => url !== reportUrl)).toEqual([]);
      expect(failed.sort()).toEqual([
        'https://example.invalid/pixel.png csp',
        'https://example.invalid/style.css csp',
      ]);
    } finally {
      await context.close();
    }
  });

  it('would see a load that leaves the page: with the policy bypassed, the same image reaches the network', async () => {
    const { context, page, routed } = await open({ bypassCSP: true });
    try {
      await page.evaluate<void>(IN_PAGE_IMAGE);
      expect(routed).toContain('https://example.invalid/pixel.png');
    } finally {
      await context.close();
    }
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    // The page's own policy forbids any script but its own: axe is injected with the policy bypassed.
    const { context, page } = await open({ bypassCSP: true });
    try {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const results = await page.evaluate<AxeResults>('axe.run(document)');
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.help} (${v.nodes.length} node(s))`);
      expect(serious).toEqual([]);
      expect(results.passes.map((p) => p.id)).toEqual(
        expect.arrayContaining(['color-contrast', 'html-has-lang']),
      );
    } finally {
      await context.close();
    }
  });

  it('prints every row without the filter box, and saves a screenshot under .out/', async () => {
    const { context, page } = await open();
    try {
      await page.screenshot({ path: path.join(mkdirOut(), 'report.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('#tools').isVisible()).toBe(false);
      expect(await page.locator('#rows tbody tr:visible').count()).toBe(ROWS);
      const pdf = await page.pdf({ landscape: true, printBackground: true });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await context.close();
    }
  });
});

function mkdirOut(): string {
  mkdirSync(OUT, { recursive: true });
  return OUT;
}
