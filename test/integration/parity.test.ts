/**
 * Parity of the two evidence stores: the same store evaluated from a directory (FsEvidenceStore) and from S3
 * on loopback (S3EvidenceStore) through `runMonitor` gives the same reports, rows, summary and alerts, apart
 * from where the evidence came from (store location, ETag, versionId, LastModified/mtime) and `generatedAt`.
 */
import { FsEvidenceStore } from '../../lambdas/adapters/fs-store';
import { S3EvidenceStore } from '../../lambdas/adapters/s3-store';
import type { RunResult } from '../../lambdas/monitor';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';
import type { EvidenceStore } from '../../lambdas/ports';
import { StoreBuilder, drillFor, row } from '../fixtures/store-builder';
import {
  EXAMPLE_STORE,
  MemoryLedgerStore,
  MemoryReportSink,
  NOW,
  MemoryAlertSink,
  recordListings,
  createBucket,
  s3Client,
  uniqueName,
  uploadDirectory,
} from './support';
import type { RecordedListing } from './support';

const HOUR = 3_600_000;
const s3 = s3Client();
const bucket = uniqueName('parity');

beforeAll(async () => {
  await createBucket(s3, bucket);
});

afterAll(() => {
  s3.destroy();
});

/** `base` minus `hours`, as an ISO instant without milliseconds. */
const hoursBefore = (base: string, hours: number): string =>
  new Date(Date.parse(base) - hours * HOUR).toISOString().replace('.000Z', 'Z');

/**
 * 4 rows with long, mixed histories: passes, failures with and without remediation, slow drills, runbook
 * drift, an unparseable and a misfiled artifact, a nonconforming key name, a row whose last success is older
 * than the recent listing (so the older history is listed too), and a row with more than 1,000 older drills
 * (so that listing takes more than one S3 page).
 */
function longHistoryStore(): StoreBuilder {
  const incident = row({ id: 'incident-long' });
  const rollback = row({ id: 'rollback-long', phase: 'cutover', severityClass: 'sev2' });
  const history = row({
    id: 'post-cutover-history',
    phase: 'post-cutover',
    blocking: false,
    severityClass: 'sev3',
  });
  const flood = row({ id: 'incident-flood', blocking: false, severityClass: 'sev3' });
  const store = new StoreBuilder()
    .policy([incident, rollback, history, flood], {
      policyVersion: 'parity-1',
      runbooks: Object.fromEntries(
        [incident, rollback, history, flood].map((r) => [r.runbookId, { version: '1.0.0' }]),
      ),
    })
    .schedule([
      { id: 'w-2026-10', startsAt: '2026-10-20T22:00:00Z', endsAt: '2026-10-21T04:00:00Z' },
      { id: 'w-2026-11', startsAt: '2026-11-24T22:00:00Z', endsAt: '2026-11-26T04:00:00Z' },
      { id: 'w-2026-12', startsAt: '2026-12-15T22:00:00Z', endsAt: '2026-12-16T04:00:00Z' },
    ]);

  const waiver = (id: string, rowId: string, codes: string[]) => ({
    id,
    rowId,
    codes,
    reason: 'parity',
    approvedBy: 'approver@example.com',
    approvedAt: '2026-11-20T00:00:00Z',
    expiresAt: '2026-11-30T00:00:00Z',
  });
  store.json('policy/waivers.json', {
    schemaVersion: 'usr-readiness-waivers/v1',
    waivers: [
      waiver('W-active', 'rollback-long', ['cutover-uncovered', 'remediation-missing']),
      waiver('W-invalid', 'incident-long', ['evidence-invalid']),
      waiver('W-unknown', 'no-such-row', ['overdue']),
    ],
  });

  for (let i = 0; i < 40; i++) {
    const completedAt = hoursBefore('2026-11-24T10:00:00Z', 72 * i);
    const variants: Record<string, unknown>[] = [
      { outcome: 'fail', remediation: { owner: 'ops', eta: '2026-12-01' } },
      { outcome: 'fail' },
      { responseMinutes: 99 },
      { runbookVersion: '0.9.0' },
      {},
    ];
    store.drill(incident, completedAt, { drillId: `incident-long-${i}`, ...variants[i % 5] });
  }
  store
    .file('drills/incident-long/20261121T080000Z-broken.json', '{ "schemaVersion": "usr-drill-evidence/v1", ')
    .json('drills/incident-long/20261122T080000Z-misfiled.json', {
      schemaVersion: 'usr-drill-evidence/v1',
      drillId: 'misfiled',
      rowId: 'rollback-long',
      drillType: 'rollback',
      runbookId: 'rb-rollback-long',
      outcome: 'pass',
      completedAt: '2026-11-22T08:00:00Z',
    });

  for (let i = 0; i < 40; i++) {
    const completedAt = hoursBefore('2026-11-23T02:00:00Z', 48 * i);
    const extra = i % 3 === 0 ? { outcome: 'fail' } : i % 4 === 0 ? { recoveryMinutes: 120 } : {};
    store.drill(rollback, completedAt, { drillId: `rollback-long-${i}`, ...extra });
  }
  store.json(
    'drills/rollback-long/manual-upload-rollback.json',
    drillFor(rollback, '2026-11-20T05:00:00Z', { drillId: 'manual-upload' }),
  );

  for (let i = 0; i < 40; i++) {
    const completedAt = hoursBefore('2026-11-24T12:00:00Z', 24 * i);
    store.drill(history, completedAt, { drillId: `history-${i}`, ...(i < 35 ? { outcome: 'fail' } : {}) });
  }

  for (let i = 0; i < 20; i++)
    store.drill(flood, hoursBefore('2026-11-24T00:00:00Z', 24 * i), {
      drillId: `flood-fail-${i}`,
      outcome: 'fail',
    });
  // Half-hourly, so that all 1,100 fall in the row's first listing (the recent part and the cadence before it).
  for (let i = 0; i < 1_100; i++)
    store.drill(flood, hoursBefore('2026-10-24T23:00:00Z', i / 2), { drillId: `flood-${i}` });
  return store;
}

