/** `usr-readiness`: a thin door into `runMonitor`, the same orchestration the Lambda handler uses. */
import { spawn } from 'node:child_process';
import { DeadlineError, withDeadline } from '../adapters/deadline';
import { describeFsError, errorCode, readBounded } from '../adapters/fs-read';
import { MAX_DOCUMENT_BYTES, READ_DEADLINE_MS } from '../constants';
import { serialize } from '../core/reports';
import { sortFindings } from '../core/order';
import type { Finding } from '../core/schemas';
import type { RawDocument } from '../core/validate-policy';
import { validatePolicy } from '../core/validate-policy';
import { validateWaivers } from '../core/waivers';
import type { RunResult } from '../monitor';
import { MONITOR_VERSION, runMonitor } from '../monitor';
import { LedgerError, ReportWriteError, StoreUnreachableError } from '../ports';
import type { CheckFlags, Command } from './args';
import { HELP, UsageError, parseCommand } from './args';
import { formatFindings, formatTable } from './format';
import { runIntegrity } from './integrity';
import { buildTargets, refuseUnusableOutputs } from './wiring';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly clock: () => Date;
}

/** How long the CLI waits for its output to flush, and for its own exit, before it is forced. */
const EXIT_GRACE_MS = 2_000;

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  clock: () => new Date(),
};

/** The policy file named on the command line (links followed: the user named it), read bounded and non-blocking. */
async function readLocal(file: string): Promise<RawDocument | null> {
  try {
    const read = await withDeadline('the read', READ_DEADLINE_MS, () =>
      readBounded(file, MAX_DOCUMENT_BYTES, true),
    );
    return read.kind === 'ok' ? { kind: 'ok', object: { bytes: read.bytes } } : read;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    return { kind: 'error', message: describeFsError(error) };
  }
}

/** A file named on the command line, or null (after saying why on stderr) when it is missing or not a file. */
async function readNamed(file: string, io: Io): Promise<RawDocument | null> {
  const raw = await readLocal(file);
  if (raw === null) {
    io.stderr(`usr-readiness validate: ${file}: file not found\n`);
    return null;
  }
  // A directory, FIFO, socket or device is not a policy file: bad usage, like a missing file.
  if (raw.kind === 'refused') {
    io.stderr(`usr-readiness validate: ${file}: ${raw.message}\n`);
    return null;
  }
  return raw;
}

type ValidateCommand = Extract<Command, { command: 'validate' }>;

async function validate(command: ValidateCommand, io: Io): Promise<number> {
  const { file, format } = command;
  const raw = await readNamed(file, io);
  if (raw === null) return 2;
  const result = validatePolicy(file, raw);
  let waiverFindings: readonly Finding[] = [];
  if (command.waivers !== null) {
    const waiversRaw = await readNamed(command.waivers, io);
    if (waiversRaw === null) return 2;
    const rules = { maxWaiverDays: command.maxWaiverDays, rowIds: new Set(result.rows.map((r) => r.id)) };
    waiverFindings = validateWaivers(command.waivers, waiversRaw, rules).findings;
  }
  const findings = sortFindings([...result.findings, ...waiverFindings]);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (format === 'json') {
    io.stdout(
      serialize({
        file,
        ...(command.waivers === null ? {} : { waivers: command.waivers }),
        summary: { rows: result.rowCount, errors, warnings: findings.length - errors },
        findings,
      }),
    );
  } else {
    io.stdout(formatFindings(command.waivers === null ? file : `${file} and ${command.waivers}`, findings));
  }
  return errors > 0 ? 1 : 0;
}

