/** `usr-readiness`: a thin door into `runMonitor`, the same orchestration the Lambda handler uses. */
import { promises as fs } from 'node:fs';
import { MAX_DOCUMENT_BYTES } from '../core/json-input';
import { serialize } from '../core/reports';
import type { RawDocument } from '../core/validate-policy';
import { validatePolicy } from '../core/validate-policy';
import { MONITOR_VERSION, runMonitor } from '../monitor';
import { LedgerError, ReportWriteError, StoreUnreachableError } from '../ports';
import type { CheckFlags } from './args';
import { HELP, UsageError, parseCommand } from './args';
import { formatFindings, formatTable } from './format';
import { buildTargets } from './wiring';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly clock: () => Date;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  clock: () => new Date(),
};

async function readLocal(file: string): Promise<RawDocument | null> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return { kind: 'error', message: 'not a regular file' };
    if (stat.size > MAX_DOCUMENT_BYTES) return { kind: 'too-large', size: stat.size };
    return { kind: 'ok', object: { bytes: new Uint8Array(await fs.readFile(file)) } };
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')
      return null;
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

async function validate(file: string, format: 'table' | 'json', io: Io): Promise<number> {
  const raw = await readLocal(file);
  if (raw === null) {
    io.stderr(`usr-readiness validate: ${file}: file not found\n`);
    return 2;
  }
  const result = validatePolicy(file, raw);
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  if (format === 'json') {
    io.stdout(
      serialize({
        file,
        summary: { rows: result.rowCount, errors, warnings: result.findings.length - errors },
        findings: result.findings,
      }),
    );
  } else {
    io.stdout(formatFindings(file, result.findings));
  }
  return errors > 0 ? 1 : 0;
}

async function check(flags: CheckFlags, io: Io): Promise<number> {
  // With --format json stdout carries the report alone, so `--alerts stdout` lines go to stderr instead.
  const printAlert = flags.format === 'json' ? io.stderr : io.stdout;
  const targets = buildTargets(flags, (line) => printAlert(line));
  const now = flags.now ? new Date(flags.now) : io.clock();
  let lastShown = 0;
  const result = await runMonitor(
    {
      store: targets.store,
      reports: targets.reports,
      alerts: targets.alerts,
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
      parameters: { cadenceDays: flags['cadence-days'], warnDays: flags['warn-days'] },
      concurrency: flags.concurrency,
    },
  );
  io.stdout(flags.format === 'json' ? serialize(result.reports.validation) : formatTable(result));
  if (!flags.quiet)
    io.stderr(
      `usr-readiness: reports written to ${targets.reports.location} (${result.summary.reportKeys[0] ?? ''} …)\n`,
    );
  if (result.summary.alertsFailed > 0) {
    io.stderr(
      `usr-readiness: ${result.summary.alertsFailed} alert(s) could not be delivered to ${targets.alerts?.sink.location ?? '?'}; they are recorded in the ledger and retried on the next run\n`,
    );
    return 2;
  }
  if (result.summary.decision === 'no-go' && !flags['exit-zero']) return 1;
  return 0;
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
        return await validate(command.file, command.format, io);
      case 'check':
        return await check(command.flags, io);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof StoreUnreachableError ||
      error instanceof ReportWriteError ||
      error instanceof LedgerError
    ) {
      io.stderr(`usr-readiness ${command.command}: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`usr-readiness ${command.command}: unexpected error: ${message.split('\n')[0] ?? ''}\n`);
    return 2;
  }
}