async function evaluate(store: EvidenceStore): Promise<RunResult> {
  return runMonitor(
    {
      store,
      reports: new MemoryReportSink(),
      alerts: { sink: new MemoryAlertSink(), ledger: new MemoryLedgerStore() },
      now: new Date(NOW),
      clock: () => new Date(),
    },
    {
      policyKey: DEFAULT_POLICY_KEY,
      scheduleKey: DEFAULT_SCHEDULE_KEY,
      parameters: { cadenceDays: 30, warnDays: 7 },
      concurrency: 4,
    },
  );
}

/** Source metadata that legitimately differs between a directory and a bucket, and the wall-clock time. */
const SOURCE_FIELDS = new Set(['generatedAt', 'store', 'etag', 'versionId', 'lastModified']);

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      SOURCE_FIELDS.has(key) ? '<source>' : normalise(child),
    ]),
  );
}

const comparable = (result: RunResult) =>
  normalise({ reports: result.reports, rows: result.rows, summary: result.summary, alerts: result.alerts });

/** What each store is meant to exercise, so that parity is checked on more than trivial cases. */
type Coverage = (fromS3: RunResult, listings: readonly RecordedListing[]) => void;

const statusesOf = (result: RunResult): string[] =>
  [
    ...new Set([...result.reports.incident.rows, ...result.reports.rollback.rows].map((r) => r.status)),
  ].sort();
const codesOf = (result: RunResult): string[] =>
  [
    ...new Set(
      [...result.reports.incident.rows, ...result.reports.rollback.rows].flatMap((r) =>
        r.findings.map((f) => f.code),
      ),
    ),
  ].sort();
const lastSuccessOf = (result: RunResult, rowId: string): string | undefined =>
  [...result.reports.incident.rows, ...result.reports.rollback.rows].find((r) => r.rowId === rowId)
    ?.lastSuccess?.key;

