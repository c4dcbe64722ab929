/** `usr-readiness verify` and `usr-readiness gate`: thin doors into `verify.ts` and `gate.ts`. */
import { FsReportSink } from '../adapters/fs-store';
import { formatProblem } from '../core/verify-chain';
import { GateError, runGate } from '../gate';
import { IntegrityReadError } from '../integrity-read';
import type { ReportSink } from '../ports';
import { StoreUnreachableError } from '../ports';
import type { VersionSource } from '../verify';
import { NothingToVerifyError, verifyReports } from '../verify';
import type { GateFlags, IntegrityCommand, StoreFlags, VerifyFlags } from './args-integrity';
import { INTEGRITY_HELP } from './args-integrity';
import { clientOptions, isS3 } from './flags';
import type { Io } from './main';
import type * as AwsModule from './wiring-aws';

/** The output root (`--out`, default the store) as a report sink, and its object versions on S3. */
function targets(flags: StoreFlags): { reports: ReportSink; versions: VersionSource | null } {
  const out = flags.out ?? flags.store;
  if (!isS3(out)) return { reports: new FsReportSink(out), versions: null };
  // The AWS SDK is loaded only for an s3:// root, so local runs start fast.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require('./wiring-aws') as typeof AwsModule;
  return aws.s3IntegrityTargets(out, clientOptions(flags));
}

/** Failures that leave the verification without a conclusion: one line, exit 2. */
const inconclusive = (error: unknown): error is Error =>
  error instanceof NothingToVerifyError ||
  error instanceof IntegrityReadError ||
  error instanceof GateError ||
  error instanceof StoreUnreachableError;

async function verify(flags: VerifyFlags, io: Io): Promise<number> {
  const { reports, versions } = targets(flags);
  if (flags.versions && versions === null)
    io.stderr(`usr-readiness verify: --versions is not applicable to a directory (no object versions)\n`);
  try {
    const outcome = await verifyReports(reports, {
      ...(flags.from !== undefined ? { from: flags.from } : {}),
      ...(flags.to !== undefined ? { to: flags.to } : {}),
      concurrency: flags.concurrency,
      versions: flags.versions ? versions : null,
    });
    for (const note of outcome.notes) io.stderr(`usr-readiness verify: ${note}\n`);
    if (outcome.problems.length === 0) {
      io.stdout(`${outcome.days} day(s) and ${outcome.files} file(s) verified\n`);
      return 0;
    }
    io.stdout(outcome.problems.map((p) => `${formatProblem(p)}\n`).join(''));
    if (!flags.quiet)
      io.stderr(
        `usr-readiness verify: ${outcome.problems.length} problem(s) in ${outcome.days} day(s) under ${reports.location}/reports/\n`,
      );
    return 1;
  } catch (error) {
    if (!inconclusive(error)) throw error;
    io.stderr(`usr-readiness verify: ${error.message}\n`);
    return 2;
  }
}

async function gate(flags: GateFlags, io: Io): Promise<number> {
  const { reports } = targets(flags);
  const now = flags.now !== undefined ? Date.parse(flags.now) : io.clock().getTime();
  try {
    const outcome = await runGate(reports, {
      now,
      maxAgeMs: flags['max-age'].ms,
      maxAge: flags['max-age'].text,
    });
    io.stdout(`${outcome.line}\n`);
    return outcome.verdict === 'go' ? 0 : 1;
  } catch (error) {
    if (!inconclusive(error)) throw error;
    io.stdout(`error: ${error.message}\n`);
    return 2;
  }
}

/** Runs `verify` or `gate` (or prints its help) and returns the exit code. */
export async function runIntegrity(command: IntegrityCommand, io: Io): Promise<number> {
  if ('help' in command) {
    io.stdout(INTEGRITY_HELP[command.command]);
    return 0;
  }
  return command.command === 'verify' ? verify(command.flags, io) : gate(command.flags, io);
}
