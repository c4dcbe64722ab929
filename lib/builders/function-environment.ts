import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { RUN_SUCCEEDED_METRIC } from '../readiness-monitor-props';
import type { ResolvedConfig } from '../resolve-config';

/** What the function's environment refers to. */
export interface EnvironmentSources {
  readonly config: ResolvedConfig;
  readonly bucket: s3.IBucket;
  readonly alertTopic: sns.ITopic;
}

/** One group of variables; a new variable group is one more function in `PARTS`. */
type EnvironmentPart = (sources: EnvironmentSources) => Record<string, string>;

const store: EnvironmentPart = ({ config, bucket }) => ({
  EVIDENCE_BUCKET: bucket.bucketName,
  EVIDENCE_PREFIX: config.evidencePrefix,
  REPORTS_PREFIX: config.reportsPrefix,
  POLICY_KEY: config.policyKey,
  SCHEDULE_KEY: config.scheduleKey,
});

const alerts: EnvironmentPart = ({ alertTopic }) => ({ ALERT_TOPIC_ARN: alertTopic.topicArn });

const evaluation: EnvironmentPart = ({ config }) => ({
  CADENCE_DAYS: String(config.cadenceDays),
  WARN_DAYS: String(config.warnDays),
  CONCURRENCY: String(config.concurrency),
});

const waivers: EnvironmentPart = ({ config }) => ({
  WAIVERS_KEY: config.waiversKey,
  MAX_WAIVER_DAYS: String(config.maxWaiverDays),
});

const runtime: EnvironmentPart = () => ({
  POWERTOOLS_SERVICE_NAME: RUN_SUCCEEDED_METRIC.serviceName,
  POWERTOOLS_METRICS_NAMESPACE: RUN_SUCCEEDED_METRIC.namespace,
  POWERTOOLS_LOG_LEVEL: 'INFO',
  NODE_OPTIONS: '--enable-source-maps',
});

/** In the order of the "Function environment" table of docs/deploy.md. */
const PARTS: readonly EnvironmentPart[] = [store, alerts, evaluation, waivers, runtime];

/** The handler's environment (docs/deploy.md, "Function environment"). */
export function functionEnvironment(sources: EnvironmentSources): Record<string, string> {
  return PARTS.reduce<Record<string, string>>((env, part) => ({ ...env, ...part(sources) }), {});
}