const exampleCoverage: Coverage = (fromS3) => {
  expect(statusesOf(fromS3)).toEqual([
    'compliant',
    'cutover-uncovered',
    'due-soon',
    'never-drilled',
    'overdue',
  ]);
  expect(codesOf(fromS3)).toEqual(
    expect.arrayContaining(['evidence-key-nonconforming', 'remediation-missing']),
  );
  // The waivers file: one active waiver (a waived blocker, a waived finding, a silent problem) and one expired.
  const validation = fromS3.reports.validation;
  expect(validation.waivers.map((w) => w.state)).toEqual(['expired', 'active']);
  expect(validation.promotion.waived.map((w) => w.waiverId)).toEqual(['W-2026-014']);
  const waivedFindings = fromS3.rows.flatMap((r) =>
    r.report.findings.filter((f) => f.waivedBy !== undefined),
  );
  expect(waivedFindings.map((f) => f.code)).toEqual(['overdue']);
  expect(fromS3.alerts.map((a) => a.id)).not.toContainEqual(
    expect.stringContaining('/overdue/post-cutover-data-reconcile'),
  );
};

const longCoverage: Coverage = (fromS3, listings) => {
  expect(codesOf(fromS3)).toEqual(
    expect.arrayContaining([
      'cutover-uncovered',
      'evidence-invalid',
      'evidence-key-nonconforming',
      'overdue',
      'remediation-missing',
    ]),
  );
  // Found in the older history only, read when the recent part holds no success; incident-flood's first
  // listing (the recent part and the cadence before it) spans two S3 pages.
  expect(lastSuccessOf(fromS3, 'post-cutover-history')).toBe(
    'drills/post-cutover-history/20261020T120000Z-history-35.json',
  );
  expect(lastSuccessOf(fromS3, 'incident-flood')).toBe('drills/incident-flood/20261024T230000Z-flood-0.json');
  expect(listings).toContainEqual({ prefix: 'long/drills/incident-flood/', continued: true });
  const validation = fromS3.reports.validation;
  expect(validation.waivers.map((w) => `${w.id ?? ''}:${w.state}`)).toEqual([
    'W-active:active',
    'W-invalid:invalid',
    'W-unknown:invalid',
  ]);
  expect(validation.findings.map((f) => f.code)).toEqual(['waiver-invalid', 'waiver-unknown-row']);
  expect(validation.promotion.waived.map((w) => `${w.code}/${w.rowId ?? ''}`)).toEqual([
    'remediation-missing/rollback-long',
  ]);
};

describe.each([
  ['the example store', 'example/', () => EXAMPLE_STORE, exampleCoverage],
  [
    'a generated store with long histories (4 rows, 1,243 drills)',
    'long/',
    () => longHistoryStore().root,
    longCoverage,
  ],
])('parity of the directory and S3 stores on %s', (_name, prefix, makeDir, coverage) => {
  const client = s3Client();
  const listings = recordListings(client);
  let fromDir: RunResult;
  let fromS3: RunResult;

  beforeAll(async () => {
    const dir = makeDir();
    await uploadDirectory(s3, bucket, prefix, dir);
    fromDir = await evaluate(new FsEvidenceStore(dir));
    fromS3 = await evaluate(new S3EvidenceStore({ client, bucket, prefix, concurrency: 8 }));
  });

  afterAll(() => client.destroy());

  it('gives identical reports, rows, summary and alerts apart from source metadata', () => {
    expect(comparable(fromS3)).toEqual(comparable(fromDir));
  });

  it('exercises what the store is meant to (statuses, findings, listings)', () => {
    coverage(fromS3, listings);
  });

  it('carries each side’s own source metadata: S3 ETags and location, none for the directory', () => {
    expect(fromS3.reports.validation.store).toBe(`s3://${bucket}/${prefix.replace(/\/$/, '')}`);
    expect(fromS3.reports.validation.policySource.etag).toMatch(/^[0-9a-f]{32}$/);
    expect(fromDir.reports.validation.policySource.etag).toBeNull();
    const consumed = fromS3.reports.validation.promotion.consumedEvidence;
    expect(consumed.length).toBeGreaterThan(0);
    for (const evidence of consumed) expect(evidence.etag).toMatch(/^[0-9a-f]{32}$/);
    for (const evidence of fromDir.reports.validation.promotion.consumedEvidence)
      expect(evidence.etag).toBeNull();
  });
});
