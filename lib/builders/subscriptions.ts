import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { ReadinessMonitorOwner } from '../readiness-monitor-props';
import type { ResolvedConfig } from '../resolve-config';
import type { Topics } from './topics';

/**
 * Subscribes the owners (with their filter policies) to the alert topic and the ops emails to the ops topic,
 * each with the dead-letter queue as its redrive target. The subscriptions live under their topics.
 */
export function subscribeRecipients(
  config: ResolvedConfig,
  topics: Topics,
  deadLetterQueue: sqs.IQueue,
): void {
  for (const owner of config.owners) {
    topics.alertTopic.addSubscription(
      new snsSubscriptions.EmailSubscription(owner.email, {
        filterPolicy: filterPolicyOf(owner),
        deadLetterQueue,
      }),
    );
  }
  for (const email of config.opsEmails) {
    topics.opsTopic.addSubscription(new snsSubscriptions.EmailSubscription(email, { deadLetterQueue }));
  }
}

/** The SNS filter policy of an owner: message attributes `roles`, `runbookId`, `severityClass`, `alertType`. */
function filterPolicyOf(owner: ReadinessMonitorOwner): Record<string, sns.SubscriptionFilter> | undefined {
  const attributes: [string, string[] | undefined][] = [
    ['roles', owner.roles],
    ['runbookId', owner.runbookIds],
    ['severityClass', owner.severityClasses],
    ['alertType', owner.alertTypes],
  ];
  const policy: Record<string, sns.SubscriptionFilter> = {};
  for (const [attribute, values] of attributes) {
    if (values) policy[attribute] = sns.SubscriptionFilter.stringFilter({ allowlist: [...values] });
  }
  return Object.keys(policy).length > 0 ? policy : undefined;
}
