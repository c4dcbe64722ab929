import {
  GetBucketVersioningCommand,
  ListObjectVersionsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { S3VersionSource } from '../../lambdas/adapters/s3-versions';
import { verifyReports } from '../../lambdas/verify';
import { formatProblem } from '../../lambdas/core/verify-chain';
import { MemoryReportSink } from '../fixtures/core/memory-store';
import { runAt, writeDays } from '../fixtures/core/chain';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const source = new S3VersionSource({ client, bucket: 'reports', prefix: 'usr/' });

beforeEach(() => {
  s3.reset();
});

describe('S3VersionSource', () => {
  it.each([
    ['Enabled' as const, 'enabled'],
    ['Suspended' as const, 'suspended'],
    [undefined, 'off'],
  ])('reads versioning status %s as %s', async (Status, expected) => {
    s3.on(GetBucketVersioningCommand).resolves(Status === undefined ? {} : { Status });
    expect(await source.versioning()).toBe(expected);
  });

  it('lists every version and delete marker across pages, keys relative to the prefix', async () => {
    const at = new Date('2026-11-24T06:00:00Z');
    s3.on(ListObjectVersionsCommand, { Prefix: 'usr/reports/', KeyMarker: undefined })
      .resolves({
        Versions: [{ Key: 'usr/reports/2026-11-24/a.json', VersionId: 'v1', LastModified: at }],
        IsTruncated: true,
        NextKeyMarker: 'usr/reports/2026-11-24/a.json',
        NextVersionIdMarker: 'v1',
      })
      .on(ListObjectVersionsCommand, { KeyMarker: 'usr/reports/2026-11-24/a.json', VersionIdMarker: 'v1' })
      .resolves({
        Versions: [{ Key: 'usr/reports/2026-11-24/a.json', VersionId: 'v0', LastModified: at }],
        DeleteMarkers: [{ Key: 'usr/reports/2026-11-24/b.json', VersionId: 'd1', LastModified: at }],
        IsTruncated: false,
      });

    expect(await source.listVersions('reports/')).toEqual([
      {
        key: 'reports/2026-11-24/a.json',
        versionId: 'v1',
        lastModified: at.toISOString(),
        deleteMarker: false,
      },
      {
        key: 'reports/2026-11-24/a.json',
        versionId: 'v0',
        lastModified: at.toISOString(),
        deleteMarker: false,
      },
      {
        key: 'reports/2026-11-24/b.json',
        versionId: 'd1',
        lastModified: at.toISOString(),
        deleteMarker: true,
      },
    ]);
    expect(s3).toHaveReceivedCommandTimes(ListObjectVersionsCommand, 2);
  });

  it('throws StoreUnreachableError naming the bucket when versions cannot be listed', async () => {
    s3.on(ListObjectVersionsCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } }),
    );
    await expect(source.listVersions('reports/')).rejects.toMatchObject({
      name: 'StoreUnreachableError',
      message: expect.stringContaining(
        'cannot list the versions of s3://reports/usr/reports/: access denied',
      ),
    });
  });
});

describe('verifyReports with versions', () => {
  it('reports a day rewritten after that day as overwritten, and records the versions S3 gave in the manifest', async () => {
    const reports = new MemoryReportSink();
    await writeDays(reports, ['2026-11-24', '2026-11-25']);
    s3.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled' });
    const written = new Date(runAt('2026-11-24'));
    const later = new Date(runAt('2026-11-25'));
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        {
          Key: 'usr/reports/2026-11-24/usr-rollback-drill-report.json',
          VersionId: 'v2',
          LastModified: later,
        },
        {
          Key: 'usr/reports/2026-11-24/usr-rollback-drill-report.json',
          VersionId: 'v1',
          LastModified: written,
        },
        { Key: 'usr/reports/latest/usr-rollback-drill-report.json', VersionId: 'l2', LastModified: later },
        { Key: 'usr/reports/latest/usr-rollback-drill-report.json', VersionId: 'l1', LastModified: written },
      ],
    });

    const outcome = await verifyReports(reports, { concurrency: 2, versions: source });

    expect(outcome.problems.map(formatProblem)).toEqual([
      '2026-11-24 overwritten usr-rollback-drill-report.json',
    ]);
    expect(outcome.notes).toEqual([]);
  });

  it('says --versions is not applicable on a bucket that was never versioned', async () => {
    const reports = new MemoryReportSink();
    await writeDays(reports, ['2026-11-25']);
    s3.on(GetBucketVersioningCommand).resolves({});

    const outcome = await verifyReports(reports, { concurrency: 1, versions: source });

    expect(outcome.problems).toEqual([]);
    expect(outcome.notes).toEqual([
      '--versions: not applicable, s3://reports/usr has never been versioned (no earlier versions to find)',
    ]);
    expect(s3).not.toHaveReceivedCommand(ListObjectVersionsCommand);
  });
});
