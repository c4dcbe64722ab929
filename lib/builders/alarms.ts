import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { READINESS_MONITOR_DEFAULTS, RUN_SUCCEEDED_METRIC } from '../readiness-monitor-props';

export interface AlarmInputs {
  readonly fn: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly opsTopic: sns.ITopic;
}

export interface MonitorAlarms {
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly heartbeatAlarm: cloudwatch.Alarm;
}

/** The alarms that watch the monitor itself, each notifying the ops topic on ALARM and OK. */
export function buildAlarms(scope: Construct, inputs: AlarmInputs): MonitorAlarms {
  const alarms = {
    errorsAlarm: errorsAlarm(scope, inputs.fn),
    deadLetterAlarm: deadLetterAlarm(scope, inputs.deadLetterQueue),
    heartbeatAlarm: heartbeatAlarm(scope),
  };
  notifyOps(inputs.opsTopic, Object.values(alarms));
  return alarms;
}

/** Sends ALARM and OK transitions of `alarms` to the ops topic (for alarms added by other builders too). */
export function notifyOps(opsTopic: sns.ITopic, alarms: readonly cloudwatch.Alarm[]): void {
  const action = new cloudwatchActions.SnsAction(opsTopic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}

function errorsAlarm(scope: Construct, fn: lambda.IFunction): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
    alarmDescription:
      'The USR readiness daily-check function failed: the evidence store was unreachable, reports or the alert ledger could not be written, or alerts were not delivered.',
    metric: fn.metricErrors({ period: Duration.hours(1), statistic: cloudwatch.Stats.SUM }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

function deadLetterAlarm(scope: Construct, queue: sqs.IQueue): cloudwatch.Alarm {
  return queueNotEmptyAlarm(
    scope,
    'DeadLetterAlarm',
    queue,
    'Messages are waiting in the USR readiness dead-letter queue: a scheduled run, an asynchronous invocation or an owner email was not delivered.',
  );
}

/** Messages visible in `queue` at any time of a 5-minute period (missing data is no message). */
export function queueNotEmptyAlarm(
  scope: Construct,
  id: string,
  queue: sqs.IQueue,
  alarmDescription: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

// A missing heartbeat: hourly sums of RunSucceeded, 26 consecutive hours below 1, missing data breaching.
// (Periods of an hour or more may span up to 7 days in total; a single 26-hour period is not allowed.)
function heartbeatAlarm(scope: Construct): cloudwatch.Alarm {
  const hours = READINESS_MONITOR_DEFAULTS.heartbeatHours;
  return new cloudwatch.Alarm(scope, 'HeartbeatAlarm', {
    alarmDescription: `No successful USR readiness run in the last ${hours} hours (metric ${RUN_SUCCEEDED_METRIC.namespace}/${RUN_SUCCEEDED_METRIC.metricName}).`,
    metric: new cloudwatch.Metric({
      namespace: RUN_SUCCEEDED_METRIC.namespace,
      metricName: RUN_SUCCEEDED_METRIC.metricName,
      dimensionsMap: { service: RUN_SUCCEEDED_METRIC.serviceName },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: hours,
    datapointsToAlarm: hours,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}
