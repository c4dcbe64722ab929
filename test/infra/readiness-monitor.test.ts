import { Duration, TimeZone } from 'aws-cdk-lib';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';
import { arnJoin, getAtt, logicalId, monitorFixture, ref } from './support';
import type { MonitorFixture } from './support';

const REGION = { Ref: 'AWS::Region' };
const viaService = (service: string): unknown => ({
  StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`${service}.`, REGION, '.amazonaws.com']] } },
});

/** The statements of the function role's policy, by Sid (statements CDK adds itself have no Sid). */
function functionStatements(fixture: MonitorFixture): Record<string, unknown>[] {
  const statements = new Capture();
  fixture.template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [ref(fixture.monitor.lambdaFunction.role as IConstruct)],
    PolicyDocument: { Statement: statements },
  });
  return statements.asArray() as Record<string, unknown>[];
}

function environmentOf(fixture: MonitorFixture): Record<string, unknown> {
  const variables = new Capture();
  fixture.template.hasResourceProperties('AWS::Lambda::Function', {
    Environment: { Variables: variables },
  });
  return variables.asObject();
}

describe('ReadinessMonitor with default props', () => {
  let fixture: MonitorFixture;
  beforeAll(() => {
    fixture = monitorFixture();
  });

  it('schedules the check daily at 06:00 UTC with EventBridge Scheduler, retries and a dead-letter queue', () => {
    const input = new Capture();
    fixture.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: getAtt(fixture.monitor.lambdaFunction, 'Arn'),
        RoleArn: getAtt(fixture.monitor.node.findChild('SchedulerRole'), 'Arn'),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
        DeadLetterConfig: { Arn: getAtt(fixture.monitor.deadLetterQueue, 'Arn') },
        Input: input,
      },
    });
    expect(JSON.parse(input.asString())).toEqual({
      source: 'usr-readiness-monitor.schedule',
      scheduleArn: '<aws.scheduler.schedule-arn>',
      scheduledTime: '<aws.scheduler.scheduled-time>',
      executionId: '<aws.scheduler.execution-id>',
      attemptNumber: '<aws.scheduler.attempt-number>',
    });
  });

  it('runs the handler on Node.js 22 on arm64 with the memory, timeout, tracing and log group it is given', () => {
    // The daily-check function and the evidence-change function (docs/events.md).
    fixture.template.resourceCountIs('AWS::Lambda::Function', 2);
    fixture.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(fixture.monitor.logGroup) },
      Role: getAtt(fixture.monitor.lambdaFunction.role as IConstruct, 'Arn'),
    });
    fixture.template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: 'Retain',
    });
  });

  it('gives the handler exactly the contract environment', () => {
    expect(environmentOf(fixture)).toEqual({
      EVIDENCE_BUCKET: ref(fixture.monitor.evidenceBucket),
      EVIDENCE_PREFIX: '',
      REPORTS_PREFIX: '',
      POLICY_KEY: 'policy/usr-operational-readiness-policy.json',
      SCHEDULE_KEY: 'schedule/cutover-windows.json',
      ALERT_TOPIC_ARN: ref(fixture.monitor.alertTopic),
      CADENCE_DAYS: '30',
      WARN_DAYS: '7',
      CONCURRENCY: '16',
      WAIVERS_KEY: 'policy/waivers.json',
      MAX_WAIVER_DAYS: '30',
      POWERTOOLS_SERVICE_NAME: 'usr-readiness-monitor',
      POWERTOOLS_METRICS_NAMESPACE: 'UsrReadiness',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('sends failed asynchronous invocations to the dead-letter queue after two retries', () => {
    fixture.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(fixture.monitor.lambdaFunction),
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: getAtt(fixture.monitor.deadLetterQueue, 'Arn') } },
    });
  });

  it('grants the function exactly the statements it needs, each on its narrowest resource', () => {
    const bucket = fixture.monitor.evidenceBucket;
    const bucketKey = fixture.monitor.node.findChild('EvidenceKey');
    const topicKey = fixture.monitor.node.findChild('TopicKey');
    expect(functionStatements(fixture)).toEqual([
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(fixture.monitor.logGroup, 'Arn'),
      },
      {
        Sid: 'ListEvidenceAndLedger',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: getAtt(bucket, 'Arn'),
        Condition: {
          StringLike: {
            's3:prefix': ['policy/*', 'schedule/*', 'drills/*', 'reports/*', 'state/*', 'history/*'],
          },
        },
      },
      {
        Sid: 'ReadEvidenceAndLedger',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          arnJoin(bucket, '/drills/*'),
          arnJoin(bucket, '/history/*'),
          arnJoin(bucket, '/policy/usr-operational-readiness-policy.json'),
          arnJoin(bucket, '/policy/waivers.json'),
          arnJoin(bucket, '/reports/*'),
          arnJoin(bucket, '/schedule/cutover-windows.json'),
          arnJoin(bucket, '/state/*'),
        ],
      },
      {
        Sid: 'WriteReportsAndLedger',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [arnJoin(bucket, '/history/*'), arnJoin(bucket, '/reports/*'), arnJoin(bucket, '/state/*')],
      },
      {
        Sid: 'PublishAlerts',
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: ref(fixture.monitor.alertTopic),
      },
      {
        Sid: 'UseEvidenceBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: getAtt(bucketKey, 'Arn'),
        Condition: viaService('s3'),
      },
      {
        Sid: 'UseAlertTopicKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: getAtt(topicKey, 'Arn'),
        Condition: viaService('sns'),
      },
      {
        Effect: 'Allow',
        Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Resource: '*',
      },
      {
        Effect: 'Allow',
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: getAtt(fixture.monitor.deadLetterQueue, 'Arn'),
      },
    ]);
  });

  it('attaches no managed policy to the function role and trusts only Lambda', () => {
    fixture.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
        ],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('lets the schedule role invoke only the function and write only to the dead-letter queue', () => {
    const schedulerRole = fixture.monitor.node.findChild('SchedulerRole');
    const statements = new Capture();
    fixture.template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [ref(schedulerRole)],
      PolicyDocument: { Statement: statements },
    });
    expect(statements.asArray()).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          getAtt(fixture.monitor.lambdaFunction, 'Arn'),
          arnJoin(fixture.monitor.lambdaFunction, ':*'),
        ],
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: getAtt(fixture.monitor.deadLetterQueue, 'Arn'),
      },
    ]);
    fixture.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': Match.anyValue(),
              },
            },
          },
        ],
      },
    });
  });

  it('creates a private, KMS-encrypted, versioned, access-logged evidence bucket that is retained', () => {
    const evidenceKey = fixture.monitor.node.findChild('EvidenceKey');
    fixture.template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: {
                SSEAlgorithm: 'aws:kms',
                KMSMasterKeyID: getAtt(evidenceKey, 'Arn'),
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
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: {
          DestinationBucketName: ref(fixture.monitor.accessLogsBucket as IConstruct),
          LogFilePrefix: 'evidence/',
        },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-noncurrent-versions',
              Status: 'Enabled',
              NoncurrentVersionExpiration: { NoncurrentDays: 365 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
        ObjectLockEnabled: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    fixture.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp('evidence') },
      DeletionPolicy: 'Retain',
    });
  });

  it('denies non-TLS and pre-TLS-1.2 requests to the evidence bucket', () => {
    const bucketArns = [
      getAtt(fixture.monitor.evidenceBucket, 'Arn'),
      arnJoin(fixture.monitor.evidenceBucket, '/*'),
    ];
    fixture.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(fixture.monitor.evidenceBucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: bucketArns,
          },
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
            Resource: bucketArns,
          },
        ]),
      },
    });
  });

  it('delivers access logs to a separate SSE-S3 bucket through a bucket policy scoped to the evidence bucket', () => {
    const logs = fixture.monitor.accessLogsBucket as IConstruct;
    fixture.template.resourceCountIs('AWS::S3::Bucket', 2);
    fixture.template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicAcls: true,
          RestrictPublicBuckets: true,
        }),
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        AccessControl: Match.absent(),
      },
      DeletionPolicy: 'Retain',
    });
    fixture.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(logs),
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: arnJoin(logs, '/evidence/*'),
            Condition: {
              ArnLike: { 'aws:SourceArn': getAtt(fixture.monitor.evidenceBucket, 'Arn') },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  it('encrypts both topics with a rotated customer managed key and refuses non-TLS publishing', () => {
    const topicKey = fixture.monitor.node.findChild('TopicKey');
    const topics = fixture.template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics).sort()).toEqual(
      [logicalId(fixture.monitor.alertTopic), logicalId(fixture.monitor.opsTopic)].sort(),
    );
    for (const topic of Object.values(topics)) {
      expect(topic.Properties.KmsMasterKeyId).toEqual(getAtt(topicKey, 'Arn'));
    }
    for (const topic of [fixture.monitor.alertTopic, fixture.monitor.opsTopic]) {
      fixture.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [ref(topic)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
    fixture.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToUseTheKey',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
  });

  it('keeps an SQS-encrypted, TLS-only dead-letter queue for two weeks', () => {
    fixture.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    fixture.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(fixture.monitor.deadLetterQueue)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('alarms on any function error within an hour', () => {
    fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: ref(fixture.monitor.lambdaFunction) }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(fixture.monitor.opsTopic)],
      OKActions: [ref(fixture.monitor.opsTopic)],
    });
  });

  it('alarms as soon as a message waits in the dead-letter queue', () => {
    fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(fixture.monitor.deadLetterQueue, 'QueueName') }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [ref(fixture.monitor.opsTopic)],
    });
  });

  it('alarms when no RunSucceeded datapoint arrived for 26 consecutive hours', () => {
    fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'UsrReadiness',
      MetricName: 'RunSucceeded',
      Dimensions: [{ Name: 'service', Value: 'usr-readiness-monitor' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 26,
      DatapointsToAlarm: 26,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref(fixture.monitor.opsTopic)],
      OKActions: [ref(fixture.monitor.opsTopic)],
    });
    // Errors, dead letters, heartbeat, the manifest chain (ChainBrokenAlarm, below) and the evidence events' dead
    // letters (docs/events.md).
    fixture.template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  it('subscribes nobody to the alert topic without owners', () => {
    fixture.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('exposes the daily-check function as lambdaFunction, and as the deprecated alias function', () => {
    expect(Object.keys(fixture.template.findResources('AWS::Lambda::Function'))).toEqual(
      [
        logicalId(fixture.monitor.lambdaFunction),
        logicalId(fixture.monitor.node.findChild('EvidenceChange')),
      ].sort(),
    );
    expect(fixture.monitor.function).toBe(fixture.monitor.lambdaFunction);
  });
});

describe('ReadinessMonitor owners', () => {
  let fixture: MonitorFixture;
  beforeAll(() => {
    fixture = monitorFixture(() => ({
      owners: [
        {
          email: 'ic-team@example.com',
          roles: ['incident-commander', 'comms-lead'],
          runbookIds: ['rb-sev1-paging'],
          severityClasses: ['sev1'],
          alertTypes: ['overdue', 'recovered'],
        },
        { email: 'audit@example.com' },
      ],
    }));
  });

  it('turns an owner filter into an SNS filter policy on the alert message attributes', () => {
    fixture.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: ref(fixture.monitor.alertTopic),
      Protocol: 'email',
      Endpoint: 'ic-team@example.com',
      FilterPolicy: Match.exact({
        roles: ['incident-commander', 'comms-lead'],
        runbookId: ['rb-sev1-paging'],
        severityClass: ['sev1'],
        alertType: ['overdue', 'recovered'],
      }),
      RedrivePolicy: { deadLetterTargetArn: getAtt(fixture.monitor.deadLetterQueue, 'Arn') },
    });
  });

  it('subscribes an owner without a filter to every alert', () => {
    fixture.template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'audit@example.com',
      FilterPolicy: Match.absent(),
      RedrivePolicy: { deadLetterTargetArn: getAtt(fixture.monitor.deadLetterQueue, 'Arn') },
    });
    fixture.template.resourceCountIs('AWS::SNS::Subscription', 2);
  });

  it('lets the alert topic, and only it, move undeliverable emails to the dead-letter queue', () => {
    fixture.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: getAtt(fixture.monitor.deadLetterQueue, 'Arn'),
            Condition: { ArnEquals: { 'aws:SourceArn': ref(fixture.monitor.alertTopic) } },
          },
        ]),
      },
    });
  });
});

