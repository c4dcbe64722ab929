/**
 * A drill under a nonconforming key is ordered by its LastModified, i.e. when it was uploaded, which is
 * always later than the drill itself. Uploading an old drill that way must not hide the newer drills of the
 * row: the latest success is the one with the latest `completedAt` (docs/rules.md), and a newer failed drill of
 * a blocking row without remediation blocks promotion.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { S3EvidenceStore } from '../../lambdas/adapters/s3-store';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY, runMonitor } from '../../lambdas/monitor';
import { StoreBuilder, drillFor, drillKey, row } from '../fixtures/store-builder';
import { MemoryReportSink, NOW, createBucket, s3Client, uniqueName, uploadDirectory } from './support';

const s3 = s3Client();
afterAll(() => s3.destroy());

describe('S3EvidenceStore + runMonitor with a late-uploaded drill under a nonconforming key', () => {
  const bucket = uniqueName('order');
  const incident = row({ id: 'incident-a' });
  const rollback = row({ id: 'rollback-a', phase: 'cutover' });

  it('still reads the newer drills: latest success 2026-11-21, and the unremediated failure of 2026-11-23 blocks', async () => {
    const store = new StoreBuilder()
      .policy([incident, rollback])
      .drill(incident, '2026-11-20T10:00:00Z')
      .drill(rollback, '2026-11-21T02:00:00Z', { drillId: 'pass-1121' })
      .drill(rollback, '2026-11-23T02:00:00Z', { drillId: 'fail-1123', outcome: 'fail' });
    await createBucket(s3, bucket);
    await uploadDirectory(s3, bucket, '', store.root);
    // Uploaded last: its LastModified (now) is later than every drill key's timestamp.
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'drills/rollback-a/manual-upload.json',
        Body: JSON.stringify(drillFor(rollback, '2026-11-20T05:00:00Z', { drillId: 'manual' })),
        ContentType: 'application/json',
      }),
    );

    const result = await runMonitor(
      {
        store: new S3EvidenceStore({ client: s3, bucket, prefix: '' }),
        reports: new MemoryReportSink(),
        alerts: null,
        now: new Date(NOW),
        clock: () => new Date(NOW),
      },
      {
        policyKey: DEFAULT_POLICY_KEY,
        scheduleKey: DEFAULT_SCHEDULE_KEY,
        parameters: { cadenceDays: 30, warnDays: 7 },
        concurrency: 2,
      },
    );

    const report = result.reports.rollback.rows.find((r) => r.rowId === 'rollback-a');
    expect(report?.lastSuccess?.key).toBe(drillKey('rollback-a', '2026-11-21T02:00:00Z', 'pass-1121'));
    expect(report?.findings.map((f) => f.code).sort()).toEqual([
      'evidence-key-nonconforming',
      'remediation-missing',
    ]);
    expect(result.reports.validation.promotion.decision).toBe('no-go');
    expect(result.reports.validation.promotion.blockers.map((b) => `${b.code}/${b.rowId ?? ''}`)).toEqual([
      'remediation-missing/rollback-a',
    ]);
  });
});
