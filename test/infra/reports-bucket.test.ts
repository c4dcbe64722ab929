/** The optional reports bucket (Object Lock, COMPLIANCE mode) and the ChainBroken alarm. */
import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ReadinessMonitor } from '../../lib/readiness-monitor';
import type { ReadinessMonitorProps } from '../../lib/readiness-monitor';
import { ReadinessMonitorStack } from '../../lib/readiness-monitor-stack';
import type { MonitorFixture } from './support';
import { arnJoin, errorOf, expectLowercaseStart, getAtt, monitorFixture, newApp, ref } from './support';

const REGION = { Ref: 'AWS::Region' };

function statements(fixture: MonitorFixture, fn = fixture.monitor.lambdaFunction): Record<string, unknown>[] {
  const policies = fixture.template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [ref(fn.role!)] },
  });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
        .PolicyDocument.Statement,
  );
}

const bySid = (fixture: MonitorFixture, sid: string) => statements(fixture).find((s) => s['Sid'] === sid);

describe('ChainBrokenAlarm', () => {
  it('alarms on ChainBroken ≥ 1, keeps its state between daily runs, and notifies the ops topic', () => {
    const fixture = monitorFixture();
    fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'UsrReadiness',
      MetricName: 'ChainBroken',
      Dimensions: [{ Name: 'service', Value: 'usr-readiness-monitor' }],
      Statistic: 'Maximum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
      AlarmActions: [ref(fixture.monitor.opsTopic)],
      OKActions: [ref(fixture.monitor.opsTopic)],
    });
    expect(fixture.monitor.reportsBucket).toBe(fixture.monitor.evidenceBucket);
    fixture.template.resourceCountIs('AWS::S3::Bucket', 2);
  });
});

describe('ReadinessMonitor with reportsBucket: true', () => {
  let fixture: MonitorFixture;
  beforeAll(() => {
    fixture = monitorFixture(() => ({ reportsBucket: true, reportRetention: Duration.days(400) }));
  });

  it('creates a versioned, KMS-encrypted, access-logged bucket under Object Lock in COMPLIANCE mode', () => {
    expect(fixture.monitor.reportsBucket).not.toBe(fixture.monitor.evidenceBucket);
    fixture.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 400 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: getAtt(fixture.monitor.node.findChild('ReportsKey'), 'Arn'),
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: {
        DestinationBucketName: ref(fixture.monitor.accessLogsBucket!),
        LogFilePrefix: 'reports/',
      },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 400 }, Status: 'Enabled' }),
        ],
      },
    });
    fixture.template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('reports and compliance history'),
      EnableKeyRotation: true,
    });
  });

  it('accepts TLS 1.2 only and denies both functions deleting or unlocking any report', () => {
    const bucket = fixture.monitor.reportsBucket;
    const role = fixture.monitor.lambdaFunction.role!;
    const eventRole = fixture.monitor.evidenceEvents!.fn.role!;
    fixture.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(bucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
          {
            Sid: 'MonitorNeverDeletesOrUnlocksReports',
            Effect: 'Deny',
            Principal: { AWS: [getAtt(eventRole, 'Arn'), getAtt(role, 'Arn')] },
            Action: [
              's3:BypassGovernanceRetention',
              's3:DeleteObject',
              's3:DeleteObjectVersion',
              's3:PutObjectLegalHold',
              's3:PutObjectRetention',
            ],
            Resource: arnJoin(bucket, '/*'),
          },
        ]),
      },
    });
  });

  it('lets the function list, read and write reports/ and history/ there only; the evidence bucket keeps the ledger', () => {
    const reports = fixture.monitor.reportsBucket;
    const evidence = fixture.monitor.evidenceBucket;
    expect(bySid(fixture, 'ListReports')).toEqual({
      Sid: 'ListReports',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: getAtt(reports, 'Arn'),
      Condition: { StringLike: { 's3:prefix': ['reports/*', 'history/*'] } },
    });
    expect(bySid(fixture, 'ReadReports')).toMatchObject({
      Action: 's3:GetObject',
      Resource: [arnJoin(reports, '/history/*'), arnJoin(reports, '/reports/*')],
    });
    expect(bySid(fixture, 'WriteReports')).toMatchObject({
      Action: 's3:PutObject',
      Resource: [arnJoin(reports, '/history/*'), arnJoin(reports, '/reports/*')],
    });
    expect(bySid(fixture, 'UseReportsBucketKey')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: getAtt(fixture.monitor.node.findChild('ReportsKey'), 'Arn'),
      Condition: {
        StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', REGION, '.amazonaws.com']] } },
      },
    });
    expect(bySid(fixture, 'WriteReportsAndLedger')).toMatchObject({
      Resource: arnJoin(evidence, '/state/*'),
    });
    for (const sid of ['ListEvidenceAndLedger', 'ReadEvidenceAndLedger', 'WriteReportsAndLedger'])
      expect({ sid, outputs: /reports\/|history\//.test(JSON.stringify(bySid(fixture, sid))) }).toEqual({
        sid,
        outputs: false,
      });
    expect(JSON.stringify(statements(fixture))).not.toMatch(/s3:Delete|s3:PutObjectRetention|s3:PutBucket/);
  });

  it('gives the evidence-change function the same reports bucket, environment and grants', () => {
    const fn = fixture.monitor.evidenceEvents?.fn;
    if (!fn) throw new Error('no evidence-change function');
    const sids = statements(fixture, fn).map((st) => st['Sid']);
    expect(sids).toEqual(
      expect.arrayContaining(['ListReports', 'ReadReports', 'WriteReports', 'UseReportsBucketKey']),
    );
    const functions = fixture.template.findResources('AWS::Lambda::Function');
    const env = (id: string) =>
      (functions[id] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
        .Environment.Variables['REPORTS_BUCKET'];
    const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as never);
    expect(env(logicalId)).toEqual(ref(fixture.monitor.reportsBucket));
  });

  it('tells the function where the reports go (REPORTS_BUCKET)', () => {
    fixture.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REPORTS_BUCKET: ref(fixture.monitor.reportsBucket) }) },
    });
  });

  it('has exactly these logical ids (the default stack plus the bucket, its policy and key)', () => {
    const resources = fixture.template.toJSON()['Resources'] as Record<string, { Type: string }>;
    const added = Object.entries(resources)
      .map(([id, r]) => `${id} ${r.Type}`)
      .filter((line) => /Reports/.test(line))
      .sort();
    expect(added).toEqual([
      'MonitorReportsBucketB1EA080B AWS::S3::Bucket',
      'MonitorReportsBucketPolicyBDB3F703 AWS::S3::BucketPolicy',
      'MonitorReportsKey8DA1DDD5 AWS::KMS::Key',
    ]);
  });
});

