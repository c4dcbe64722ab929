import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge, nagName } from '../cdk-nag';
import { READINESS_MONITOR_DEFAULTS } from '../readiness-monitor-props';
import type { ResolvedConfig } from '../resolve-config';

export interface ScheduleInputs {
  readonly config: ResolvedConfig;
  readonly fn: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
}

/** The EventBridge Scheduler schedule (`Schedule`) that invokes the function through its own role. */
export function buildSchedule(
  scope: Construct,
  { config, fn, deadLetterQueue }: ScheduleInputs,
): scheduler.Schedule {
  const target = new schedulerTargets.LambdaInvoke(fn, {
    role: buildSchedulerRole(scope, fn),
    deadLetterQueue,
    retryAttempts: READINESS_MONITOR_DEFAULTS.schedulerRetryAttempts,
    maxEventAge: Duration.hours(READINESS_MONITOR_DEFAULTS.schedulerMaxEventAgeHours),
    input: scheduler.ScheduleTargetInput.fromObject({
      source: 'usr-readiness-monitor.schedule',
      scheduleArn: scheduler.ContextAttribute.scheduleArn,
      scheduledTime: scheduler.ContextAttribute.scheduledTime,
      executionId: scheduler.ContextAttribute.executionId,
      attemptNumber: scheduler.ContextAttribute.attemptNumber,
    }),
  });
  return new scheduler.Schedule(scope, 'Schedule', {
    description: 'USR readiness monitor: daily drill check',
    schedule: config.schedule,
    target,
  });
}

// An explicit role (rather than the stack-wide singleton) keeps the schedule's permissions inside the
// construct; trusted only by EventBridge Scheduler of this account's default schedule group.
function buildSchedulerRole(scope: Construct, fn: lambda.IFunction): iam.Role {
  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'SchedulerRole', {
    description: 'USR readiness monitor schedule: invokes the daily-check function',
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
  });
  acknowledge(role, [
    {
      id: `AwsSolutions-IAM5[Resource::${nagName(scope, fn.functionArn)}:*]`,
      reason:
        'LambdaInvoke grants lambda:InvokeFunction on the function and its qualified ARNs (<arn>:*, versions and aliases) through grantInvoke; the role can invoke nothing but this one function',
    },
  ]);
  return role;
}
