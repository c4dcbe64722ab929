/**
 * The construct's event-driven evaluation (docs/events.md): bucket notifications, the rule and its
 * key prefixes, the encrypted queue and its dead-letter queue, the batching event source with partial batch
 * responses, one evaluation at a time, the alarm, and cdk-nag over the imported-bucket variants.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { App } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { NagPack } from 'cdk-nag';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ReadinessMonitor } from '../../lib/readiness-monitor';
import type { EvidenceEvents, ReadinessMonitorProps } from '../../lib/readiness-monitor';
import { errorOf, expectLowercaseStart, getAtt, logicalId, monitorFixture, newApp, ref } from './support';
import type { MonitorFixture } from './support';

function eventsOf(fixture: MonitorFixture): EvidenceEvents {
  const events = fixture.monitor.evidenceEvents;
  if (!events) throw new Error('expected event-driven evaluation');
  return events;
}

/** The rule's event pattern as synthesized. */
function patternOf(fixture: MonitorFixture): Record<string, unknown> {
  const pattern = new Capture();
  fixture.template.hasResourceProperties('AWS::Events::Rule', { EventPattern: pattern });
  return pattern.asObject();
}

/**
 * EventBridge content matching for the pattern's subset (arrays of exact values or `{ prefix }`, nested objects),
 * so the synthesized pattern itself is checked against events.
 */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern))
    return pattern.some((p: unknown) =>
      typeof p === 'object' && p !== null && 'prefix' in p
        ? typeof event === 'string' && event.startsWith(String(p.prefix))
        : JSON.stringify(p) === JSON.stringify(event),
    );
  if (typeof pattern !== 'object' || pattern === null || typeof event !== 'object' || event === null)
    return false;
  return Object.entries(pattern).every(([field, sub]) =>
    matches(sub, (event as Record<string, unknown>)[field]),
  );
}

const s3Event = (bucket: unknown, key: string, detailType = 'Object Created') => ({
  source: 'aws.s3',
  'detail-type': detailType,
  detail: { bucket: { name: bucket }, object: { key } },
});

