/**
 * The child side of one benchmark case: runs the full `runMonitor` once (no alerts) against a store that the
 * parent has already generated, measures it, and sends the figures back over IPC. Each case runs in its own
 * fresh process, so `maxRSS` is the case's own peak and generation never counts.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_PARAMETERS } from '../lambdas/core/cadence';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../lambdas/monitor';
import type { EvidenceStore, ReportSink } from '../lambdas/ports';
import type { RequestCounter, RequestCounts } from './counting';

export interface CaseInputBase {
  /** The evaluation instant. */
  readonly now: string;
  /** Rows read at once (`runMonitor`'s concurrency; also the S3 store's request limit). */
  readonly concurrency: number;
}

export interface FsCaseInput extends CaseInputBase {
  readonly store: 'fs';
  readonly root: string;
  /** Where the reports go (a temporary directory). */
  readonly out: string;
}

export interface S3CaseInput extends CaseInputBase {
  readonly store: 's3';
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
}

export type CaseInput = FsCaseInput | S3CaseInput;

export interface RowBudget {
  readonly rows: number;
  readonly maxList: number;
  readonly maxGet: number;
  /** Rows that needed exactly two GetObject (a failure newer than the last success). */
  readonly withTwoGets: number;
}

export interface CaseResult {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** The case process's peak RSS over its whole life, in KiB (see `peakRss`). */
  readonly peakRssKiB: number;
  readonly peakRssSource: PeakRss['source'];
  /** `process.resourceUsage().maxRSS` (KiB), for comparison: on Linux it includes the parent's RSS at fork. */
  readonly ruMaxRssKiB: number;
  readonly requests: RequestCounts;
  /** HTTP attempts (S3 only; null for the directory store). */
  readonly attempts: number | null;
  readonly otherCommands: Readonly<Record<string, number>>;
  readonly rows: number;
  readonly evidenceRead: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly decision: string;
  /** Per-row reads of the rows whose status is `compliant`. */
  readonly compliant: RowBudget;
  /** Per-row reads of all rows. */
  readonly allRows: RowBudget;
}

export interface PeakRss {
  readonly kib: number;
  readonly source: 'VmHWM' | 'maxRSS';
}

/**
 * The process's peak RSS. On Linux, `VmHWM` of /proc/self/status: the high-water mark of this process's own
 * memory since its exec. Not `process.resourceUsage().maxRSS` (getrusage's ru_maxrss): Linux carries the
 * high-water mark of the pre-exec image into it, and a child forked by a parent holding 600 MiB (fauxqs with
 * a million objects) reports about 600 MiB even when it never uses more than 40 MiB. Elsewhere, maxRSS.
 */
export function peakRss(): PeakRss {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return { kib: Number(match[1]), source: 'VmHWM' };
  } catch {
    // not Linux
  }
  return { kib: process.resourceUsage().maxRSS, source: 'maxRSS' };
}

export function readInput<T extends CaseInput>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('usage: <case bundle> <case input as JSON>');
  return JSON.parse(raw) as T;
}

export async function measureRun(
  input: CaseInput,
  store: EvidenceStore,
  reports: ReportSink,
  counter: RequestCounter,
): Promise<CaseResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await runMonitor(
    { store, reports, alerts: null, now: new Date(input.now), clock: () => new Date() },
    {
      policyKey: DEFAULT_POLICY_KEY,
      scheduleKey: DEFAULT_SCHEDULE_KEY,
      parameters: DEFAULT_PARAMETERS,
      concurrency: input.concurrency,
    },
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const peak = peakRss();
  const ruMaxRssKiB = process.resourceUsage().maxRSS;

  const budget = (rowIds: readonly string[]): RowBudget => {
    let maxList = 0;
    let maxGet = 0;
    let withTwoGets = 0;
    for (const id of rowIds) {
      const seen = counter.perRow.get(id) ?? { List: 0, Get: 0 };
      maxList = Math.max(maxList, seen.List);
      maxGet = Math.max(maxGet, seen.Get);
      if (seen.Get === 2) withTwoGets++;
    }
    return { rows: rowIds.length, maxList, maxGet, withTwoGets };
  };
  const reportsOf = result.rows.map((r) => r.report);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssKiB: peak.kib,
    peakRssSource: peak.source,
    ruMaxRssKiB,
    requests: { ...counter.totals },
    attempts: input.store === 's3' ? counter.attempts : null,
    otherCommands: Object.fromEntries(counter.other),
    rows: result.summary.rows,
    evidenceRead: result.summary.evidenceRead,
    statuses: result.summary.statuses,
    decision: result.summary.decision,
    compliant: budget(reportsOf.filter((r) => r.status === 'compliant').map((r) => r.rowId)),
    allRows: budget(reportsOf.map((r) => r.rowId)),
  };
}

/** Sends the result to the parent (or prints it when run by hand) and exits. */
export function finish(run: Promise<CaseResult>): void {
  run.then(
    (result) => {
      if (process.send) process.send(result, () => process.exit(0));
      else {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exit(0);
      }
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
