/**
 * The daily-check Lambda: one run of the monitor against the evidence bucket, through the same `runMonitor` as
 * the CLI. Configuration is read from the environment once, at module load (`config.ts`). It accepts the
 * EventBridge Scheduler event (a scheduled run), a manual invocation (`{ now? }` or nothing) and an SQS batch of
 * S3 events from the evidence queue (one evaluation per batch, `evidence-batch.ts`; docs/events.md).
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
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { METRIC_NAMES, RUN_LEASE_KEY } from '../constants';
import type { RunTrigger } from '../core/evidence-events';
import { isSqsBatch, reportedTrigger, runTrigger } from '../core/evidence-events';
import type { MonitorDeps, MonitorOptions, RunResult, RunSummary } from '../monitor';
import { LEDGER_KEY, runMonitor } from '../monitor';
import { makeS3Client, makeSnsClient } from '../adapters/aws-clients';
import { LedgerError, StoreBusyError, StoreUnreachableError } from '../ports';
import { S3EvidenceStore, S3LedgerStore, S3ReportSink } from '../adapters/s3-store';
import { SnsAlertSink } from '../adapters/sns-alerts';
import { checkChain } from './chain-check';
import type { DailyCheckConfig } from './config';
import { SERVICE_NAME, loadConfig } from './config';
import { handleBatch } from './evidence-batch';

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

/** Parses a scheduled or manual invocation. Throws a one-line Error for a malformed payload. */
function parseScheduledEvent(event: unknown): ScheduledEvent {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.map(String).join('.') || 'event'} ${i.message}`,
    );
    throw new Error(`invalid daily-check event: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * What started a non-batch invocation and its instant: `now` names a manual run at that instant; otherwise
 * `scheduledTime` a scheduled run at that time (stable across the platform's retries; the monitor catches up to the
 * clock when `reports/latest/` already holds a later run); otherwise a manual run at the clock. Throws a one-line
 * Error for a malformed payload.
 */