async function check(flags: CheckFlags, io: Io): Promise<number> {
  // With --format json stdout carries the report alone, so `--alerts stdout` lines go to stderr instead.
  const printAlert = flags.format === 'json' ? io.stderr : io.stdout;
  await refuseUnusableOutputs(flags);
  const targets = buildTargets(flags, (line) => printAlert(line));
  const now = flags.now ? new Date(flags.now) : io.clock();
  let lastShown = 0;
  const result = await runMonitor(
    {
      store: targets.store,
      reports: targets.reports,
      alerts: targets.alerts,
      lease: targets.lease,
      now,
      clock: io.clock,
      onProgress: (done, total) => {
        if (flags.quiet || total < 100) return;
        const tenth = Math.floor((done * 10) / total);
        if (tenth > lastShown || done === total) {
          lastShown = tenth;
          io.stderr(`usr-readiness: ${done}/${total} rows evaluated\n`);
        }
      },
    },
    {
      policyKey: flags.policy,
      scheduleKey: flags.schedule,
      waiversKey: flags.waivers,
      maxWaiverDays: flags['max-waiver-days'],
      parameters: { cadenceDays: flags['cadence-days'], warnDays: flags['warn-days'] },
      concurrency: flags.concurrency,
    },
  );
  io.stdout(flags.format === 'json' ? serialize(result.reports.validation) : formatTable(result));
  if (!flags.quiet) io.stderr(`usr-readiness: ${writtenNote(result, targets.reports.location)}\n`);
  if (result.summary.alertsFailed > 0) {
    io.stderr(
      `usr-readiness: ${result.summary.alertsFailed} alert(s) could not be delivered to ${targets.alerts?.sink.location ?? '?'}; they are recorded in the ledger and retried on the next run\n`,
    );
    return 2;
  }
  if (result.summary.decision === 'no-go' && !flags['exit-zero']) return 1;
  return 0;
}

/** Where the reports went, or why none were written (the day's folder already holds a later evaluation). */
function writtenNote(result: RunResult, location: string): string {
  const { summary } = result;
  if (!summary.dayMoved)
    return `no report written: reports/${summary.asOf.slice(0, 10)}/ in ${location} already holds a later evaluation than ${summary.asOf}`;
  const latest = summary.latestMoved ? '' : '; reports/latest/ holds a later run and was left alone';
  return `reports written to ${location} (${summary.reportKeys[0] ?? ''} …)${latest}`;
}

/** Runs the CLI and returns the exit code. Never throws; never prints a stack trace for bad input. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    io.stderr(`usr-readiness: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    switch (command.command) {
      case 'help':
        io.stdout(HELP[command.topic]);
        return 0;
      case 'version':
        io.stdout(`${MONITOR_VERSION}\n`);
        return 0;
      case 'validate':
        return await validate(command, io);
      case 'check':
        return await check(command.flags, io);
      case 'verify':
      case 'gate':
        return await runIntegrity(command, io);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof StoreUnreachableError ||
      error instanceof ReportWriteError ||
      error instanceof LedgerError ||
      error instanceof DeadlineError
    ) {
      io.stderr(`usr-readiness ${command.command}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`usr-readiness ${command.command}: unexpected error: ${message.split('\n')[0] ?? ''}\n`);
    return 2;
  }
}

/** Kills its parent (argv[1]) unless the parent ends first, which closes the watchdog's stdin. */
const WATCHDOG = `process.stdin.on('end', () => process.exit(0)).resume();
setTimeout(() => { try { process.kill(Number(process.argv[1]), 'SIGKILL'); } catch {} process.exit(0); }, ${EXIT_GRACE_MS});`;

/**
 * `process.exit` joins libuv's threads, so it never returns while a thread is stuck in a system call (an `open`
 * that waits for ever): when file system requests given up at their deadline are still pending, a watchdog
 * process kills this one if it has not ended within `EXIT_GRACE_MS` (exit status: killed by SIGKILL).
 */
function armExitWatchdog(): void {
  if (!process.getActiveResourcesInfo().some((resource) => resource.startsWith('FSReq'))) return;
  spawn(process.execPath, ['-e', WATCHDOG, String(process.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  }).unref();
}

/**
 * Ends the process with `code` once stdout and stderr are flushed. A file system request given up at its
 * deadline would otherwise keep the process alive for ever; see `armExitWatchdog` for one stuck in the kernel.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  const exit = (): void => {
    armExitWatchdog();
    process.exit(code);
  };
  let pending = 2;
  const flushed = (): void => {
    if (--pending === 0) exit();
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
  // A stream that never drains (a reader that went away) must not hold the exit either.
  setTimeout(exit, EXIT_GRACE_MS).unref();
}
