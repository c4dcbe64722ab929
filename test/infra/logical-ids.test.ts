import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ReadinessMonitorStack } from '../../lib/readiness-monitor-stack';
import { monitorFixture, newApp } from './support';

// The logical ids and types of every synthesized resource, pinned as explicit sorted lists (not a snapshot
// file): a moved logical id makes CloudFormation replace the resource, and a retained bucket or KMS key
// would be orphaned next to a new, empty one. Changing these lists must be a deliberate, reviewed change.

const DEFAULT_STACK = [
  'MonitorAccessLogsBucket6A842345 AWS::S3::Bucket',
  'MonitorAccessLogsBucketPolicy3A0A84BD AWS::S3::BucketPolicy',
  'MonitorAlertTopicCF837057 AWS::SNS::Topic',
  'MonitorAlertTopicPolicyE2950F79 AWS::SNS::TopicPolicy',
  'MonitorChainBrokenAlarm16F50DD9 AWS::CloudWatch::Alarm',
  'MonitorDailyCheckE3A9181D AWS::Lambda::Function',
  'MonitorDailyCheckEventInvokeConfig3A51D61F AWS::Lambda::EventInvokeConfig',
  'MonitorDeadLetterAlarmABD3BB92 AWS::CloudWatch::Alarm',
  'MonitorDeadLetterQueue1D772ECF AWS::SQS::Queue',
  'MonitorDeadLetterQueuePolicy7DB17A6A AWS::SQS::QueuePolicy',
  'MonitorErrorsAlarm044FB601 AWS::CloudWatch::Alarm',
  'MonitorEvidenceBucketFD795992 AWS::S3::Bucket',
  'MonitorEvidenceBucketPolicyAD728B3A AWS::S3::BucketPolicy',
  'MonitorEvidenceChangeE20CE577 AWS::Lambda::Function',
  'MonitorEvidenceChangeLogGroupD824C39E AWS::Logs::LogGroup',
  'MonitorEvidenceChangeRole38F306E7 AWS::IAM::Role',
  'MonitorEvidenceChangeRoleDefaultPolicy65DD5102 AWS::IAM::Policy',
  'MonitorEvidenceChangeSqsEventSourceUsrMonitorEvidenceEventsQueue05192B6BCFCE603F AWS::Lambda::EventSourceMapping',
  'MonitorEvidenceEventsDeadLetterAlarmE7E04DDC AWS::CloudWatch::Alarm',
  'MonitorEvidenceEventsDeadLetterQueue9120EFF9 AWS::SQS::Queue',
  'MonitorEvidenceEventsDeadLetterQueuePolicy24F47F20 AWS::SQS::QueuePolicy',
  'MonitorEvidenceEventsQueueB28B127D AWS::SQS::Queue',
  'MonitorEvidenceEventsQueuePolicy6B17F719 AWS::SQS::QueuePolicy',
  'MonitorEvidenceEventsRuleFFFB51DD AWS::Events::Rule',
  'MonitorEvidenceKey9B75888E AWS::KMS::Key',
  'MonitorFunctionRoleD561299F AWS::IAM::Role',
  'MonitorFunctionRoleDefaultPolicyC323CA07 AWS::IAM::Policy',
  'MonitorHeartbeatAlarm02459BA1 AWS::CloudWatch::Alarm',
  'MonitorLogGroupE7672C83 AWS::Logs::LogGroup',
  'MonitorOpsTopic1CD1DE33 AWS::SNS::Topic',
  'MonitorOpsTopicPolicy505D9D0F AWS::SNS::TopicPolicy',
  'MonitorSchedule8012EAAD AWS::Scheduler::Schedule',
  'MonitorSchedulerRole34FC341C AWS::IAM::Role',
  'MonitorSchedulerRoleDefaultPolicy4AE515A4 AWS::IAM::Policy',
  'MonitorTopicKeyD0C78FC1 AWS::KMS::Key',
];

const IMPORTED_BUCKET_AND_TOPICS = [
  'Alertsownerexamplecom5CB828AE AWS::SNS::Subscription',
  'MonitorChainBrokenAlarm16F50DD9 AWS::CloudWatch::Alarm',
  'MonitorDailyCheckE3A9181D AWS::Lambda::Function',
  'MonitorDailyCheckEventInvokeConfig3A51D61F AWS::Lambda::EventInvokeConfig',
  'MonitorDeadLetterAlarmABD3BB92 AWS::CloudWatch::Alarm',
  'MonitorDeadLetterQueue1D772ECF AWS::SQS::Queue',
  'MonitorDeadLetterQueuePolicy7DB17A6A AWS::SQS::QueuePolicy',
  'MonitorErrorsAlarm044FB601 AWS::CloudWatch::Alarm',
  'MonitorFunctionRoleD561299F AWS::IAM::Role',
  'MonitorFunctionRoleDefaultPolicyC323CA07 AWS::IAM::Policy',
  'MonitorHeartbeatAlarm02459BA1 AWS::CloudWatch::Alarm',
  'MonitorLogGroupE7672C83 AWS::Logs::LogGroup',
  'MonitorSchedule8012EAAD AWS::Scheduler::Schedule',
  'MonitorSchedulerRole34FC341C AWS::IAM::Role',
  'MonitorSchedulerRoleDefaultPolicy4AE515A4 AWS::IAM::Policy',
  'Opsoncallexamplecom769D8C9D AWS::SNS::Subscription',
];