describe('ReadinessMonitor event-driven evaluation with a created bucket', () => {
  let fixture: MonitorFixture;
  let events: EvidenceEvents;
  beforeAll(() => {
    fixture = monitorFixture();
    events = eventsOf(fixture);
  });

  it('turns on the bucket’s EventBridge notifications in its own resource, without a custom resource', () => {
    fixture.template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    fixture.template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('routes Object Created and Object Deleted of the bucket under drills/, policy/ and schedule/ only', () => {
    expect(patternOf(fixture)).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created', 'Object Deleted'],
      detail: {
        bucket: { name: [ref(fixture.monitor.evidenceBucket)] },
        object: { key: [{ prefix: 'policy/' }, { prefix: 'schedule/' }, { prefix: 'drills/' }] },
      },
    });
    fixture.template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: getAtt(events.queue, 'Arn'),
          DeadLetterConfig: { Arn: getAtt(events.deadLetterQueue, 'Arn') },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
  });

  it('never matches the keys the monitor writes, other buckets or other S3 events', () => {
    const pattern = patternOf(fixture);
    const bucket = ref(fixture.monitor.evidenceBucket);
    for (const key of [
      'drills/incident-a/20261125T065500Z-rerun.json',
      'policy/usr-operational-readiness-policy.json',
      'schedule/cutover-windows.json',
    ]) {
      expect({ key, matched: matches(pattern, s3Event(bucket, key)) }).toEqual({ key, matched: true });
      expect(matches(pattern, s3Event(bucket, key, 'Object Deleted'))).toBe(true);
    }
    for (const key of [
      'reports/latest/usr-operational-readiness-validation.json',
      'reports/2026-11-25/usr-rollback-drill-report.json',
      'history/2026-11.jsonl',
      'state/alert-ledger.json',
      'drills-archive/x.json',
    ])
      expect({ key, matched: matches(pattern, s3Event(bucket, key)) }).toEqual({ key, matched: false });
    expect(matches(pattern, s3Event('another-bucket', 'drills/a/x.json'))).toBe(false);
    expect(matches(pattern, s3Event(bucket, 'drills/a/x.json', 'Object Restore Completed'))).toBe(false);
  });

  it('queues the events encrypted, over TLS only, with a dead-letter queue after five receives', () => {
    fixture.template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 300,
      RedrivePolicy: { deadLetterTargetArn: getAtt(events.deadLetterQueue, 'Arn'), maxReceiveCount: 5 },
    });
    for (const queue of [events.queue, events.deadLetterQueue]) {
      const statements = new Capture();
      fixture.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(queue)],
        PolicyDocument: { Statement: statements },
      });
      const list = statements.asArray() as Record<string, unknown>[];
      expect(list).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      const fromRule = list.filter(
        (st) =>
          st['Effect'] === 'Allow' &&
          JSON.stringify(st['Principal']) === '{"Service":"events.amazonaws.com"}' &&
          JSON.stringify(st['Condition']) ===
            JSON.stringify({ ArnEquals: { 'aws:SourceArn': getAtt(events.rule, 'Arn') } }),
      );
      expect(fromRule.map((st) => JSON.stringify(st['Action']))).toEqual([
        expect.stringContaining('sqs:SendMessage') as unknown,
      ]);
    }
    const dlq = fixture.template.toJSON()['Resources'][logicalId(events.deadLetterQueue)] as {
      Properties: Record<string, unknown>;
    };
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86400 });
  });

  it('feeds the function batches with a 60 s window, partial batch responses and at most 2 concurrent invokes', () => {
    fixture.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: getAtt(events.queue, 'Arn'),
      FunctionName: ref(events.fn),
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 60,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    fixture.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('runs one evaluation at a time: reserved concurrency 1 on the evidence-change function only', () => {
    const functions = fixture.template.findResources('AWS::Lambda::Function');
    const reserved = Object.fromEntries(
      Object.entries(functions).map(([id, f]) => [
        id,
        (f as { Properties: Record<string, unknown> }).Properties['ReservedConcurrentExecutions'] ?? null,
      ]),
    );
    expect(reserved).toEqual({
      [logicalId(fixture.monitor.lambdaFunction)]: null,
      [logicalId(events.fn)]: 1,
    });
  });

  it('runs the daily-check code with the same environment, its own role and its own log group', () => {
    const daily = new Capture();
    const change = new Capture();
    fixture.template.hasResourceProperties('AWS::Lambda::Function', {
      Role: getAtt(fixture.monitor.lambdaFunction.role as IConstruct, 'Arn'),
      Environment: { Variables: daily },
    });
    fixture.template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      Role: getAtt(events.fn.role as IConstruct, 'Arn'),
      LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(events.logGroup) },
      Environment: { Variables: change },
    });
    expect(change.asObject()).toEqual(daily.asObject());
    expect(events.fn.role).not.toBe(fixture.monitor.lambdaFunction.role);
  });

  it('lets only the evidence-change role consume the queue', () => {
    const statementsOf = (construct: IConstruct): string => {
      const statements = new Capture();
      fixture.template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [ref(construct)],
        PolicyDocument: { Statement: statements },
      });
      return JSON.stringify(statements.asArray());
    };
    const change = statementsOf(events.fn.role as IConstruct);
    expect(change).toContain('sqs:ReceiveMessage');
    expect(change).toContain(JSON.stringify(getAtt(events.queue, 'Arn')));
    expect(change).toContain('ReadEvidenceAndLedger');
    expect(change).toContain('WriteReportsAndLedger');
    const daily = statementsOf(fixture.monitor.lambdaFunction.role as IConstruct);
    expect(daily).not.toContain('sqs:ReceiveMessage');
    expect(daily).not.toContain(JSON.stringify(getAtt(events.queue, 'Arn')));
  });

  it('alarms the ops topic when evidence events reach the dead-letter queue', () => {
    fixture.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(events.deadLetterQueue, 'QueueName') }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [ref(fixture.monitor.opsTopic)],
      OKActions: [ref(fixture.monitor.opsTopic)],
    });
  });
});

