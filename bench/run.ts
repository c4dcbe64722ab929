/**
 * `npm run bench [-- --quick] [-- --only fs|s3|bundle]`: the performance benchmark (not a test).
 *
 * For rows R ∈ {100, 1000} × history H ∈ {10, 100, 1000} drills per row it generates a synthetic store
 * (`synthetic.ts`) — a directory under the OS temp dir, or a bucket in fauxqs served by this process on
 * loopback — then runs the full `runMonitor` (no alerts) once in a fresh child process and prints one JSON
 * line per case. Then it builds the minified Lambda bundle and times its cold initialisation, and prints a
 * table and the targets for people. The `deep-history` case (`deep-history.ts`) counts the S3 requests of rows
 * with 5,000 drills of history. See docs/performance.md.
 *
 * stdout: the JSON lines (lines starting with `{`), `#` notes, then the human summary. stderr: progress.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { auditNotes, runAuditBench } from './audit';
import type { BundleFigures } from './bundle';
import { COLD_INIT_RUNS, LAMBDA_ENTRY, measureBundle } from './bundle';
import type { CaseInput, CaseResult } from './case-runner';
import { bundleRunners, runChild } from './child';
import type { DeepHistoryLine } from './deep-history';
import { runDeepHistory } from './deep-history';
import type { Emulator } from './emulator';
import { EMULATOR_REGION, emulatorEnv, withEmulator } from './emulator';
import { runEventPart } from './event';
import { LEDGER_ROWS, concurrentS3, ledgerSize } from './ledger';
import type { MeasuredCase, SkippedCase, StoreKind } from './report';
import { bundleLine, caseLine, caseTable, evaluateTargets } from './report';
import type { StoreSpec } from './synthetic';
import { BENCH_NOW, policyDocument, rowDrills, scheduleDocument, storeObjects } from './synthetic';
import { runVerifyChain } from './verify-chain';
import { runWaiversBench } from './waivers';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY } from '../lambdas/monitor';

const ROWS = [100, 1000] as const;
const HISTORY = [10, 100, 1000] as const;
/** `runMonitor`'s row concurrency and the S3 store's request limit: the Lambda's default (CONCURRENCY). */
const CONCURRENCY = 16;
/** An S3 case whose seeding plus run is estimated above this is skipped (and said so), unless --s3-full. */
const S3_CASE_BUDGET_MS = 3 * 60_000;
/** Any case still running after this is killed. */
const CASE_TIMEOUT_MS = 10 * 60_000;

const USAGE = `usage: npm run bench -- [--quick] [--only <part>[,<part>…]] [--s3-full]
  --quick          the S3 and directory cases at R=100 only (the other parts run as usual)
  --only <part>    fs: the directory-store cases; s3: the S3 cases; deep-history: the S3 requests of rows with
                   5,000 drills of history; ledger: the alert ledger's size at 16,000 rows and four runs racing
                   on one S3 ledger; waivers: a 5 MiB waivers file on 5,000 rows; audit: the HTML, CSV and
                   history of 10,000 rows; verify-chain: verify over 365 days x 6 files on a directory
                   and on S3; event: a batch of S3 events for a 1,000-row store; bundle: the Lambda
                   bundle
  --s3-full        also run the S3 cases estimated to take over ${S3_CASE_BUDGET_MS / 60_000} minutes (R=1000 x H=1000)`;

type Part = StoreKind | 'deep-history' | 'ledger' | 'waivers' | 'audit' | 'verify-chain' | 'event' | 'bundle';

interface Options {
  readonly quick: boolean;
  readonly s3Full: boolean;
  readonly parts: ReadonlySet<Part>;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      's3-full': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const all: Part[] = [
    'fs',
    's3',
    'deep-history',
    'ledger',
    'waivers',
    'audit',
    'verify-chain',
    'event',
    'bundle',
  ];
  let parts = new Set<Part>(all);
  if (values.only !== undefined) {
    const wanted = values.only.split(',').map((p) => p.trim());
    const bad = wanted.filter((p) => !all.includes(p as Part));
    if (bad.length > 0)
      throw new Error(`--only: unknown part ${bad.join(', ')} (expected ${all.join(', ')})`);
    parts = new Set(wanted as Part[]);
  }
  return { quick: values.quick, s3Full: values['s3-full'], parts };
}

