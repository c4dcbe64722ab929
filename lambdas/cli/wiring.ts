/** Builds the adapters a `check` run needs from its flags: a directory or `s3://…` store, sinks and ledger. */
import * as path from 'node:path';
import { JsonlAlertSink, StreamAlertSink } from '../adapters/console-alerts';
import { withDeadline } from '../adapters/deadline';
import { FsEvidenceStore, FsLedgerStore, FsReportSink } from '../adapters/fs-store';
import { pseudoFileSystemOf } from '../adapters/fs-write';
import { LEDGER_KEY, READ_DEADLINE_MS, RUN_LEASE_KEY } from '../constants';
import type { AlertSink, EvidenceStore, LedgerStore, ReportSink } from '../ports';
import type { CheckFlags } from './args';
import { UsageError, clientOptions, isS3 } from './flags';
import type * as AwsWiringModule from './wiring-aws';

export interface Targets {
  readonly store: EvidenceStore;
  readonly reports: ReportSink;
  readonly alerts: { readonly sink: AlertSink; readonly ledger: LedgerStore } | null;
  /** The run lease under the state root: one evaluation of the store at a time. */
  readonly lease: LedgerStore;
}

type AwsWiring = typeof AwsWiringModule;

/** Loads the AWS SDK and its adapters on first use only (a synchronous require keeps CommonJS, tsx and jest happy). */
function loadAwsWiring(): AwsWiring {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./wiring-aws') as AwsWiring;
}

export function buildTargets(flags: CheckFlags, print: (line: string) => void): Targets {
  const out = flags.out ?? flags.store;
  const stateRoot = flags.state ?? out;
  const needsAws = isS3(flags.store) || isS3(out) || isS3(stateRoot) || flags.alerts?.kind === 'sns';
  // The AWS SDK is loaded only when a flag needs it, so local runs start fast.
  const aws = needsAws ? loadAwsWiring() : null;
  const options = clientOptions(flags);

  const store: EvidenceStore =
    aws && isS3(flags.store)
      ? aws.s3Store(flags.store, options, flags.concurrency)
      : new FsEvidenceStore(flags.store);
  const reports: ReportSink = aws && isS3(out) ? aws.s3Reports(out, options) : new FsReportSink(out);

  const stateStore = (key: string, label: string): LedgerStore =>
    aws && isS3(stateRoot)
      ? aws.s3Ledger(stateRoot, key, options, label)
      : new FsLedgerStore(path.resolve(stateRoot), key, { label });
  const lease = stateStore(RUN_LEASE_KEY, 'run lease');
  let alerts: Targets['alerts'] = null;
  if (flags.alerts) {
    const ledger = stateStore(LEDGER_KEY, 'alert ledger');
    const sink: AlertSink =
      flags.alerts.kind === 'stdout'
        ? new StreamAlertSink(print)
        : flags.alerts.kind === 'jsonl'
          ? new JsonlAlertSink(flags.alerts.file)
          : aws
            ? aws.snsSink(flags.alerts.topicArn, options)
            : (() => {
                throw new Error('unreachable: sns without the AWS wiring');
              })();
    alerts = { sink, ledger };
  }
  return { store, reports, alerts, lease };
}

/** Refuses a local target on a kernel pseudo file system (procfs, sysfs, …): `what` names the flag. */
async function refusePseudo(what: string, target: string): Promise<void> {
  const pseudo = await withDeadline(`checking ${target}`, READ_DEADLINE_MS, () => pseudoFileSystemOf(target));
  if (pseudo)
    throw new UsageError(
      `${what}: ${pseudo.folder} is on ${pseudo.type}, a kernel file system that cannot hold files`,
    );
}

/**
 * Refuses, before the run reads anything, a local output root or JSON-lines alert file on procfs, sysfs or
 * another kernel pseudo file system: nothing can be written there (and `mkdir -p` spins for ever on procfs
 * under Node 20), so it is bad usage, said in one line.
 */
export async function refuseUnusableOutputs(flags: CheckFlags): Promise<void> {
  const out = flags.out ?? flags.store;
  if (!isS3(out)) await refusePseudo(flags.out ? `--out ${out}` : `--store ${out} (the output root)`, out);
  if (flags.state && !isS3(flags.state)) await refusePseudo(`--state ${flags.state}`, flags.state);
  if (flags.alerts?.kind === 'jsonl')
    await refusePseudo(`--alerts jsonl:${flags.alerts.file}`, flags.alerts.file);
}