describe('ReadinessMonitor event-driven evaluation options', () => {
  it('takes the batching window and batch size it is given, and the evidence prefix in the rule', () => {
    const fixture = monitorFixture(() => ({
      evidencePrefix: 'usr/',
      reportsPrefix: 'usr-monitor/',
      evidenceChangeBatchingWindow: Duration.seconds(120),
      evidenceChangeBatchSize: 50,
    }));
    fixture.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 120,
    });
    const pattern = patternOf(fixture);
    expect(pattern).toMatchObject({
      detail: {
        object: { key: [{ prefix: 'usr/policy/' }, { prefix: 'usr/schedule/' }, { prefix: 'usr/drills/' }] },
      },
    });
    const bucket = ref(fixture.monitor.evidenceBucket);
    expect(matches(pattern, s3Event(bucket, 'usr/drills/a/x.json'))).toBe(true);
    for (const key of [
      'usr-monitor/reports/latest/x.json',
      'usr-monitor/state/alert-ledger.json',
      'drills/a/x.json',
    ])
      expect({ key, matched: matches(pattern, s3Event(bucket, key)) }).toEqual({ key, matched: false });
  });

  it('builds none of it with evaluateOnEvidenceChange false', () => {
    const fixture = monitorFixture(() => ({ evaluateOnEvidenceChange: false }));
    expect(fixture.monitor.evidenceEvents).toBeUndefined();
    for (const type of [
      'AWS::Events::Rule',
      'AWS::Lambda::EventSourceMapping',
      'Custom::S3BucketNotifications',
    ])
      fixture.template.resourceCountIs(type, 0);
    fixture.template.resourceCountIs('AWS::Lambda::Function', 1);
    fixture.template.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: Match.absent(),
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });
});

const importedBucket = (stack: Stack): s3.IBucket =>
  s3.Bucket.fromBucketName(stack, 'Imported', 'usr-evidence-prod');