const progress = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);
const print = (line: string): void => void process.stdout.write(`${line}\n`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number): string => n.toLocaleString('en-US');

const running = new Set<ChildProcess>();

/** One case in a fresh process (the runners are bundled to plain JavaScript, so it runs like the Lambda). */
function runCase(runner: string, input: CaseInput, env: NodeJS.ProcessEnv): Promise<CaseResult> {
  return runChild<CaseResult>(runner, input, env, {
    label: 'the case process',
    timeoutMs: CASE_TIMEOUT_MS,
    running,
  });
}

/** Writes one file, creating its folder when it differs from the previous file's. */
function fileWriter(root: string): (key: string, body: string) => void {
  let lastDir = '';
  return (key, body) => {
    const file = path.join(root, ...key.split('/'));
    const dir = path.dirname(file);
    if (dir !== lastDir) {
      mkdirSync(dir, { recursive: true });
      lastDir = dir;
    }
    writeFileSync(file, body);
  };
}

function cases(options: Options): StoreSpec[] {
  const rows = options.quick ? ROWS.filter((r) => r === 100) : ROWS;
  return rows.flatMap((r) => HISTORY.map((h) => ({ rows: r, history: h })));
}

function emitCase(measured: MeasuredCase): void {
  print(JSON.stringify(caseLine(measured)));
}

/** Setup work (generation, seeding, removal), reported apart from the cases' figures. */
const setupLog: string[] = [];

function setup(message: string): void {
  setupLog.push(message);
  progress(message);
}

/**
 * The directory-store cases share one store that grows: all rows at history 10, then the older drills that
 * make it 100, then 1000 (the generator is newest-first consistent, so each stage is exactly the store of
 * that history); the R=100 cases use a policy of the first 100 rows. That writes and deletes R×H files once
 * instead of once per case — on a slow disk, creating and removing a million small files takes minutes.
 */
async function runFsCases(
  specs: readonly StoreSpec[],
  work: string,
  runner: string,
  env: NodeJS.ProcessEnv,
): Promise<MeasuredCase[]> {
  const out: MeasuredCase[] = [];
  const root = path.join(work, 'fs-store');
  const write = fileWriter(root);
  const maxRows = Math.max(...specs.map((s) => s.rows));
  const histories = [...new Set(specs.map((s) => s.history))].sort((a, b) => a - b);
  let generated = 0;
  let files = 0;
  try {
    write(DEFAULT_SCHEDULE_KEY, scheduleDocument());
    for (const history of histories) {
      const started = performance.now();
      const before = files;
      for (let i = 0; i < maxRows; i++) {
        for (const object of rowDrills(i, generated, history)) {
          write(object.key, object.body);
          files++;
          if (files % 200_000 === 0) progress(`fs: ${count(files)} artifacts written`);
        }
      }
      generated = history;
      setup(
        `fs: grew the store to ${maxRows} rows × ${history} drills (+${count(files - before)} files) in ${seconds(performance.now() - started)}`,
      );
      for (const spec of specs.filter((s) => s.history === history)) {
        write(DEFAULT_POLICY_KEY, policyDocument(spec.rows));
        const reports = path.join(work, `fs-reports-${spec.rows}-${spec.history}`);
        progress(`fs R=${spec.rows} H=${spec.history}: running`);
        try {
          const result = await runCase(
            runner,
            { store: 'fs', root, out: reports, now: BENCH_NOW, concurrency: CONCURRENCY },
            env,
          );
          const measured: MeasuredCase = {
            store: 'fs',
            ...spec,
            artifacts: spec.rows * spec.history,
            result,
          };
          out.push(measured);
          emitCase(measured);
        } finally {
          rmSync(reports, { recursive: true, force: true });
        }
      }
    }
  } finally {
    const started = performance.now();
    rmSync(root, { recursive: true, force: true });
    setup(`fs: removed the store (${count(files + 2)} files) in ${seconds(performance.now() - started)}`);
  }
  return out;
}

/** What the summary says of the emulator of the S3 cases (stopped by then). */
interface EmulatorNote {
  readonly endpoint: string;
  readonly seeding: Emulator['seeding'];
}

interface S3Outcome {
  readonly measured: MeasuredCase[];
  readonly skipped: SkippedCase[];
}