describe('ReadinessMonitor owners of waivers', () => {
  it('lets an owner subscribe to waiver-expiring alerts only', () => {
    const fixture = monitorFixture(() => ({
      owners: [{ email: 'approvers@example.com', alertTypes: ['waiver-expiring'] }],
    }));
    fixture.template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: 'approvers@example.com',
      FilterPolicy: Match.exact({ alertType: ['waiver-expiring'] }),
    });
  });
});

describe('ReadinessMonitor with an imported bucket, prefixes and topics', () => {
  const bucketArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::usr-evidence-prod']] };
  const objectArn = (key: string): unknown => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::usr-evidence-prod/${key}`]],
  });
  const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
  const alertTopicArn = 'arn:aws:sns:eu-west-1:123456789012:usr-alerts';
  const opsTopicArn = 'arn:aws:sns:eu-west-1:123456789012:platform-ops';
  let fixture: MonitorFixture;
  beforeAll(() => {
    fixture = monitorFixture((stack) => ({
      evidenceBucket: s3.Bucket.fromBucketAttributes(stack, 'Imported', {
        bucketName: 'usr-evidence-prod',
        encryptionKey: kms.Key.fromKeyArn(stack, 'ImportedKey', keyArn),
      }),
      evidencePrefix: 'usr/',
      reportsPrefix: 'usr-monitor/',
      policyKey: 'policy/prod.json',
      waiversKey: 'policy/prod-waivers.json',
      maxWaiverDuration: Duration.days(14),
      alertTopic: sns.Topic.fromTopicArn(stack, 'Alerts', alertTopicArn),
      opsTopic: sns.Topic.fromTopicArn(stack, 'Ops', opsTopicArn),
      owners: [{ email: 'owner@example.com', alertTypes: ['summary'] }],
      schedule: scheduler.ScheduleExpression.cron({
        minute: '30',
        hour: '7',
        weekDay: 'MON-FRI',
        timeZone: TimeZone.EUROPE_BERLIN,
      }),
      cadence: Duration.days(14),
      warnBefore: Duration.days(3),
      memorySize: 1024,
      timeout: Duration.minutes(10),
      concurrency: 8,
      opsEmails: ['oncall@example.com'],
    }));
  });

  it('creates no bucket, key or topic of its own', () => {
    fixture.template.resourceCountIs('AWS::S3::Bucket', 0);
    fixture.template.resourceCountIs('AWS::KMS::Key', 0);
    fixture.template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(fixture.monitor.accessLogsBucket).toBeUndefined();
  });

  it('uses the schedule expression and time zone it is given', () => {
    fixture.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
  });

  it('passes the prefixes, keys, cadence, waiver settings and topic to the handler', () => {
    expect(environmentOf(fixture)).toEqual(
      expect.objectContaining({
        EVIDENCE_BUCKET: 'usr-evidence-prod',
        EVIDENCE_PREFIX: 'usr/',
        REPORTS_PREFIX: 'usr-monitor/',
        POLICY_KEY: 'policy/prod.json',
        SCHEDULE_KEY: 'schedule/cutover-windows.json',
        ALERT_TOPIC_ARN: alertTopicArn,
        CADENCE_DAYS: '14',
        WARN_DAYS: '3',
        CONCURRENCY: '8',
        WAIVERS_KEY: 'policy/prod-waivers.json',
        MAX_WAIVER_DAYS: '14',
      }),
    );
    fixture.template.hasResourceProperties('AWS::Lambda::Function', { MemorySize: 1024, Timeout: 600 });
  });

  it('scopes the S3, SNS and KMS statements to the prefixes, the imported topic and the imported key', () => {
    const statements = functionStatements(fixture).filter((s) => s['Sid'] !== undefined);
    expect(statements).toEqual([
      expect.objectContaining({ Sid: 'WriteOwnLogs' }),
      {
        Sid: 'ListEvidenceAndLedger',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: bucketArn,
        Condition: {
          StringLike: {
            's3:prefix': [
              'usr/policy/*',
              'usr/schedule/*',
              'usr/drills/*',
              'usr-monitor/reports/*',
              'usr-monitor/state/*',
              'usr-monitor/history/*',
            ],
          },
        },
      },
      {
        Sid: 'ReadEvidenceAndLedger',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: [
          objectArn('usr-monitor/history/*'),
          objectArn('usr-monitor/reports/*'),
          objectArn('usr-monitor/state/*'),
          objectArn('usr/drills/*'),
          objectArn('usr/policy/prod-waivers.json'),
          objectArn('usr/policy/prod.json'),
          objectArn('usr/schedule/cutover-windows.json'),
        ],
      },
      {
        Sid: 'WriteReportsAndLedger',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: [
          objectArn('usr-monitor/history/*'),
          objectArn('usr-monitor/reports/*'),
          objectArn('usr-monitor/state/*'),
        ],
      },
      { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: alertTopicArn },
      {
        Sid: 'UseEvidenceBucketKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: keyArn,
        Condition: viaService('s3'),
      },
    ]);
  });

  it('subscribes owners to the imported alert topic and sends alarms to the imported ops topic', () => {
    fixture.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: alertTopicArn,
      Endpoint: 'owner@example.com',
      FilterPolicy: { alertType: ['summary'] },
    });
    fixture.template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: opsTopicArn,
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      FilterPolicy: Match.absent(),
      RedrivePolicy: { deadLetterTargetArn: getAtt(fixture.monitor.deadLetterQueue, 'Arn') },
    });
    const alarms = fixture.template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.values(alarms).map((alarm): unknown => alarm.Properties.AlarmActions)).toEqual([
      [opsTopicArn],
      [opsTopicArn],
      [opsTopicArn],
      [opsTopicArn],
    ]);
  });
});

describe('ReadinessMonitor Object Lock', () => {
  it('sets a governance-mode default retention on the created evidence bucket', () => {
    const { template, monitor } = monitorFixture(() => ({ objectLockRetention: Duration.days(400) }));
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 400 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    const locked = template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
    expect(Object.keys(locked)).toEqual([logicalId(monitor.evidenceBucket)]);
  });
});
