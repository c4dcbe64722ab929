import { Match, Template } from 'aws-cdk-lib/assertions';
import { parseMonitorContext, ReadinessMonitorStack } from '../../lib/readiness-monitor-stack';
import type { ContextKey } from '../../lib/readiness-monitor-stack';
import { errorOf, expectLowercaseStart, getAtt, newApp, ref } from './support';

/** Parses a context object, as cdk.json or `-c` would provide it. */
function parse(context: Partial<Record<ContextKey, unknown>>): ReturnType<typeof parseMonitorContext> {
  return parseMonitorContext((key) => context[key]);
}

function parseError(context: Partial<Record<ContextKey, unknown>>): string {
  const message = errorOf(() => parse(context));
  expectLowercaseStart(message);
  return message;
}

describe('parseMonitorContext', () => {
  it('returns no settings for an empty context', () => {
    expect(parse({})).toEqual({ owners: [], opsEmails: [] });
  });

  it('reads owners from a cdk.json array and from command-line JSON text alike', () => {
    const owners = [
      { email: 'ic@example.com', roles: ['incident-commander'], alertTypes: ['overdue'] },
      { email: 'audit@example.com' },
    ];
    expect(parse({ owners }).owners).toEqual(owners);
    expect(parse({ owners: JSON.stringify(owners) }).owners).toEqual(owners);
  });

  it('reads numbers given as numbers or as digit strings', () => {
    expect(parse({ objectLockDays: 365, cadenceDays: '14', warnDays: 3 })).toEqual(
      expect.objectContaining({ objectLockDays: 365, cadenceDays: 14, warnDays: 3 }),
    );
    expect(parse({ warnDays: '0' })).toEqual(expect.objectContaining({ warnDays: 0 }));
    expect(parse({ maxWaiverDays: '14' })).toEqual(expect.objectContaining({ maxWaiverDays: 14 }));
  });

  it('keeps an explicitly empty evidence prefix and treats an empty bucket name as none', () => {
    expect(parse({ evidencePrefix: '', evidenceBucketName: '' })).toEqual({
      evidencePrefix: '',
      owners: [],
      opsEmails: [],
    });
  });

  it('rejects Object Lock together with an imported bucket, showing both values', () => {
    expect(parseError({ evidenceBucketName: 'usr-evidence-prod', objectLockDays: 30 })).toBe(
      'context objectLockDays (30) cannot be combined with evidenceBucketName ("usr-evidence-prod"): object lock is only set on a bucket the stack creates',
    );
  });

  it.each([
    [
      { objectLockDays: 'forever' },
      'context objectLockDays must be a whole number of days ≥ 1, got "forever"',
    ],
    [{ cadenceDays: 0 }, 'context cadenceDays must be a whole number of days ≥ 1, got 0'],
    [{ warnDays: 2.5 }, 'context warnDays must be a whole number of days ≥ 0, got 2.5'],
    [{ maxWaiverDays: 0 }, 'context maxWaiverDays must be a whole number of days ≥ 1, got 0'],
    [{ warnDays: '-1' }, 'context warnDays must be a whole number of days ≥ 0, got "-1"'],
    [
      { evidenceBucketName: 'My_Bucket' },
      'context evidenceBucketName is not a valid s3 bucket name: "My_Bucket"',
    ],
    [
      { scheduleExpression: 'every day at 6' },
      'context scheduleExpression must be cron(…) with six fields, rate(…) or at(…), got "every day at 6"',
    ],
    [
      { scheduleTimeZone: 'Mars/Olympus' },
      'context scheduleTimeZone is not an iana time zone (e.g. Europe/Berlin), got "Mars/Olympus"',
    ],
    [
      { evidenceBucketKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/abc' },
      'context evidenceBucketKeyArn ("arn:aws:kms:eu-west-1:123456789012:key/abc") needs evidenceBucketName: a created bucket brings its own key',
    ],
    [{ evidencePrefix: 42 }, 'context evidencePrefix must be a string, got 42'],
    [{ owners: '[{"email":' }, 'context owners must be a json array, got "[{\\"email\\":"'],
    [
      { owners: { email: 'a@example.com' } },
      'context owners must be a json array, got {"email":"a@example.com"}',
    ],
    [
      { owners: ['a@example.com'] },
      'context owners[0] must be an object { email, roles?, … }, got "a@example.com"',
    ],
    [{ owners: [{ email: 'nobody' }] }, 'context owners[0].email must be an email address, got "nobody"'],
    [
      { owners: [{ email: 'a@example.com', role: ['ic'] }] },
      'context owners[0] has unknown fields ["role"]; allowed: email, roles, runbookIds, severityClasses, alertTypes',
    ],
    [
      { owners: [{ email: 'a@example.com', roles: 'incident-commander' }] },
      'context owners[0].roles must be an array of strings, got "incident-commander"',
    ],
    [{ opsEmails: ['oncall'] }, 'context opsEmails[0] must be an email address, got "oncall"'],
  ] as [Partial<Record<ContextKey, unknown>>, string][])('rejects %j', (context, expected) => {
    expect(parseError(context)).toBe(expected);
  });
});

describe('ReadinessMonitorStack', () => {
  it('creates the evidence bucket and publishes its name, the topics, the function and the queue', () => {
    const stack = new ReadinessMonitorStack(newApp(), 'Usr');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasOutput('EvidenceBucketName', { Value: ref(stack.monitor.evidenceBucket) });
    template.hasOutput('AlertTopicArn', { Value: ref(stack.monitor.alertTopic) });
    template.hasOutput('OpsTopicArn', { Value: ref(stack.monitor.opsTopic) });
    template.hasOutput('FunctionName', { Value: ref(stack.monitor.lambdaFunction) });
    template.hasOutput('DeadLetterQueueUrl', { Value: ref(stack.monitor.deadLetterQueue) });
  });

  it('composes the monitor from context: imported bucket and key, prefix, schedule, cadence, waiver maximum, owners, ops emails', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555';
    const stack = new ReadinessMonitorStack(
      newApp({
        evidenceBucketName: 'usr-evidence-prod',
        evidenceBucketKeyArn: keyArn,
        evidencePrefix: 'usr/',
        scheduleExpression: 'cron(15 5 * * ? *)',
        scheduleTimeZone: 'Europe/Berlin',
        cadenceDays: '21',
        warnDays: '5',
        maxWaiverDays: '14',
        owners: JSON.stringify([{ email: 'ic@example.com', roles: ['incident-commander'] }]),
        opsEmails: ['oncall@example.com'],
      }),
      'Usr',
    );
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(15 5 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          EVIDENCE_BUCKET: 'usr-evidence-prod',
          EVIDENCE_PREFIX: 'usr/',
          REPORTS_PREFIX: 'usr/',
          CADENCE_DAYS: '21',
          WARN_DAYS: '5',
          MAX_WAIVER_DAYS: '14',
        },
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'UseEvidenceBucketKey',
            Resource: keyArn,
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: ref(stack.monitor.alertTopic),
      Endpoint: 'ic@example.com',
      FilterPolicy: { roles: ['incident-commander'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: ref(stack.monitor.opsTopic),
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      RedrivePolicy: { deadLetterTargetArn: getAtt(stack.monitor.deadLetterQueue, 'Arn') },
    });
  });

  it('turns objectLockDays into a governance-mode default retention', () => {
    const stack = new ReadinessMonitorStack(newApp({ objectLockDays: '2555' }), 'Usr');
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 2555 } } },
    });
  });

  it('leaves event-driven evaluation out with evaluateOnEvidenceChange false (an account without spare concurrency)', () => {
    const on = Template.fromStack(new ReadinessMonitorStack(newApp({}), 'Usr'));
    const off = new ReadinessMonitorStack(newApp({ evaluateOnEvidenceChange: 'false' }), 'Usr');
    expect(Object.keys(on.findResources('AWS::Lambda::Function'))).toHaveLength(2);
    expect(Object.keys(Template.fromStack(off).findResources('AWS::Lambda::Function'))).toHaveLength(1);
    expect(off.monitor.evidenceEvents).toBeUndefined();
  });

  it('fails to build from contradictory context, with a lowercase message', () => {
    const message = errorOf(
      () =>
        new ReadinessMonitorStack(
          newApp({ evidenceBucketName: 'usr-evidence-prod', objectLockDays: 7 }),
          'Usr',
        ),
    );
    expectLowercaseStart(message);
    expect(message).toContain('"usr-evidence-prod"');
  });
});
