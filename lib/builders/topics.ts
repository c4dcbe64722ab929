import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ResolvedConfig } from '../resolve-config';

export interface Topics {
  /** Receives the drill alerts the function publishes. */
  readonly alertTopic: sns.ITopic;
  /** Receives the monitor's own alarms. */
  readonly opsTopic: sns.ITopic;
}

/** The imported topics, or new TLS-only topics sharing one customer managed key (`TopicKey`). */
export function buildTopics(scope: Construct, config: ResolvedConfig): Topics {
  let topicKey: kms.Key | undefined;
  const topicKeyFor = (): kms.Key => {
    topicKey ??= new kms.Key(scope, 'TopicKey', {
      description: 'USR readiness monitor: alert and ops topics',
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });
    return topicKey;
  };
  const alertTopic =
    config.imported.alertTopic ??
    new sns.Topic(scope, 'AlertTopic', {
      displayName: 'USR readiness alerts',
      masterKey: topicKeyFor(),
      enforceSSL: true,
    });
  const opsTopic = config.imported.opsTopic ?? buildOpsTopic(scope, topicKeyFor());
  return { alertTopic, opsTopic };
}

function buildOpsTopic(scope: Construct, key: kms.Key): sns.Topic {
  // CloudWatch alarms publish to the encrypted ops topic with the CloudWatch service principal.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
  return new sns.Topic(scope, 'OpsTopic', {
    displayName: 'USR readiness monitor alarms',
    masterKey: key,
    enforceSSL: true,
  });
}
