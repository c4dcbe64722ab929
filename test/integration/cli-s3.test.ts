/**
 * Spawns the real `usr-readiness` binary against S3 and SNS on loopback (fauxqs, through --endpoint-url):
 * exit codes, reports written to S3, alerts delivered to SNS, and a store that cannot be reached.
 */
import { DrillReportSchema, LedgerSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import type { CliRun, SubscribedQueue } from './support';
import {
  runCli,
  EXAMPLE_STORE,
  NOW,
  AUDIT_FILES,
  OUTPUT_FILES,
  REPORT_FILES,
  historyKeys,
  createBucket,
  createTopic,
  delivered,
  drain,
  endpoint,
  getJson,
  getObject,
  listKeys,
  receiveAlerts,
  s3Client,
  snsClient,
  sqsClient,
  subscribeQueue,
  uniqueName,
  uploadDirectory,
} from './support';

const s3 = s3Client();
const sns = snsClient();
const sqs = sqsClient();

afterAll(() => {
  s3.destroy();
  sns.destroy();
  sqs.destroy();
});

const run = runCli;

const awsFlags = (): string[] => ['--endpoint-url', endpoint(), '--region', 'us-east-1'];

describe('usr-readiness check against S3 and SNS', () => {
  const bucket = uniqueName('cli');
  let topicArn = '';
  let queue: SubscribedQueue;
  let first: CliRun;

  beforeAll(async () => {
    await createBucket(s3, bucket);
    await uploadDirectory(s3, bucket, 'store/', EXAMPLE_STORE);
    topicArn = await createTopic(sns, uniqueName('cli-alerts'));
    queue = await subscribeQueue(sns, sqs, topicArn, uniqueName('cli-all'));
    first = await run([
      'check',
      '--store',
      `s3://${bucket}/store`,
      '--out',
      `s3://${bucket}/out`,
      '--alerts',
      `sns:${topicArn}`,
      ...awsFlags(),
      '--now',
      NOW,
    ]);
  });

  it('exits 1 (no-go) on the example store and prints the table', () => {
    expect(first.stderr).toContain(
      `usr-readiness: reports written to s3://${bucket}/out (reports/2026-11-25/`,
    );
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^STATUS +BLOCKING +ROW/);
    expect(first.stdout).toContain('promotion: NO-GO for window cutover-2026-11');
    expect(first.stdout).toMatch(
      /^overdue \(waived W-2026-014 until 2026-12-04\) +yes +post-cutover-data-reconcile /m,
    );
    expect(first.stdout).toContain(`alerts: 10 published to sns:${topicArn}`);
  });

  it('writes the reports for the day and as latest under --out, the history, the ledger and the run lease, and nothing in the store', async () => {
    expect(await listKeys(s3, bucket, 'out/')).toEqual(
      [
        ...['2026-11-25', 'latest'].flatMap((folder) =>
          OUTPUT_FILES.map((file) => `out/reports/${folder}/${file}`),
        ),
        ...historyKeys('2026-11-25').map((key) => `out/${key}`),
        'out/state/alert-ledger.json',
        'out/state/run-lease.json',
      ].sort(),
    );
    expect((await listKeys(s3, bucket, 'store/')).filter((key) => !key.startsWith('store/drills/'))).toEqual([
      'store/policy/usr-operational-readiness-policy.json',
      'store/policy/waivers.json',
      'store/schedule/cutover-windows.json',
    ]);
    for (const file of REPORT_FILES) {
      const day = await getObject(s3, bucket, `out/reports/2026-11-25/${file}`);
      expect(day.contentType).toBe('application/json');
      expect((await getObject(s3, bucket, `out/reports/latest/${file}`)).text).toBe(day.text);
    }
    for (const [file, contentType] of Object.entries(AUDIT_FILES)) {
      const day = await getObject(s3, bucket, `out/reports/2026-11-25/${file}`);
      expect(day.contentType).toBe(contentType);
      expect((await getObject(s3, bucket, `out/reports/latest/${file}`)).text).toBe(day.text);
    }
    const history = await getObject(s3, bucket, 'out/history/date=2026-11-25/rows.jsonl');
    expect(history.contentType).toBe('application/x-ndjson');
    expect(history.text.trimEnd().split('\n')).toHaveLength(12);
    const validation = ValidationReportSchema.parse(
      await getJson(s3, bucket, 'out/reports/2026-11-25/usr-operational-readiness-validation.json'),
    );
    expect(validation.store).toBe(`s3://${bucket}/store`);
    expect(validation.promotion.decision).toBe('no-go');
    expect(validation.summary).toEqual({ rows: 12, blockingRows: 8, errors: 0, warnings: 0, waived: 1 });
    const rollback = DrillReportSchema.parse(
      await getJson(s3, bucket, 'out/reports/latest/usr-rollback-drill-report.json'),
    );
    expect(rollback.summary).toEqual({
      compliant: 5,
      'due-soon': 0,
      overdue: 1,
      'never-drilled': 0,
      'cutover-uncovered': 1,
    });
    const ledger = LedgerSchema.parse(await getJson(s3, bucket, 'out/state/alert-ledger.json'));
    expect(ledger.claims).toEqual([]);
  });

  it('publishes the alerts to SNS, and nothing again on a rerun the same day', async () => {
    const alerts = await receiveAlerts(sqs, queue, 10);
    expect(alerts).toHaveLength(10);
    expect(delivered(alerts)).toContain('overdue/incident-sev3-comms');
    expect(delivered(alerts)).toContain('cutover-uncovered/post-cutover-data-reconcile');
    expect(delivered(alerts)).not.toContain('overdue/post-cutover-data-reconcile');
    expect(delivered(alerts)).toContain('summary/_run');

    const rerun = await run([
      'check',
      '--store',
      `s3://${bucket}/store`,
      '--out',
      `s3://${bucket}/out`,
      '--alerts',
      `sns:${topicArn}`,
      ...awsFlags(),
      '--now',
      '2026-11-25T18:00:00Z',
      '--format',
      'json',
      '-q',
    ]);
    expect(rerun.code).toBe(1);
    expect(rerun.stderr).toBe('');
    const report = ValidationReportSchema.parse(JSON.parse(rerun.stdout));
    expect(report.alerts).toEqual({ sink: `sns:${topicArn}`, undelivered: [] });
    expect(await drain(sqs, queue)).toEqual([]);
  });

  it('exits 2 with one line naming the bucket when the store bucket does not exist', async () => {
    const missing = uniqueName('no-such-bucket');
    const result = await run(['check', '--store', `s3://${missing}/store`, ...awsFlags(), '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^usr-readiness check: s3://${missing}/store: bucket does not exist`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
