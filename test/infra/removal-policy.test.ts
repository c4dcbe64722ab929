import { RemovalPolicy } from 'aws-cdk-lib';
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { ReadinessMonitorProps } from '../../lib/readiness-monitor';
import { logicalId, monitorFixture } from './support';
import type { MonitorFixture } from './support';

/** `LogicalId DeletionPolicy/UpdateReplacePolicy` of every resource of `type`, sorted. */
function policiesOf(template: Template, type: string): string[] {
  return Object.entries(template.findResources(type))
    .map(
      ([id, resource]) =>
        `${id} ${String(resource['DeletionPolicy'])}/${String(resource['UpdateReplacePolicy'])}`,
    )
    .sort();
}

/** Asserts the policies of exactly the data-holding resources the construct creates: buckets, keys, log group. */
function expectPolicies(fixture: MonitorFixture, deletion: string, updateReplace: string): void {
  const { monitor, template } = fixture;
  const expected = (...constructs: IConstruct[]): string[] =>
    constructs.map((c) => `${logicalId(c)} ${deletion}/${updateReplace}`).sort();
  expect(policiesOf(template, 'AWS::S3::Bucket')).toEqual(
    expected(monitor.evidenceBucket, monitor.accessLogsBucket as IConstruct),
  );
  expect(policiesOf(template, 'AWS::KMS::Key')).toEqual(
    expected(monitor.node.findChild('EvidenceKey'), monitor.node.findChild('TopicKey')),
  );
  const events = monitor.evidenceEvents;
  if (!events) throw new Error('the default monitor evaluates on evidence changes');
  expect(policiesOf(template, 'AWS::Logs::LogGroup')).toEqual(expected(monitor.logGroup, events.logGroup));
  for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Logs::LogGroup']) {
    template.hasResource(type, { DeletionPolicy: deletion, UpdateReplacePolicy: updateReplace });
  }
}

describe('ReadinessMonitor removalPolicy', () => {
  it('retains the buckets, the KMS keys and the log group by default, on deletion and on replacement', () => {
    expectPolicies(monitorFixture(), 'Retain', 'Retain');
  });

  it('applies RemovalPolicy.RETAIN when it is given explicitly', () => {
    expectPolicies(
      monitorFixture(() => ({ removalPolicy: RemovalPolicy.RETAIN })),
      'Retain',
      'Retain',
    );
  });

  it('deletes the buckets, the KMS keys and the log group with RemovalPolicy.DESTROY', () => {
    expectPolicies(
      monitorFixture(() => ({ removalPolicy: RemovalPolicy.DESTROY })),
      'Delete',
      'Delete',
    );
  });

  it('keeps them when the stack is deleted but not when a failed creation rolls back, with RETAIN_ON_UPDATE_OR_DELETE', () => {
    expectPolicies(
      monitorFixture(() => ({ removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE })),
      'RetainExceptOnCreate',
      'Retain',
    );
  });

  it('does not empty buckets on DESTROY: no auto-delete custom resource and no function beyond the monitor’s two', () => {
    const { template, monitor } = monitorFixture(() => ({ removalPolicy: RemovalPolicy.DESTROY }));
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(Object.keys(template.findResources('AWS::Lambda::Function'))).toEqual(
      [logicalId(monitor.lambdaFunction), logicalId(monitor.node.findChild('EvidenceChange'))].sort(),
    );
    expect(JSON.stringify(template.findResources('AWS::S3::Bucket'))).not.toContain(
      'aws-cdk:auto-delete-objects',
    );
  });

  it('applies to the log group only when the bucket and both topics are imported', () => {
    const { template, monitor } = monitorFixture((stack) => ({
      ...importedEverything(stack),
      removalPolicy: RemovalPolicy.DESTROY,
    }));
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(policiesOf(template, 'AWS::Logs::LogGroup')).toEqual([
      `${logicalId(monitor.logGroup)} Delete/Delete`,
    ]);
  });

  it('leaves the dead-letter queue, topics and roles at their CloudFormation defaults', () => {
    const { template } = monitorFixture(() => ({ removalPolicy: RemovalPolicy.RETAIN }));
    for (const type of ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::IAM::Role', 'AWS::Lambda::Function']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect({ type, policy: resource['DeletionPolicy'] }).toEqual({
          type,
          policy: type === 'AWS::SQS::Queue' ? 'Delete' : undefined,
        });
      }
    }
  });

  it.each([
    ['RemovalPolicy.DESTROY', RemovalPolicy.DESTROY],
    ['RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE', RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE],
  ])('keeps cdk-nag clean with %s', (_name, removalPolicy) => {
    const { app } = monitorFixture(() => ({ removalPolicy }));
    app.synth();
    for (const pack of [new AwsSolutionsChecks(), new ServerlessChecks()]) {
      const violations = pack.validateScope(app).violations.map((v) => v.ruleName);
      expect(violations).toEqual([]);
    }
  });
});

function importedEverything(stack: Stack): ReadinessMonitorProps {
  return {
    evidenceBucket: s3.Bucket.fromBucketAttributes(stack, 'Imported', {
      bucketName: 'usr-evidence-prod',
      encryptionKey: kms.Key.fromKeyArn(
        stack,
        'ImportedKey',
        'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555',
      ),
    }),
    alertTopic: sns.Topic.fromTopicArn(stack, 'Alerts', 'arn:aws:sns:eu-west-1:123456789012:usr-alerts'),
    opsTopic: sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:platform-ops'),
  };
}