describe('ReadinessMonitor with a reports bucket and an imported evidence bucket', () => {
  it('creates an access-logs bucket for the reports bucket', () => {
    const fixture = monitorFixture((stack) => ({
      evidenceBucket: s3.Bucket.fromBucketName(stack, 'Evidence', 'usr-evidence-prod'),
      reportsBucket: true,
      reportRetention: Duration.days(30),
    }));
    fixture.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'reports/' },
    });
    fixture.template.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it('grants an imported reports bucket and its key, and creates no bucket', () => {
    const fixture = monitorFixture((stack) => ({
      reportsBucket: s3.Bucket.fromBucketAttributes(stack, 'Reports', {
        bucketName: 'usr-reports-prod',
        encryptionKey: kms.Key.fromKeyArn(
          stack,
          'ReportsKeyImported',
          'arn:aws:kms:eu-west-1:123456789012:key/abcd',
        ),
      }),
    }));
    expect(bySid(fixture, 'UseReportsBucketKey')).toMatchObject({
      Resource: 'arn:aws:kms:eu-west-1:123456789012:key/abcd',
    });
    fixture.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ REPORTS_BUCKET: 'usr-reports-prod' }) },
    });
    fixture.template.resourceCountIs('AWS::S3::Bucket', 2);
  });
});

describe('reportsBucket validation', () => {
  const rejection = (build: (stack: Stack) => ReadinessMonitorProps): string => {
    const stack = new Stack(newApp(), 'TestStack');
    const message = errorOf(() => new ReadinessMonitor(stack, 'Monitor', build(stack)));
    expectLowercaseStart(message);
    return message;
  };

  it('requires reportRetention with reportsBucket: true', () => {
    expect(rejection(() => ({ reportsBucket: true }))).toContain(
      'reportRetention is required with reportsBucket: true',
    );
  });

  it('refuses reportRetention without a created reports bucket, or in part days', () => {
    expect(rejection(() => ({ reportRetention: Duration.days(10) }))).toBe(
      'reportRetention (10 days) only applies to a reports bucket the monitor creates (reportsBucket: true)',
    );
    expect(
      rejection((stack) => ({
        reportsBucket: s3.Bucket.fromBucketName(stack, 'R', 'usr-reports-prod'),
        reportRetention: Duration.days(10),
      })),
    ).toContain(
      "the imported reports bucket 'usr-reports-prod' keeps the Object Lock configured where it is defined",
    );
    expect(rejection(() => ({ reportsBucket: true, reportRetention: Duration.hours(36) }))).toContain(
      'reportRetention must be a whole number of days greater than zero, got 1 day 12 hours',
    );
  });
});

describe('ReadinessMonitorStack reportRetentionDays', () => {
  it('creates the reports bucket from context and outputs its name', () => {
    const stack = new ReadinessMonitorStack(newApp({ reportRetentionDays: '2555' }), 'Usr');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 } },
      },
    });
    template.hasOutput('ReportsBucketName', { Value: ref(stack.monitor.reportsBucket) });
  });
});
