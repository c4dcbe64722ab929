import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Acknowledgement } from '../cdk-nag';
import { acknowledge } from '../cdk-nag';

/** Dead letters are kept for two weeks. */
const DEAD_LETTER_RETENTION = Duration.days(14);

/**
 * The terminal dead-letter queue (`DeadLetterQueue`): failed schedule deliveries, failed asynchronous
 * invocations and undeliverable emails end here, and its alarm fires.
 */
export function buildDeadLetterQueue(scope: Construct): sqs.Queue {
  return buildTerminalQueue(scope, 'DeadLetterQueue', [
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
}

/**
 * A dead-letter queue at the end of a delivery path (SSE-SQS, TLS only, two weeks' retention), with the cdk-nag
 * findings that only a queue without its own dead-letter queue raises acknowledged.
 */
export function buildTerminalQueue(
  scope: Construct,
  id: string,
  acknowledgements: readonly Acknowledgement[],
): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
  });
  acknowledge(queue, acknowledgements);
  return queue;
}