/**
 * Why the case `spec` is skipped, or null to run it. fauxqs scans every object of the bucket on each ListObjectsV2,
 * so a run costs ~ rows × objects: estimated from the largest case measured so far with the same rows.
 */
function s3SkipReason(
  spec: StoreSpec,
  measured: readonly MeasuredCase[],
  seedRate: number | null,
  full: boolean,
): string | null {
  const artifacts = spec.rows * spec.history;
  const reference = [...measured].reverse().find((c) => c.rows === spec.rows);
  if (full || seedRate === null || !reference) return null;
  const seedEstimate = ((artifacts + 2) / seedRate) * 1000;
  const scale = (spec.rows * spec.history) / (reference.rows * reference.history);
  const runEstimate = reference.result.wallMs * scale;
  if (seedEstimate + runEstimate <= S3_CASE_BUDGET_MS) return null;
  return (
    `estimated ${seconds(seedEstimate + runEstimate)} > the ${seconds(S3_CASE_BUDGET_MS)} budget: ` +
    `${seconds(seedEstimate)} to seed ${count(artifacts)} objects (${count(seedRate)}/s) + ` +
    `~${seconds(runEstimate)} to run, as fauxqs scans all ${count(artifacts)} objects on every ` +
    `ListObjectsV2 (${spec.history / reference.history}× the H=${reference.history} run); --s3-full runs it`
  );
}

/** Seeds the bucket of `spec` (telling `onSeeded` the rate, objects per second) and runs its case. */
async function runS3Case(
  spec: StoreSpec,
  emulator: Emulator,
  runner: string,
  env: NodeJS.ProcessEnv,
  onSeeded: (rate: number) => void,
): Promise<MeasuredCase> {
  const bucket = `bench-r${spec.rows}-h${spec.history}`;
  emulator.createBucket(bucket);
  try {
    const started = performance.now();
    const objects = await emulator.seed(bucket, storeObjects(spec));
    const seedMs = performance.now() - started;
    onSeeded(objects / (seedMs / 1000));
    setup(`s3: seeded ${count(objects)} objects for R=${spec.rows} H=${spec.history} in ${seconds(seedMs)}`);
    progress(`s3 R=${spec.rows} H=${spec.history}: running`);
    const input: CaseInput = {
      store: 's3',
      endpoint: emulator.endpoint,
      region: EMULATOR_REGION,
      bucket,
      now: BENCH_NOW,
      concurrency: CONCURRENCY,
    };
    const result = await runCase(runner, input, env);
    return { store: 's3', ...spec, artifacts: spec.rows * spec.history, result };
  } finally {
    emulator.emptyBucket(bucket);
  }
}

async function runS3Cases(
  specs: readonly StoreSpec[],
  emulator: Emulator,
  runner: string,
  env: NodeJS.ProcessEnv,
  full: boolean,
): Promise<S3Outcome> {
  const measured: MeasuredCase[] = [];
  const skipped: SkippedCase[] = [];
  let seedRate: number | null = null;
  for (const spec of specs) {
    const artifacts = spec.rows * spec.history;
    const skip = (reason: string): void => {
      skipped.push({ store: 's3', ...spec, artifacts, reason });
      print(`# skipped s3 R=${spec.rows} H=${spec.history}: ${reason}`);
    };
    const reason = s3SkipReason(spec, measured, seedRate, full);
    if (reason !== null) {
      skip(reason);
      continue;
    }
    try {
      const one = await runS3Case(spec, emulator, runner, env, (rate) => {
        seedRate = rate;
      });
      measured.push(one);
      emitCase(one);
    } catch (error) {
      skip(error instanceof Error ? error.message : String(error));
    }
  }
  return { measured, skipped };
}

