import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../cdk-nag';

/**
 * The terminal dead-letter queue (`DeadLetterQueue`): failed schedule deliveries, failed asynchronous
 * invocations and undeliverable emails end here, and its alarm fires.
 */
export function buildDeadLetterQueue(scope: Construct): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(queue, [
    {
      id: 'AwsSolutions-SQS3',
      reason:
        "this queue is itself the dead-letter queue (of the schedule target, of the function's asynchronous invocations and of the email subscriptions); any message in it raises the dead-letter alarm",
    },
    {
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'this queue is itself the terminal dead-letter queue; nothing consumes it automatically, operators inspect it when its alarm fires',
    },
  ]);
  return queue;
}
