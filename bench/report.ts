/** What the benchmark prints: one JSON line per case, then a table and the targets for people. */
import type { BundleFigures } from './bundle';
import type { CaseResult } from './case-runner';
import type { RequestCounts } from './counting';
import type { DeepHistoryLine } from './deep-history';

export type StoreKind = 'fs' | 's3';

export interface MeasuredCase {
  readonly store: StoreKind;
  readonly rows: number;
  readonly history: number;
  readonly artifacts: number;
  readonly result: CaseResult;
}

export interface SkippedCase {
  readonly store: StoreKind;
  readonly rows: number;
  readonly history: number;
  readonly artifacts: number;
  readonly reason: string;
}

/** The machine-readable line of a case; these field names are a contract. */
export interface CaseLine {
  readonly store: StoreKind;
  readonly rows: number;
  readonly history: number;
  readonly artifacts: number;
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly requests: RequestCounts;
  readonly requestsPerRow: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const totalRequests = (r: RequestCounts): number => r.List + r.Get + r.Head + r.Put;
const group = (value: number): string => Math.round(value).toLocaleString('en-US');
export const peakRssMiB = (c: MeasuredCase): number => c.result.peakRssKiB / 1024;

export function caseLine(c: MeasuredCase): CaseLine {
  const r = c.result;
  return {
    store: c.store,
    rows: c.rows,
    history: c.history,
    artifacts: c.artifacts,
    wallMs: round(r.wallMs, 1),
    cpuMs: round(r.cpuMs, 1),
    peakRssMiB: round(peakRssMiB(c), 1),
    requests: { List: r.requests.List, Get: r.requests.Get, Head: r.requests.Head, Put: r.requests.Put },
    requestsPerRow: round(totalRequests(r.requests) / c.rows, 3),
  };
}

export function bundleLine(b: BundleFigures): { bundleBytes: number; coldInitMs: number } {
  return { bundleBytes: b.bundleBytes, coldInitMs: round(b.coldInitMs, 1) };
}

function pad(cells: readonly string[], widths: readonly number[], right: readonly boolean[]): string {
  return cells
    .map((cell, i) => (right[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
}

const TABLE_HEADER = [
  'store',
  'rows',
  'history',
  'artifacts',
  'wall ms',
  'cpu ms',
  'peak RSS MiB',
  'List',
  'Get',
  'Head',
  'Put',
  'req/row',
  'artifacts/s',
];

/** The table's cells of a measured case. */
function measuredCells(c: MeasuredCase): string[] {
  const line = caseLine(c);
  return [
    c.store,
    String(c.rows),
    String(c.history),
    group(c.artifacts),
    line.wallMs.toFixed(0),
    line.cpuMs.toFixed(0),
    line.peakRssMiB.toFixed(1),
    group(line.requests.List),
    group(line.requests.Get),
    group(line.requests.Head),
    group(line.requests.Put),
    line.requestsPerRow.toFixed(2),
    group(c.artifacts / (c.result.wallMs / 1000)),
  ];
}

/** The table's cells of a skipped case: `skipped` under the wall time, the figures empty. */
function skippedCells(s: SkippedCase): string[] {
  const cells = [s.store, String(s.rows), String(s.history), group(s.artifacts), 'skipped'];
  return [...cells, ...Array<string>(TABLE_HEADER.length - cells.length).fill('')];
}

export function caseTable(measured: readonly MeasuredCase[], skipped: readonly SkippedCase[]): string[] {
  const right = TABLE_HEADER.map((_, i) => i > 0);
  const all = [...measured.map((c) => ({ c, s: null })), ...skipped.map((s) => ({ c: null, s }))].sort(
    (a, b) => {
      const x = a.c ?? a.s;
      const y = b.c ?? b.s;
      if (!x || !y) return 0;
      return x.store.localeCompare(y.store) || x.rows - y.rows || x.history - y.history;
    },
  );
  const rows = all.flatMap(({ c, s }) => (c ? [measuredCells(c)] : s ? [skippedCells(s)] : []));
  const widths = TABLE_HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [pad(TABLE_HEADER, widths, right), ...rows.map((r) => pad(r, widths, right))];
}

export interface Target {
  readonly name: string;
  readonly status: 'holds' | 'MISSES' | 'not measured';
  readonly detail: string;
}

const find = (cases: readonly MeasuredCase[], store: StoreKind, rows: number, history: number) =>
  cases.find((c) => c.store === store && c.rows === rows && c.history === history);

const over = (value: number, limit: number): string =>
  `${(((value - limit) / limit) * 100).toFixed(0)} % over`;

export const LIMITS = {
  requestGrowth: 1.2,
  listsPerCompliantRow: 1,
  getsPerCompliantRow: 2,
  fsArtifactsPerSecond: 50_000,
  peakRssMiB: 256,
  bundleBytes: 600_000,
  coldInitMs: 150,
  listsPerOverdueRow: 2,
} as const;

export function evaluateTargets(
  cases: readonly MeasuredCase[],
  bundle: BundleFigures | null,
  deep: DeepHistoryLine | null = null,
): Target[] {
  return [
    requestGrowthTarget(cases),
    compliantReadsTarget(cases),
    fsThroughputTarget(cases),
    peakRssTarget(cases),
    ...bundleTargets(bundle),
    deepHistoryTarget(deep),
  ];
}

/** 1. S3 requests barely grow with history. */
function requestGrowthTarget(cases: readonly MeasuredCase[]): Target {
  const parts: string[] = [];
  let measured = false;
  let holds = true;
  for (const rows of [100, 1000]) {
    const small = find(cases, 's3', rows, 10);
    const large = find(cases, 's3', rows, 1000);
    if (!small || !large) continue;
    measured = true;
    const a = totalRequests(small.result.requests);
    const b = totalRequests(large.result.requests);
    const ratio = b / a;
    if (ratio > LIMITS.requestGrowth) holds = false;
    parts.push(`R=${rows}: ${group(b)} at H=1000 vs ${group(a)} at H=10 (${ratio.toFixed(3)}×)`);
  }
  return {
    name: `S3 requests per run at H=1000 ≤ ${LIMITS.requestGrowth}× those at H=10`,
    status: measured ? (holds ? 'holds' : 'MISSES') : 'not measured',
    detail: measured ? parts.join('; ') : 'needs the s3 cases H=10 and H=1000 of the same R',
  };
}

/** 2. Reads per compliant row. */
function compliantReadsTarget(cases: readonly MeasuredCase[]): Target {
  const parts: string[] = [];
  let holds = true;
  let measured = false;
  for (const store of ['s3', 'fs'] as const) {
    const mine = cases.filter((c) => c.store === store);
    if (mine.length === 0) continue;
    measured = true;
    const maxList = Math.max(...mine.map((c) => c.result.compliant.maxList));
    const maxGet = Math.max(...mine.map((c) => c.result.compliant.maxGet));
    const rows = mine.reduce((sum, c) => sum + c.result.compliant.rows, 0);
    const two = mine.reduce((sum, c) => sum + c.result.compliant.withTwoGets, 0);
    if (maxList > LIMITS.listsPerCompliantRow || maxGet > LIMITS.getsPerCompliantRow) holds = false;
    parts.push(
      `${store}: at most ${maxList} List and ${maxGet} Get over ${group(rows)} compliant rows in ${mine.length} cases (${group(two)} needed 2 Gets: a failure newer than the last success)`,
    );
  }
  return {
    name: `Reads per compliant row ≤ ${LIMITS.listsPerCompliantRow} List and ${LIMITS.getsPerCompliantRow} Get`,
    status: measured ? (holds ? 'holds' : 'MISSES') : 'not measured',
    detail: measured ? parts.join('; ') : 'no store case was run',
  };
}

/** 3. Local throughput. */
function fsThroughputTarget(cases: readonly MeasuredCase[]): Target {
  const c = find(cases, 'fs', 1000, 100);
  const rate = c ? c.artifacts / (c.result.wallMs / 1000) : 0;
  return {
    name: `Local store throughput ≥ ${group(LIMITS.fsArtifactsPerSecond)} artifacts in history per second at R=1000, H=100`,
    status: c ? (rate >= LIMITS.fsArtifactsPerSecond ? 'holds' : 'MISSES') : 'not measured',
    detail: c
      ? `${group(rate)} artifacts/s (${group(c.artifacts)} artifacts in ${c.result.wallMs.toFixed(0)} ms)`
      : 'needs the fs case R=1000, H=100',
  };
}

/** 4. Peak RSS at the largest case. */
function peakRssTarget(cases: readonly MeasuredCase[]): Target {
  const mine = (['fs', 's3'] as const)
    .map((store) => find(cases, store, 1000, 1000))
    .filter((c): c is MeasuredCase => c !== undefined);
  const worst = Math.max(...mine.map(peakRssMiB));
  return {
    name: `Peak RSS < ${LIMITS.peakRssMiB} MiB at R=1000, H=1000`,
    status: mine.length === 0 ? 'not measured' : worst < LIMITS.peakRssMiB ? 'holds' : 'MISSES',
    detail:
      mine.length === 0
        ? 'needs a case R=1000, H=1000'
        : mine.map((c) => `${c.store}: ${peakRssMiB(c).toFixed(1)} MiB`).join('; ') +
          (find(cases, 's3', 1000, 1000) ? '' : ' (s3 not measured at this size)'),
  };
}

/** 5-6. The Lambda bundle: its size and its cold init. */
function bundleTargets(bundle: BundleFigures | null): Target[] {
  if (!bundle)
    return [
      { name: 'Lambda bundle < 600 KB minified', status: 'not measured', detail: '--only excluded it' },
      { name: `Cold init < ${LIMITS.coldInitMs} ms`, status: 'not measured', detail: '--only excluded it' },
    ];
  const kb = bundle.bundleBytes;
  return [
    {
      name: `Lambda bundle < 600 KB minified (600,000 bytes)`,
      status: kb < LIMITS.bundleBytes ? 'holds' : 'MISSES',
      detail: `${group(kb)} bytes (${(kb / 1024).toFixed(1)} KiB)${kb < LIMITS.bundleBytes ? '' : `, ${over(kb, LIMITS.bundleBytes)}`}; largest: ${bundle.topPackages
        .slice(0, 4)
        .map(([name, bytes]) => `${name} ${group(bytes / 1000)} KB`)
        .join(', ')}`,
    },
    {
      name: `Cold init < ${LIMITS.coldInitMs} ms`,
      status: bundle.coldInitMs < LIMITS.coldInitMs ? 'holds' : 'MISSES',
      detail: `median ${bundle.coldInitMs.toFixed(1)} ms from process start to after require over ${bundle.runs} processes${bundle.coldInitMs < LIMITS.coldInitMs ? '' : ` (${over(bundle.coldInitMs, LIMITS.coldInitMs)})`}; the require alone ${bundle.requireMs.toFixed(1)} ms; whole process ${bundle.processMs.toFixed(1)} ms`,
    },
  ];
}

/** Lists per overdue row whose history is thousands of drills deep (`deep-history.ts`). */
function deepHistoryTarget(deep: DeepHistoryLine | null): Target {
  const name = `S3 Lists per overdue row with 5,000 drills of history ≤ ${LIMITS.listsPerOverdueRow}`;
  if (!deep) return { name, status: 'not measured', detail: 'needs the deep-history case' };
  return {
    name,
    status: deep.listsPerOverdueRow <= LIMITS.listsPerOverdueRow ? 'holds' : 'MISSES',
    detail:
      `${deep.listsPerOverdueRow} List and ${deep.getsPerOverdueRow} Get per overdue row (H=${group(deep.history)}); ` +
      `compliant ${deep.listsPerCompliantRow}, never drilled ${deep.listsPerNeverDrilledRow} (empty) and ` +
      `${deep.listsPerNeverDrilledRowWithHistory} (${group(deep.history)} failures, each read), ` +
      `last success two years back ${deep.listsPerRowLastSuccess2y} Lists`,
  };
}
