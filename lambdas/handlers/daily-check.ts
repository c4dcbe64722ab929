/**
 * The daily-check Lambda: one scheduled run of the monitor against the evidence bucket, through the same
 * `runMonitor` as the CLI. Configuration is read from the environment once, at module load (`config.ts`).
 *
 * It logs structured JSON (Powertools Logger), emits EMF metrics (Powertools Metrics) and returns the run's
 * summary. It fails (so the platform retries and alarms) when the store cannot be reached, when reports or
 * the alert ledger cannot be written, and — after the reports and the ledger are written — when alerts could
 * not be published; the ledger makes sure a retry publishes only what was not delivered.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { METRIC_NAMES } from '../constants';
import type { RunSummary } from '../monitor';
import { LEDGER_KEY, runMonitor } from '../monitor';
import { makeS3Client, makeSnsClient } from '../adapters/aws-clients';
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../adapters/s3-store';
import { SnsAlertSink } from '../adapters/sns-alerts';
import type { DailyCheckConfig } from './config';
import { SERVICE_NAME, loadConfig } from './config';

/**
 * The EventBridge Scheduler payload. `now` overrides the evaluation instant (a re-run of a past day);
 * otherwise `scheduledTime` (the schedule's fire time, stable across the platform's retries); otherwise the
 * invocation time. Any other field is ignored.
 */