function machine(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} CPUs (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface SummaryInput {
  readonly measured: readonly MeasuredCase[];
  readonly skipped: readonly SkippedCase[];
  readonly bundle: BundleFigures | null;
  readonly emulator: EmulatorNote | null;
  readonly durationMs: number;
  readonly loadAtStart: string;
  readonly deep: DeepHistoryLine | null;
}

/** The human summary after the JSON lines: the machine, the cases, the bundle and the targets. */
function summary(input: SummaryInput): void {
  print('');
  print(`usr-readiness-monitor benchmark, ${new Date().toISOString()}, ${machine()}`);
  print(`load average ${input.loadAtStart} at the start, ${load()} at the end; temp dir ${tmpdir()}`);
  print(
    `store at now=${BENCH_NOW}; runMonitor concurrency ${CONCURRENCY}; one run per case in a fresh process`,
  );
  if (input.measured.length > 0 || input.skipped.length > 0) {
    print('');
    for (const line of caseTable(input.measured, input.skipped)) print(line);
    for (const line of caseNotes(input.measured, input.skipped)) print(`  ${line}`);
    for (const line of measurementNotes(input.measured, input.emulator)) print(`  ${line}`);
  }
  if (input.bundle) printBundle(input.bundle);
  print('');
  print('Targets:');
  for (const t of evaluateTargets(input.measured, input.bundle, input.deep))
    print(`  [${t.status}] ${t.name}: ${t.detail}`);
  print('');
  print(`benchmark finished in ${seconds(input.durationMs)}`);
}

/** The skipped cases, and the cases that retried or sent other commands. */
function caseNotes(measured: readonly MeasuredCase[], skipped: readonly SkippedCase[]): string[] {
  const label = (c: MeasuredCase): string => `${c.store} R=${c.rows} H=${c.history}`;
  return [
    ...skipped.map((s) => `skipped ${s.store} R=${s.rows} H=${s.history}: ${s.reason}`),
    ...measured
      .filter((c) => c.result.attempts !== null && c.result.attempts !== total(c))
      .map(
        (c) => `note: ${label(c)} made ${c.result.attempts} HTTP attempts for ${total(c)} requests (retries)`,
      ),
    ...measured
      .filter((c) => Object.keys(c.result.otherCommands).length > 0)
      .map((c) => `note: ${label(c)} also sent ${JSON.stringify(c.result.otherCommands)}`),
  ];
}

/** What the figures measure, the emulator, the setup work and the statuses of the cases. */
function measurementNotes(measured: readonly MeasuredCase[], emulator: EmulatorNote | null): string[] {
  const notes = [
    'wall/cpu: runMonitor only, in the case process (the emulator runs in the parent, its CPU is not counted);' +
      ` peak RSS: the case process's high-water mark (${[...new Set(measured.map((c) => c.result.peakRssSource))].join(', ')}; see docs/performance.md)`,
  ];
  const rusage = (['fs', 's3'] as const)
    .map((store) => {
      const mine = measured.filter((c) => c.store === store);
      return mine.length === 0
        ? null
        : `${store} up to ${(Math.max(...mine.map((c) => c.result.ruMaxRssKiB)) / 1024).toFixed(1)} MiB`;
    })
    .filter((x) => x !== null);
  if (rusage.length > 0)
    notes.push(
      `(process.resourceUsage().maxRSS of the same processes: ${rusage.join(', ')}; on Linux it includes the bench process's RSS at fork, so it is not used)`,
    );
  if (emulator)
    notes.push(
      `s3: fauxqs ${emulator.endpoint} in the bench process, seeded via ${emulator.seeding}; its wall times are` +
        ' mostly the emulator, which filters and sorts the whole bucket on every ListObjectsV2 (they grow with the' +
        ' bucket, not with what the monitor reads): compare cpu ms and requests',
    );
  notes.push(...setupLog.map((line) => `setup (not counted) ${line}`));
  const first = measured[0];
  if (first)
    notes.push(
      `statuses per case (same mix at every size): ${Object.entries(first.result.statuses)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${s} ${((n / first.rows) * 100).toFixed(0)} %`)
        .join(', ')}; decision ${first.result.decision}`,
    );
  return notes;
}

function printBundle(bundle: BundleFigures): void {
  print('');
  print(
    `Lambda bundle (${LAMBDA_ENTRY}, esbuild minify, node22, cjs, AWS SDK bundled): ${count(bundle.bundleBytes)} bytes`,
  );
  print(
    `  cold init, median of ${bundle.runs} fresh node processes: ${bundle.coldInitMs.toFixed(1)} ms process start → after require ` +
      `(reported as coldInitMs); require alone ${bundle.requireMs.toFixed(1)} ms; whole process ${bundle.processMs.toFixed(1)} ms`,
  );
  print(
    `  largest packages in the bundle: ${bundle.topPackages
      .slice(0, 6)
      .map(([name, bytes]) => `${name} ${count(bytes)}`)
      .join(', ')}`,
  );
}

const total = (c: MeasuredCase): number =>
  c.result.requests.List + c.result.requests.Get + c.result.requests.Head + c.result.requests.Put;

interface StoreOutcome extends S3Outcome {
  readonly emulator: EmulatorNote | null;
}

/** The directory-store and S3 cases (`fs`, `s3`), their runners bundled under `work`. */
async function runStoreParts(options: Options, work: string): Promise<StoreOutcome> {
  const measured: MeasuredCase[] = [];
  const skipped: SkippedCase[] = [];
  if (!options.parts.has('fs') && !options.parts.has('s3')) return { measured, skipped, emulator: null };
  const specs = cases(options);
  const runners = await bundleRunners(
    { 'case-fs': 'bench/case-fs.ts', 'case-s3': 'bench/case-s3.ts' },
    path.join(work, 'runners'),
  );
  // A hermetic AWS environment for the S3 cases: dummy credentials, no shared config files.
  const env = emulatorEnv(work);
  if (options.parts.has('fs')) measured.push(...(await runFsCases(specs, work, runners['case-fs'], env)));
  if (!options.parts.has('s3')) return { measured, skipped, emulator: null };
  return withEmulator(async (emulator) => {
    const outcome = await runS3Cases(specs, emulator, runners['case-s3'], env, options.s3Full);
    return {
      measured: [...measured, ...outcome.measured],
      skipped: [...skipped, ...outcome.skipped],
      emulator: { endpoint: emulator.endpoint, seeding: emulator.seeding },
    };
  });
}

/** The `deep-history` line (`deep-history.ts`). */
async function runDeepHistoryPart(): Promise<DeepHistoryLine> {
  progress('deep-history: seeding rows with 5,000 drills of history and running');
  const deep = await withEmulator(runDeepHistory);
  print(JSON.stringify(deep));
  return deep;
}

/** The `ledger` and `concurrent-s3` lines (`ledger.ts`). */
async function runLedgerPart(): Promise<void> {
  progress(`ledger: planning a ${LEDGER_ROWS}-row ledger, then four runs racing on one S3 ledger`);
  print(JSON.stringify(ledgerSize()));
  print(JSON.stringify(await withEmulator(concurrentS3)));
}

function runAuditPart(): void {
  progress('audit: rendering the HTML report, the CSV and the history of 10,000 rows');
  const audit = runAuditBench();
  print(JSON.stringify(audit));
  for (const note of auditNotes(audit)) print(`# ${note}`);
}