export function invocationOf(
  event: unknown,
  clock: () => Date,
): { readonly trigger: RunTrigger; readonly now: Date } {
  const parsed = parseScheduledEvent(event);
  if (parsed.now !== undefined) return { trigger: runTrigger('manual'), now: new Date(parsed.now) };
  if (parsed.scheduledTime === undefined) return { trigger: runTrigger('manual'), now: clock() };
  return { trigger: runTrigger('schedule'), now: new Date(parsed.scheduledTime) };
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

/** A scheduled or manual invocation: the scheduler's payload, `{ now }`, `{}` or nothing. */
export type ScheduledInvocation = {
  readonly now?: string;
  readonly scheduledTime?: string;
  readonly [field: string]: unknown;
} | null;

/**
 * The handler: an SQS batch returns the messages to retry (partial batch response); anything else is a scheduled or
 * manual run and returns its summary.
 */
export interface DailyCheckHandler {
  (event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
  (event?: ScheduledInvocation, context?: Context): Promise<RunSummary>;
}

/** Metric names (EMF, unit Count, dimension `service`). */
export const METRICS = METRIC_NAMES;

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

interface Adapters {
  readonly store: S3EvidenceStore;
  readonly reports: S3ReportSink;
  readonly alerts: { readonly sink: SnsAlertSink; readonly ledger: S3LedgerStore } | null;
  /** The run lease beside the ledger: the daily and the evidence-change functions never evaluate at once. */
  readonly lease: S3LedgerStore;
}

/** The S3 store, report sink and (with a topic) the SNS sink and S3 ledger, built once per container. */
function buildAdapters(config: DailyCheckConfig, deps: DailyCheckDeps): Adapters {
  const s3 = deps.s3 ?? makeS3Client();
  const bucket = config.evidenceBucket;
  const store = new S3EvidenceStore({
    client: s3,
    bucket,
    prefix: config.evidencePrefix,
    concurrency: config.concurrency,
  });
  const reports = new S3ReportSink({
    client: s3,
    bucket: config.reportsBucket,
    prefix: config.reportsPrefix,
  });
  const lease = new S3LedgerStore({
    client: s3,
    bucket,
    key: config.reportsPrefix + RUN_LEASE_KEY,
    label: 'run lease',
  });
  if (config.alertTopicArn === null) return { store, reports, alerts: null, lease };
  return {
    store,
    reports,
    lease,
    alerts: {
      sink: new SnsAlertSink({ client: deps.sns ?? makeSnsClient(), topicArn: config.alertTopicArn }),
      ledger: new S3LedgerStore({ client: s3, bucket, key: config.reportsPrefix + LEDGER_KEY }),
    },
  };
}

/**
 * The run's metrics. `RunSucceeded` (the heartbeat alarm's metric) counts scheduled and manual runs only, so runs
 * started by uploads never hide a schedule that stopped; a triggered run reports its `EvaluationLagSeconds`; every
 * run reports whether the newest links of the manifest chain verify (`ChainBroken`).
 */
function emitMetrics(
  metrics: HandlerMetrics,
  summary: RunSummary,
  trigger: RunTrigger,
  lagSeconds: number | null,
  chainBroken: boolean,
): void {
  if (trigger.kind !== 'evidence-change') metrics.addMetric(METRICS.runSucceeded, MetricUnit.Count, 1);
  if (lagSeconds !== null) metrics.addMetric(METRICS.evaluationLagSeconds, MetricUnit.Seconds, lagSeconds);
  metrics.addMetric(METRICS.chainBroken, MetricUnit.Count, chainBroken ? 1 : 0);
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
}

/** After the reports and the ledger are written: a run with undelivered alerts fails, so the platform retries. */
function undeliveredError(result: RunResult, location: string): AlertDeliveryError {
  const undelivered = result.reports.validation.alerts?.undelivered ?? [];
  return new AlertDeliveryError(
    `${result.summary.alertsFailed} alert(s) could not be published to ${location}` +
      ` (${undelivered.map((u) => `${u.id}: ${u.error}`).join('; ')}); reports and the alert ledger are written,` +
      ' a retry publishes only the undelivered alerts',
  );
}

/** What the log says of a failed run, and whether its reports were written. */
function failureMessage(error: unknown): string {
  if (error instanceof StoreUnreachableError)
    return 'daily check failed: the store could not be reached; no reports were written';
  if (error instanceof StoreBusyError)
    return 'daily check not run: another run is evaluating the store; nothing was written (the platform retries)';
  if (error instanceof LedgerError)
    return 'daily check failed: the reports were written, but the alert ledger cannot be used; no alert was sent';
  return 'daily check failed: a report or the alert ledger could not be written';
}

/** Builds the adapters once (they are reused across warm invocations) and returns the handler. */
export function createHandler(config: DailyCheckConfig, deps: DailyCheckDeps = {}): DailyCheckHandler {
  const clock = deps.clock ?? ((): Date => new Date());
  const logger = deps.logger ?? new Logger({ serviceName: SERVICE_NAME });
  const metrics =
    deps.metrics ?? new Metrics({ namespace: config.metricsNamespace, serviceName: SERVICE_NAME });
  const adapters = buildAdapters(config, deps);
  const parameters = { cadenceDays: config.cadenceDays, warnDays: config.warnDays };
  const options = {
    policyKey: config.policyKey,
    scheduleKey: config.scheduleKey,
    waiversKey: config.waiversKey,
    maxWaiverDays: config.maxWaiverDays,
    parameters,
    concurrency: config.concurrency,
  };

  const run = runner({ adapters, options, clock, logger, metrics });
  const scope = { bucket: config.evidenceBucket, evidencePrefix: config.evidencePrefix };
  function handle(event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
  function handle(event?: ScheduledInvocation, context?: Context): Promise<RunSummary>;
  async function handle(event: unknown, context?: Context): Promise<RunSummary | SQSBatchResponse> {
    if (context) logger.addContext(context);
    if (isSqsBatch(event))
      return handleBatch(event, {
        scope,
        clock,
        logger,
        run: (trigger, now, eventsAt) => run(trigger, now, context, eventsAt),
      });
    const { trigger, now } = invocationOrThrow(event, clock, logger);
    return (await run(trigger, now, context, null)).summary;
  }
  return handle;
}

interface RunnerParts {
  readonly adapters: Adapters;
  readonly options: MonitorOptions;
  readonly clock: () => Date;
  readonly logger: HandlerLogger;
  readonly metrics: HandlerMetrics;
}

/** One logged, measured run; it throws after the reports and the ledger are written when alerts are undelivered. */
function runner({ adapters, options, clock, logger, metrics }: RunnerParts) {
  return async (
    trigger: RunTrigger,
    now: Date,
    context: Context | undefined,
    eventsAt: number | null,
  ): Promise<RunResult> => {
    const { store, reports, alerts } = adapters;
    logger.info('daily check started', {
      asOf: now.toISOString(),
      trigger: reportedTrigger(trigger),
      store: store.location,
      reports: reports.location,
      alerts: alerts?.sink.location ?? null,
      parameters: options.parameters,
    });
    const result = await runOrLog(
      () =>
        runMonitor(
          { ...monitorDeps(adapters, now, clock, context), trigger, catchUp: trigger.kind === 'schedule' },
          options,
        ),
      logger,
      trigger.kind === 'evidence-change' ? null : metrics,
    );
    const lagSeconds = eventsAt === null ? null : Math.max(0, clock().getTime() - eventsAt) / 1000;
    const chain = await checkChain(adapters.reports, options.concurrency, logger);
    emitMetrics(metrics, result.summary, trigger, lagSeconds, chain.broken);
    logger.info('daily check completed', {
      summary: result.summary,
      ...(lagSeconds === null ? {} : { lagSeconds }),
    });
    if (result.summary.alertsFailed > 0) {
      const error = undeliveredError(result, alerts?.sink.location ?? 'the alert sink');
      logger.error('daily check: alerts undelivered', {
        undelivered: result.reports.validation.alerts?.undelivered ?? [],
        error,
      });
      throw error;
    }
    return result;
  };
}

/** The run's dependencies: the claim lasts as long as this invocation can (a retry after a timeout re-sends). */
function monitorDeps(
  adapters: Adapters,
  now: Date,
  clock: () => Date,
  context: Context | undefined,
): MonitorDeps {
  const claimTtlMs =
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const runId = context?.awsRequestId;
  return {
    ...adapters,
    now,
    clock,
    ...(claimTtlMs === undefined ? {} : { claimTtlMs }),
    ...(runId ? { runId } : {}),
  };
}

/**
 * Runs the monitor; a failed run is logged with what it did write and rethrown. A scheduled or manual run also
 * counts as `RunSucceeded` 0 (`heartbeat`); a run started by evidence changes says nothing of the heartbeat.
 */
async function runOrLog(
  run: () => Promise<RunResult>,
  logger: HandlerLogger,
  heartbeat: HandlerMetrics | null,
): Promise<RunResult> {
  try {
    return await run();
  } catch (error) {
    logger.error(failureMessage(error), asError(error));
    heartbeat?.addMetric(METRICS.runSucceeded, MetricUnit.Count, 0);
    heartbeat?.publishStoredMetrics();
    throw error;
  }
}

function invocationOrThrow(
  event: unknown,
  clock: () => Date,
  logger: HandlerLogger,
): { readonly trigger: RunTrigger; readonly now: Date } {
  try {
    return invocationOf(event, clock);
  } catch (error) {
    logger.error('daily check refused its event', asError(error));
    throw error;
  }
}

/** The Lambda entry point; the configuration is parsed here, once, when the module loads. */
export const handler: DailyCheckHandler = createHandler(loadConfig(process.env));
