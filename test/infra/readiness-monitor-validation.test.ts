import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ReadinessMonitor } from '../../lib/readiness-monitor';
import type { ReadinessMonitorProps } from '../../lib/readiness-monitor';
import { errorOf, expectLowercaseStart, newApp } from './support';

/** Builds a monitor from `props` and returns the error message it is rejected with. */
function rejection(build: (stack: Stack) => ReadinessMonitorProps): string {
  const stack = new Stack(newApp(), 'TestStack');
  const message = errorOf(() => new ReadinessMonitor(stack, 'Monitor', build(stack)));
  expectLowercaseStart(message);
  return message;
}

const imported = (stack: Stack): s3.IBucket =>
  s3.Bucket.fromBucketName(stack, 'Imported', 'usr-evidence-prod');

describe('ReadinessMonitor props validation', () => {
  it('rejects Object Lock on an imported bucket, naming the bucket and the retention', () => {
    const message = rejection((stack) => ({
      evidenceBucket: imported(stack),
      objectLockRetention: Duration.days(90),
    }));
    expect(message).toContain('objectLockRetention (90 days)');
    expect(message).toContain("'usr-evidence-prod'");
  });

  it('rejects a non-current version retention on an imported bucket', () => {
    const message = rejection((stack) => ({
      evidenceBucket: imported(stack),
      noncurrentVersionRetention: Duration.days(30),
    }));
    expect(message).toContain('noncurrentVersionRetention (30 days)');
    expect(message).toContain("'usr-evidence-prod'");
  });

  it('rejects an Object Lock retention that is not whole days', () => {
    expect(rejection(() => ({ objectLockRetention: Duration.hours(36) }))).toContain(
      'objectLockRetention must be a whole number of days greater than zero, got 1 day 12 hours',
    );
  });

  it('rejects a warning period that is not shorter than the cadence', () => {
    expect(rejection(() => ({ cadence: Duration.days(7), warnBefore: Duration.days(7) }))).toContain(
      'warnBefore (7 days) must be shorter than cadence (7 days)',
    );
  });

  it('rejects a cadence that is not whole days', () => {
    expect(rejection(() => ({ cadence: Duration.hours(12) }))).toContain(
      'cadence must be a whole number of days greater than zero, got 12 hours',
    );
  });

  it.each([
    ['usr', "got 'usr'"],
    ['/usr/', "got '/usr/'"],
    ['us*r/', "got 'us*r/'"],
    ['usr//', "got 'usr//'"],
  ])('rejects the evidence prefix %j', (evidencePrefix, shown) => {
    const message = rejection(() => ({ evidencePrefix }));
    expect(message).toContain('evidencePrefix must be empty or a key prefix ending with');
    expect(message).toContain(shown);
  });

  it('rejects a reports prefix without a trailing slash', () => {
    expect(rejection(() => ({ reportsPrefix: 'reports' }))).toContain(
      "reportsPrefix must be empty or a key prefix ending with '/'",
    );
  });

  it('rejects a reports prefix inside an evidence folder, where reports would be read back as drills', () => {
    expect(rejection(() => ({ evidencePrefix: 'usr/', reportsPrefix: 'usr/drills/monitor/' }))).toBe(
      "reportsPrefix 'usr/drills/monitor/' lies inside the evidence folder 'usr/drills/': reports and the ledger would be read back as evidence",
    );
  });

  it('rejects a policy key outside policy/, where the function may not read', () => {
    expect(rejection(() => ({ policyKey: 'drills/policy.json' }))).toContain(
      "policyKey must be a key under 'policy/' relative to the evidence prefix (the function may only read there), got 'drills/policy.json'",
    );
  });

  it('rejects a waivers key outside policy/, where the function may not read', () => {
    expect(rejection(() => ({ waiversKey: 'state/waivers.json' }))).toBe(
      "waiversKey must be a key under 'policy/' relative to the evidence prefix (the function may only read there), got 'state/waivers.json'",
    );
  });

  it('rejects a waivers key that is the policy key', () => {
    expect(rejection(() => ({ policyKey: 'policy/p.json', waiversKey: 'policy/p.json' }))).toBe(
      "waiversKey must differ from policyKey: both are 'policy/p.json', and one document cannot be both",
    );
  });

  it('rejects a schedule key outside schedule/', () => {
    expect(rejection(() => ({ scheduleKey: 'cutover.json' }))).toContain("got 'cutover.json'");
  });

  it.each([
    [
      'a memory size of 64 MiB',
      { memorySize: 64 },
      'memorySize must be a whole number of MiB between 128 and 10240, got 64',
    ],
    [
      'a timeout of 20 minutes',
      { timeout: Duration.minutes(20) },
      'timeout must be whole seconds between 1 second and 15 minutes, got 20 minutes',
    ],
    ['a concurrency of 0', { concurrency: 0 }, 'concurrency must be a whole number between 1 and 256, got 0'],
    [
      'a maximum waiver duration of 36 hours',
      { maxWaiverDuration: Duration.hours(36) },
      'maxWaiverDuration must be a whole number of days greater than zero, got 1 day 12 hours',
    ],
    [
      'a maximum waiver duration of zero',
      { maxWaiverDuration: Duration.days(0) },
      'maxWaiverDuration must be a whole number of days greater than zero, got 0 days',
    ],
    [
      'a warning period of half a day',
      { warnBefore: Duration.hours(12) },
      'warnBefore must be a whole number of days zero or more, got 12 hours',
    ],
  ] as [string, ReadinessMonitorProps, string][])('rejects %s', (_name, props, expected) => {
    expect(rejection(() => props)).toBe(expected);
  });

  it('rejects an owner whose email is not an address', () => {
    expect(rejection(() => ({ owners: [{ email: 'ops-team' }] }))).toBe(
      "owners[0].email is not an email address: 'ops-team'",
    );
  });

  it('rejects an ops email that is not an address', () => {
    expect(rejection(() => ({ opsEmails: ['oncall@example.com', 'pager'] }))).toBe(
      "opsEmails[1] is not an email address: 'pager'",
    );
  });

  it('rejects an empty filter list, which SNS would never match', () => {
    expect(rejection(() => ({ owners: [{ email: 'a@example.com', roles: [] }] }))).toContain(
      'owners[0].roles must list at least one non-empty value (omit it to receive all), got []',
    );
  });

  it('rejects alert types the monitor never publishes', () => {
    expect(
      rejection(() => ({ owners: [{ email: 'a@example.com', alertTypes: ['overdue', 'late'] }] })),
    ).toContain('owners[0].alertTypes has unknown alert types ["late"]');
  });

  it('rejects a filter with more value combinations than SNS allows', () => {
    const many = (prefix: string): string[] => Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`);
    expect(
      rejection(() => ({
        owners: [
          { email: 'a@example.com' },
          {
            email: 'b@example.com',
            roles: many('role'),
            runbookIds: many('rb'),
            severityClasses: many('sev'),
          },
        ],
      })),
    ).toBe('owners[1] (b@example.com) filter has 216 value combinations; sns allows at most 150');
  });

  it('rejects RemovalPolicy.SNAPSHOT, which no bucket, key or log group supports', () => {
    expect(rejection(() => ({ removalPolicy: RemovalPolicy.SNAPSHOT }))).toBe(
      'removalPolicy snapshot is not supported by the buckets, keys and log group the monitor creates; use retain, retain-on-update-or-delete or destroy',
    );
  });
});