describe('ReadinessMonitor event-driven evaluation with an imported bucket', () => {
  it('is off unless importedBucketEventBridge opts in', () => {
    const fixture = monitorFixture((stack) => ({ evidenceBucket: importedBucket(stack) }));
    expect(fixture.monitor.evidenceEvents).toBeUndefined();
    fixture.template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('adds only the rule and what follows it when the owner has enabled EventBridge', () => {
    const fixture = monitorFixture((stack) => ({
      evidenceBucket: importedBucket(stack),
      importedBucketEventBridge: 'already-enabled',
    }));
    expect(patternOf(fixture)).toMatchObject({ detail: { bucket: { name: ['usr-evidence-prod'] } } });
    fixture.template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('enables EventBridge through the merging notifications custom resource when asked to', () => {
    const fixture = monitorFixture((stack) => ({
      evidenceBucket: importedBucket(stack),
      importedBucketEventBridge: 'enable',
    }));
    fixture.template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: 'usr-evidence-prod',
      Managed: false,
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });
});

describe('ReadinessMonitor event-driven evaluation props validation', () => {
  const rejection = (build: (stack: Stack) => ReadinessMonitorProps): string => {
    const stack = new Stack(newApp(), 'TestStack');
    const message = errorOf(() => new ReadinessMonitor(stack, 'Monitor', build(stack)));
    expectLowercaseStart(message);
    return message;
  };

  it.each([
    [
      'an imported bucket told to evaluate without saying how its events reach EventBridge',
      (stack: Stack) => ({ evidenceBucket: importedBucket(stack), evaluateOnEvidenceChange: true }),
      "needs importedBucketEventBridge: 'already-enabled'",
    ],
    [
      'importedBucketEventBridge on a created bucket',
      () => ({ importedBucketEventBridge: 'enable' as const }),
      "importedBucketEventBridge ('enable') only applies to an imported evidenceBucket",
    ],
    [
      'importedBucketEventBridge with evaluateOnEvidenceChange false',
      (stack: Stack) => ({
        evidenceBucket: importedBucket(stack),
        importedBucketEventBridge: 'already-enabled' as const,
        evaluateOnEvidenceChange: false,
      }),
      'needs evaluateOnEvidenceChange: it was set to false',
    ],
    [
      'batching props without event-driven evaluation',
      () => ({ evaluateOnEvidenceChange: false, evidenceChangeBatchSize: 10 }),
      'evidenceChangeBatchSize only apply when evaluateOnEvidenceChange is not false',
    ],
    [
      'a batching window over five minutes',
      () => ({ evidenceChangeBatchingWindow: Duration.seconds(301) }),
      'evidenceChangeBatchingWindow must be whole seconds between 0 and 300, got 5 minutes 1 second',
    ],
    [
      'a batching window in fractions of a second',
      () => ({ evidenceChangeBatchingWindow: Duration.millis(1500) }),
      'evidenceChangeBatchingWindow must be whole seconds between 0 and 300',
    ],
    [
      'a batch size beyond 10,000',
      () => ({ evidenceChangeBatchSize: 10_001 }),
      'evidenceChangeBatchSize must be a whole number between 1 and 10000, got 10001',
    ],
    [
      'more than 10 messages per batch without a batching window',
      () => ({ evidenceChangeBatchingWindow: Duration.seconds(0), evidenceChangeBatchSize: 11 }),
      'evidenceChangeBatchSize 11 needs an evidenceChangeBatchingWindow of at least 1 second',
    ],
  ] as [string, (stack: Stack) => ReadinessMonitorProps, string][])(
    'rejects %s',
    (_name, build, expected) => {
      expect(rejection(build)).toContain(expected);
    },
  );

  it('accepts ten messages per batch without a batching window', () => {
    const fixture = monitorFixture(() => ({
      evidenceChangeBatchingWindow: Duration.seconds(0),
      evidenceChangeBatchSize: 10,
    }));
    fixture.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10 });
  });
});

describe('cdk-nag over event-driven evaluation on an imported bucket', () => {
  const PACKS: (() => NagPack)[] = [() => new AwsSolutionsChecks(), () => new ServerlessChecks()];

  function appWith(mode: 'enable' | 'already-enabled'): App {
    const app = newApp();
    const stack = new Stack(app, 'Usr');
    new ReadinessMonitor(stack, 'Monitor', {
      evidenceBucket: importedBucket(stack),
      importedBucketEventBridge: mode,
    });
    app.synth();
    return app;
  }

  const findings = (app: App): string[] =>
    PACKS.flatMap((pack) =>
      pack()
        .validateScope(app)
        .violations.flatMap((v) =>
          v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath ?? '?'}`),
        ),
    );

  it.each(['enable', 'already-enabled'] as const)('reports nothing unacknowledged with %s', (mode) => {
    expect(findings(appWith(mode))).toEqual([]);
  });

  it('acknowledges the managed policy of CDK’s notifications handler, which the packs really report', () => {
    const app = appWith('enable');
    const holder = Validations as unknown as { ACKNOWLEDGED_RULES_METADATA_KEY: string };
    const original = holder.ACKNOWLEDGED_RULES_METADATA_KEY;
    holder.ACKNOWLEDGED_RULES_METADATA_KEY = 'test:acknowledgements-ignored';
    try {
      expect(findings(app)).toContain(
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] Usr/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource',
      );
    } finally {
      holder.ACKNOWLEDGED_RULES_METADATA_KEY = original;
    }
  });

  it('keeps the created-bucket template free of the notifications handler', () => {
    const template = Template.fromStack(monitorFixture().stack);
    expect(
      Object.keys(template.findResources('AWS::Lambda::Function')).some((id) =>
        id.startsWith('BucketNotificationsHandler'),
      ),
    ).toBe(false);
  });
});