function runWaiversPart(): void {
  progress('waivers: validating a 5 MiB waivers file and applying it to 5,000 rows');
  print(JSON.stringify(runWaiversBench()));
}

async function runVerifyChainPart(): Promise<void> {
  progress('verify-chain: 365 days x 6 files on a directory and on S3, then verify');
  for (const line of await withEmulator(runVerifyChain)) print(JSON.stringify(line));
}

async function runBundlePart(work: string): Promise<BundleFigures> {
  progress(`bundling ${LAMBDA_ENTRY} and timing ${COLD_INIT_RUNS} cold starts`);
  const dir = path.join(work, 'bundle');
  mkdirSync(dir, { recursive: true });
  const bundle = await measureBundle(dir);
  print(JSON.stringify(bundleLine(bundle)));
  return bundle;
}

/** The parts between deep-history and the bundle, in this order. */
async function runOtherParts(options: Options, work: string): Promise<void> {
  if (options.parts.has('ledger')) await runLedgerPart();
  if (options.parts.has('audit')) runAuditPart();
  if (options.parts.has('waivers')) runWaiversPart();
  if (options.parts.has('verify-chain')) await runVerifyChainPart();
  if (options.parts.has('event')) await runEventPart(path.join(work, 'event'), print, progress);
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = load();
  const options = parseOptions(process.argv.slice(2));
  const work = mkdtempSync(path.join(tmpdir(), 'usr-bench-'));
  const cleanup = (): void => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const stores = await runStoreParts(options, work);
    const deep = options.parts.has('deep-history') ? await runDeepHistoryPart() : null;
    await runOtherParts(options, work);
    const bundle = options.parts.has('bundle') ? await runBundlePart(work) : null;
    summary({ ...stores, bundle, deep, durationMs: performance.now() - started, loadAtStart });
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