export const ScheduledEventSchema = z.preprocess(
  (event) => (event === null || event === undefined ? {} : event),
  z.looseObject({
    now: z.iso
      .datetime({
        offset: true,
        error: (issue) => `must be an ISO-8601 date-time with a zone, got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
    scheduledTime: z.iso
      .datetime({
        offset: true,
        error: (issue) => `must be an ISO-8601 date-time with a zone, got ${JSON.stringify(issue.input)}`,
      })
      .optional(),
  }),
);
export type ScheduledEvent = z.infer<typeof ScheduledEventSchema>;

/** The evaluation instant of one invocation. Throws a one-line Error for a malformed payload. */
export function evaluationInstant(event: unknown, clock: () => Date): Date {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || 'event'} ${i.message}`,
    );
    throw new Error(`invalid daily-check event: ${problems.join('; ')}`);
  }
  const iso = parsed.data.now ?? parsed.data.scheduledTime;
  return iso === undefined ? clock() : new Date(iso);
}

/** Thrown after a run whose reports and ledger were written but whose alerts were not all published. */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
}

/** The part of Powertools Logger the handler uses (tests pass a recorder). */
export type HandlerLogger = Pick<Logger, 'info' | 'error' | 'addContext'>;

/** The part of Powertools Metrics the handler uses (tests pass a recorder or a capturing Metrics). */
export interface HandlerMetrics {
  addMetric(name: string, unit: Parameters<Metrics['addMetric']>[1], value: number): unknown;
  publishStoredMetrics(): unknown;
}

export interface DailyCheckDeps {
  /** @default - `makeS3Client()`: region, endpoint and credentials from the SDK's standard chain */
  readonly s3?: S3Client;
  /** @default - `makeSnsClient()`, only when ALERT_TOPIC_ARN is set */
  readonly sns?: SNSClient;
  /** The wall clock: the evaluation instant when the event names none, and `generatedAt`. @default - `new Date()` */
  readonly clock?: () => Date;
  /** @default - a Powertools Logger for service `usr-readiness-monitor` */
  readonly logger?: HandlerLogger;
  /** @default - Powertools Metrics, namespace POWERTOOLS_METRICS_NAMESPACE (UsrReadiness), service `usr-readiness-monitor` */
  readonly metrics?: HandlerMetrics;
}

export type DailyCheckHandler = (event: unknown, context?: Context) => Promise<RunSummary>;

/** Metric names (EMF, unit Count, dimension `service`). */
export const METRICS = METRIC_NAMES;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Builds the adapters once (they are reused across warm invocations) and returns the handler. */
export function createHandler(config: DailyCheckConfig, deps: DailyCheckDeps = {}): DailyCheckHandler {
  const s3 = deps.s3 ?? makeS3Client();
  const clock = deps.clock ?? ((): Date => new Date());
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics =
    deps.metrics ?? new Metrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME });

  const store = new S3EvidenceStore({
    client: s3,
    bucket: config.evidenceBucket,
    prefix: config.evidencePrefix,
    concurrency: config.concurrency,
  });
  const reports = new S3ReportSink({
    client: s3,
    bucket: config.evidenceBucket,
    prefix: config.reportsPrefix,
  });
  const alerts =
    config.alertTopicArn === null
      ? null
      : {
          sink: new SnsAlertSink({ client: deps.sns ?? makeSnsClient(), topicArn: config.alertTopicArn }),
          ledger: new S3LedgerStore({
            client: s3,
            bucket: config.evidenceBucket,
            key: config.reportsPrefix + LEDGER_KEY,
          }),
        };

  return async (event: unknown, context?: Context): Promise<RunSummary> => {
    if (context) logger.addContext(context);
    let now: Date;
    try {
      now = evaluationInstant(event, clock);
    } catch (error) {
      logger.error('daily check refused its event', asError(error));
      throw error;
    }
    logger.info('daily check started', {
      asOf: now.toISOString(),
      store: store.location,
      reports: reports.location,
      alerts: alerts?.sink.location ?? null,
      parameters: { cadenceDays: config.cadenceDays, warnDays: config.warnDays },
    });

    let result;
    try {
      result = await runMonitor(
        {
          store,
          reports,
          alerts,
          now,
          clock,
          // The ledger claim lasts as long as this invocation can: a retry after a timeout re-sends its alerts.
          ...(typeof context?.getRemainingTimeInMillis === 'function'
            ? { claimTtlMs: context.getRemainingTimeInMillis() }
            : {}),
        },
        {
          policyKey: config.policyKey,
          scheduleKey: config.scheduleKey,
          parameters: { cadenceDays: config.cadenceDays, warnDays: config.warnDays },
          concurrency: config.concurrency,
        },
      );
    } catch (error) {
      logger.error('daily check failed: no reports were written', asError(error));
      metrics.addMetric(METRICS.runSucceeded, MetricUnit.Count, 0);
      metrics.publishStoredMetrics();
      throw error;
    }

    const summary = result.summary;
    metrics.addMetric(METRICS.runSucceeded, MetricUnit.Count, 1);
    metrics.addMetric(
      METRICS.rowsNonCompliant,
      MetricUnit.Count,
      summary.rows - (summary.statuses.compliant ?? 0),
    );
    metrics.addMetric(METRICS.promotionBlocked, MetricUnit.Count, summary.decision === 'no-go' ? 1 : 0);
    metrics.addMetric(METRICS.alertsPublished, MetricUnit.Count, summary.alertsPublished);
    metrics.addMetric(METRICS.alertsFailed, MetricUnit.Count, summary.alertsFailed);
    metrics.addMetric(METRICS.evidenceRead, MetricUnit.Count, summary.evidenceRead);
    metrics.publishStoredMetrics();
    logger.info('daily check completed', { summary });

    if (summary.alertsFailed > 0) {
      const undelivered = result.reports.validation.alerts?.undelivered ?? [];
      const error = new AlertDeliveryError(
        `${summary.alertsFailed} alert(s) could not be published to ${alerts?.sink.location ?? 'the alert sink'}` +
          ` (${undelivered.map((u) => `${u.id}: ${u.error}`).join('; ')}); reports and the alert ledger are written,` +
          ' a retry publishes only the undelivered alerts',
      );
      logger.error('daily check: alerts undelivered', { undelivered, error });
      throw error;
    }
    return summary;
  };
}

/** The Lambda entry point; the configuration is parsed here, once, when the module loads. */
export const handler: DailyCheckHandler = createHandler(loadConfig(process.env));
