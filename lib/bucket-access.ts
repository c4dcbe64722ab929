/** Where the monitor's files live in the evidence bucket, as resolved from the props. */
export interface StorePaths {
  readonly evidencePrefix: string;
  readonly reportsPrefix: string;
  readonly policyKey: string;
  readonly scheduleKey: string;
  /** The waivers document, under `policy/` (listing there is the policy's grant). */
  readonly waiversKey: string;
}

/**
 * What the daily-check function may do in the evidence bucket, as key patterns from the bucket root.
 * The function role's S3 statements and their cdk-nag acknowledgements are derived from it.
 */
export interface BucketAccess {
  /** `s3:prefix` patterns the function may list; listing also makes S3 answer 404 (not 403) for a missing key. */
  readonly list: readonly string[];
  /** Keys and key patterns the function may read (`s3:GetObject`). */
  readonly read: readonly string[];
  /** Key patterns the function may write (`s3:PutObject`). */
  readonly write: readonly string[];
  /** Why each wildcard pattern of `read` and `write` is needed: the reason of its cdk-nag acknowledgement. */
  readonly wildcardReasons: Readonly<Record<string, string>>;
}

/** One folder's share of the access; a new folder (e.g. `history/`) is one more grant in `GRANTS`. */
type Grant = (paths: StorePaths) => Partial<BucketAccess>;

function policyRead({ evidencePrefix: ep, policyKey }: StorePaths): Partial<BucketAccess> {
  return { list: [`${ep}policy/*`], read: [`${ep}${policyKey}`] };
}

function waiversRead({ evidencePrefix: ep, waiversKey }: StorePaths): Partial<BucketAccess> {
  return { list: [`${ep}policy/*`], read: [`${ep}${waiversKey}`] };
}

function scheduleRead({ evidencePrefix: ep, scheduleKey }: StorePaths): Partial<BucketAccess> {
  return { list: [`${ep}schedule/*`], read: [`${ep}${scheduleKey}`] };
}

function drillsRead({ evidencePrefix: ep }: StorePaths): Partial<BucketAccess> {
  const pattern = `${ep}drills/*`;
  return {
    list: [pattern],
    read: [pattern],
    wildcardReasons: {
      [pattern]: `s3:GetObject covers the drill evidence under '${ep}drills/' only: artifact keys are drills/<rowId>/<timestamp>-<drillId>.json, new ones arrive with every drill`,
    },
  };
}

function reportsReadWrite({ reportsPrefix: rp }: StorePaths): Partial<BucketAccess> {
  const pattern = `${rp}reports/*`;
  return {
    list: [pattern],
    read: [pattern],
    write: [pattern],
    wildcardReasons: {
      [pattern]: `the reports under '${rp}reports/' only: each run writes reports/<date>/ and reports/latest/ files named by the run date (s3:PutObject), and reads back latest/ and the earlier days' manifests it links to and verifies (s3:ListBucket, s3:GetObject)`,
    },
  };
}

function ledgerReadWrite({ reportsPrefix: rp }: StorePaths): Partial<BucketAccess> {
  const pattern = `${rp}state/*`;
  return {
    list: [pattern],
    read: [pattern],
    write: [pattern],
    wildcardReasons: {
      [pattern]: `the alert ledger under '${rp}state/' is read (s3:GetObject) and conditionally rewritten (s3:PutObject with If-Match / If-None-Match); its file names belong to the handler`,
    },
  };
}

function historyReadWrite({ reportsPrefix: rp }: StorePaths): Partial<BucketAccess> {
  const pattern = `${rp}history/*`;
  return {
    list: [pattern],
    read: [pattern],
    write: [pattern],
    wildcardReasons: {
      [pattern]: `the compliance history under '${rp}history/' is listed and read back (s3:ListBucket, s3:GetObject: the earlier days of the report's changes and 90-day strips) and written once a day (s3:PutObject, history/date=<date>/rows.jsonl), keys named by the run date`,
    },
  };
}

/** In statement order: the order of the resources in each S3 statement follows it. */
const GRANTS: readonly Grant[] = [
  policyRead,
  scheduleRead,
  drillsRead,
  reportsReadWrite,
  ledgerReadWrite,
  historyReadWrite,
  waiversRead,
];

/**
 * The grants on the output root that a separate reports bucket takes over (`reportsBucket`): `reports/` and the
 * compliance history `history/`. The ledger `state/` stays with the evidence.
 */
const OUT_ROOT_GRANTS: ReadonlySet<Grant> = new Set([reportsReadWrite, historyReadWrite]);

/** Which grants: all of them (one bucket), those of the evidence bucket, or those of a separate reports bucket. */
export type GrantScope = 'all' | 'store' | 'out';

/** The union of the grants in `scope`, each list without duplicates, in grant order. */
export function bucketAccessOf(paths: StorePaths, scope: GrantScope = 'all'): BucketAccess {
  const chosen = GRANTS.filter(
    (grant) => scope === 'all' || OUT_ROOT_GRANTS.has(grant) === (scope === 'out'),
  );
  const parts = chosen.map((grant) => grant(paths));
  const union = (field: 'list' | 'read' | 'write'): string[] => [
    ...new Set(parts.flatMap((part) => part[field] ?? [])),
  ];
  const wildcardReasons: Record<string, string> = {};
  for (const part of parts) Object.assign(wildcardReasons, part.wildcardReasons);
  return { list: union('list'), read: union('read'), write: union('write'), wildcardReasons };
}
