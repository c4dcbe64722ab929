/**
 * `usr-readiness verify` and the Lambda's chain check (docs/integrity.md): lists `reports/` once, reads every manifest
 * and every file it lists once, and lets the core judge the seals and links. With a version source (a versioned
 * S3 bucket), earlier versions of a day's files are checked too.
 */
import { mapConcurrent } from './run-helpers';
import { CHAIN_TIP_DAYS, SAME_DAY_REWRITE_GRACE_MS } from './constants';
import { LATEST, REPORTS_FOLDER, groupReportKeys } from './core/manifest';
import type { ChainReport, DayRange, ObjectVersion, Problem, VerificationPlan } from './core/verify-chain';
import {
  formatProblem,
  overwriteProblems,
  planVerification,
  sortProblems,
  verifyChain,
} from './core/verify-chain';
import { manifestDigest, observeFolder } from './integrity-read';
import type { ReportSink } from './ports';

/** Where the earlier versions of objects come from (S3's ListObjectVersions). */
export interface VersionSource {
  readonly location: string;
  /** `off` for a bucket that was never versioned (nothing to check). */
  versioning(): Promise<'enabled' | 'suspended' | 'off'>;
  /** Every version and delete marker under `prefix`, keys relative to the output root. */
  listVersions(prefix: string): Promise<readonly ObjectVersion[]>;
}

export interface VerifyOptions extends DayRange {
  /** Days read at once. */
  readonly concurrency: number;
  /** Also check for earlier versions (`--versions`). */
  readonly versions?: VersionSource | null;
}

export interface VerifyOutcome extends ChainReport {
  /** What could not be checked, for people (e.g. versioning off). */
  readonly notes: readonly string[];
}

/** Nothing in the range: not "intact", an error (a wrong --out or prefix, or a range with no day). */
export class NothingToVerifyError extends Error {
  override readonly name = 'NothingToVerifyError';
}

function describeRange(range: DayRange): string {
  if (range.from === undefined && range.to === undefined) return '';
  return ` from ${range.from ?? 'the first day'} to ${range.to ?? 'the last day'}`;
}

/** Recomputes every digest and link of the days in the range (and of `latest/` when the range holds its day). */
export async function verifyReports(reports: ReportSink, options: VerifyOptions): Promise<VerifyOutcome> {
  const listed = await reports.list(REPORTS_FOLDER);
  const folders = groupReportKeys(listed.map((o) => o.key));
  const plan = planVerification(folders, options);
  if (plan.days.length === 0)
    throw new NothingToVerifyError(
      `no day of reports under ${reports.location}/${REPORTS_FOLDER}${describeRange(options)}`,
    );
  const days = await mapConcurrent(plan.days, options.concurrency, async (date) => {
    const observed = await observeFolder(reports, date, folders.days.get(date) ?? []);
    return observed.observation;
  });
  const before = plan.before === null ? null : await manifestDigest(reports, plan.before);
  const latest = plan.checkLatest
    ? (await observeFolder(reports, LATEST, folders.latest ?? [])).observation
    : null;
  const chain = verifyChain({ days, before, latest, newest: plan.newest });
  const versions = options.versions ? await versionProblems(options.versions, plan) : null;
  return {
    ...chain,
    problems: versions ? sortProblems([...chain.problems, ...versions.problems]) : chain.problems,
    notes: versions?.notes ?? [],
  };
}

async function versionProblems(
  source: VersionSource,
  plan: VerificationPlan,
): Promise<{ problems: Problem[]; notes: string[] }> {
  if ((await source.versioning()) === 'off')
    return {
      problems: [],
      notes: [
        `--versions: not applicable, ${source.location} has never been versioned (no earlier versions to find)`,
      ],
    };
  const days = new Set(plan.days);
  const versions = await source.listVersions(REPORTS_FOLDER);
  return {
    problems: overwriteProblems(versions, (date) => days.has(date), SAME_DAY_REWRITE_GRACE_MS),
    notes: [],
  };
}

/**
 * The Lambda's cheap check after a run: the newest `CHAIN_TIP_DAYS` days (their files, their links, the link
 * into them) and `latest/`. An output root without any day yet is intact.
 */
export async function checkChainTip(
  reports: ReportSink,
  concurrency: number,
): Promise<{ readonly broken: boolean; readonly problems: readonly string[] }> {
  try {
    const outcome = await verifyReports(reports, { lastDays: CHAIN_TIP_DAYS, concurrency });
    return {
      broken: outcome.problems.length > 0,
      problems: outcome.problems.map(formatProblem),
    };
  } catch (error) {
    if (error instanceof NothingToVerifyError) return { broken: false, problems: [] };
    throw error;
  }
}