const OBJECT_LOCK_WITH_SUBSCRIPTIONS = [
  'MonitorAccessLogsBucket6A842345 AWS::S3::Bucket',
  'MonitorAccessLogsBucketPolicy3A0A84BD AWS::S3::BucketPolicy',
  'MonitorAlertTopicCF837057 AWS::SNS::Topic',
  'MonitorAlertTopicPolicyE2950F79 AWS::SNS::TopicPolicy',
  'MonitorAlertTopicownerexamplecomBEFDDD32 AWS::SNS::Subscription',
  'MonitorChainBrokenAlarm16F50DD9 AWS::CloudWatch::Alarm',
  'MonitorDailyCheckE3A9181D AWS::Lambda::Function',
  'MonitorDailyCheckEventInvokeConfig3A51D61F AWS::Lambda::EventInvokeConfig',
  'MonitorDeadLetterAlarmABD3BB92 AWS::CloudWatch::Alarm',
  'MonitorDeadLetterQueue1D772ECF AWS::SQS::Queue',
  'MonitorDeadLetterQueuePolicy7DB17A6A AWS::SQS::QueuePolicy',
  'MonitorErrorsAlarm044FB601 AWS::CloudWatch::Alarm',
  'MonitorEvidenceBucketFD795992 AWS::S3::Bucket',
  'MonitorEvidenceBucketPolicyAD728B3A AWS::S3::BucketPolicy',
  'MonitorEvidenceChangeE20CE577 AWS::Lambda::Function',
  'MonitorEvidenceChangeLogGroupD824C39E AWS::Logs::LogGroup',
  'MonitorEvidenceChangeRole38F306E7 AWS::IAM::Role',
  'MonitorEvidenceChangeRoleDefaultPolicy65DD5102 AWS::IAM::Policy',
  'MonitorEvidenceChangeSqsEventSourceTestStackMonitorEvidenceEventsQueueB4DF371C64E70E33 AWS::Lambda::EventSourceMapping',
  'MonitorEvidenceEventsDeadLetterAlarmE7E04DDC AWS::CloudWatch::Alarm',
  'MonitorEvidenceEventsDeadLetterQueue9120EFF9 AWS::SQS::Queue',
  'MonitorEvidenceEventsDeadLetterQueuePolicy24F47F20 AWS::SQS::QueuePolicy',
  'MonitorEvidenceEventsQueueB28B127D AWS::SQS::Queue',
  'MonitorEvidenceEventsQueuePolicy6B17F719 AWS::SQS::QueuePolicy',
  'MonitorEvidenceEventsRuleFFFB51DD AWS::Events::Rule',
  'MonitorEvidenceKey9B75888E AWS::KMS::Key',
  'MonitorFunctionRoleD561299F AWS::IAM::Role',
  'MonitorFunctionRoleDefaultPolicyC323CA07 AWS::IAM::Policy',
  'MonitorHeartbeatAlarm02459BA1 AWS::CloudWatch::Alarm',
  'MonitorLogGroupE7672C83 AWS::Logs::LogGroup',
  'MonitorOpsTopic1CD1DE33 AWS::SNS::Topic',
  'MonitorOpsTopicPolicy505D9D0F AWS::SNS::TopicPolicy',
  'MonitorOpsTopiconcallexamplecom732767F9 AWS::SNS::Subscription',
  'MonitorSchedule8012EAAD AWS::Scheduler::Schedule',
  'MonitorSchedulerRole34FC341C AWS::IAM::Role',
  'MonitorSchedulerRoleDefaultPolicy4AE515A4 AWS::IAM::Policy',
  'MonitorTopicKeyD0C78FC1 AWS::KMS::Key',
];

const WITH_HISTORY_TABLES = [
  ...DEFAULT_STACK,
  'MonitorHistoryDatabase1997A6D1 AWS::Glue::Database',
  'MonitorHistoryEvidenceTable30DDDEAC AWS::Glue::Table',
  'MonitorHistoryRowsTableA2A6904F AWS::Glue::Table',
].sort();

/** `LogicalId Type` of every resource in the template, sorted. */
function resourcesOf(template: Template): string[] {
  const resources = template.toJSON()['Resources'] as Record<string, { readonly Type: string }>;
  return Object.entries(resources)
    .map(([logicalId, resource]) => `${logicalId} ${resource.Type}`)
    .sort();
}

describe('ReadinessMonitor logical ids', () => {
  it('are exactly the pinned list for the default stack', () => {
    const stack = new ReadinessMonitorStack(newApp(), 'Usr');
    expect(resourcesOf(Template.fromStack(stack))).toEqual(DEFAULT_STACK);
  });

  it('are exactly the pinned list with an imported bucket and imported topics, owners and ops emails', () => {
    const { template } = monitorFixture((stack) => ({
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
      owners: [{ email: 'owner@example.com', alertTypes: ['summary'] }],
      opsEmails: ['oncall@example.com'],
    }));
    expect(resourcesOf(template)).toEqual(IMPORTED_BUCKET_AND_TOPICS);
  });

  it('are the default stack’s plus the Glue database and tables with the history tables', () => {
    const stack = new ReadinessMonitorStack(newApp({ historyTable: true }), 'Usr');
    expect(resourcesOf(Template.fromStack(stack))).toEqual(WITH_HISTORY_TABLES);
  });

  it('are exactly the pinned list with Object Lock retention, owners and ops emails', () => {
    const { template } = monitorFixture(() => ({
      objectLockRetention: Duration.days(400),
      owners: [{ email: 'owner@example.com' }],
      opsEmails: ['oncall@example.com'],
    }));
    expect(resourcesOf(template)).toEqual(OBJECT_LOCK_WITH_SUBSCRIPTIONS);
  });
});
