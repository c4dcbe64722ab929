import { Duration } from 'aws-cdk-lib';
import { MAX_EVENT_BATCH_SIZE, MAX_EVENT_BATCHING_WINDOW_SECONDS } from '../lambdas/constants';
import { READINESS_MONITOR_DEFAULTS } from './readiness-monitor-props';
import type { ReadinessMonitorProps } from './readiness-monitor-props';

/**
 * How the bucket's S3 events reach EventBridge: set on the created bucket (`created`), turned on by the construct
 * on an imported bucket (`enable`), or already on where the imported bucket is defined (`already-enabled`).
 */
export type BucketEventBridge = 'created' | 'enable' | 'already-enabled';

/** Event-driven evaluation as the builder makes it (docs/events.md). */
export interface EvidenceEventsConfig {
  readonly bucketEventBridge: BucketEventBridge;
  readonly batchingWindow: Duration;
  readonly batchSize: number;
}

const EVENT_PROPS = ['evidenceChangeBatchingWindow', 'evidenceChangeBatchSize'] as const;

/** Whether to evaluate on evidence changes, and how; null when not. Rejects contradictory props. */
export function resolveEvidenceEvents(props: ReadinessMonitorProps): EvidenceEventsConfig | null {
  const imported = props.evidenceBucket;
  const mode = props.importedBucketEventBridge;
  if (mode !== undefined && !imported)
    throw new Error(
      `importedBucketEventBridge ('${mode}') only applies to an imported evidenceBucket; a created bucket sends its events to EventBridge by itself`,
    );
  const enabled = props.evaluateOnEvidenceChange ?? (!imported || mode !== undefined);
  if (!enabled) {
    if (mode !== undefined)
      throw new Error(
        `importedBucketEventBridge ('${mode}') needs evaluateOnEvidenceChange: it was set to false`,
      );
    const stray = EVENT_PROPS.filter((name) => props[name] !== undefined);
    if (stray.length > 0)
      throw new Error(`${stray.join(' and ')} only apply when evaluateOnEvidenceChange is not false`);
    return null;
  }
  if (imported && mode === undefined)
    throw new Error(
      "evaluateOnEvidenceChange on an imported evidenceBucket needs importedBucketEventBridge: 'already-enabled' when the bucket's owner has turned EventBridge notifications on, or 'enable' to let the construct turn them on (it rewrites the bucket's notification configuration; see docs/events.md)",
    );
  return { bucketEventBridge: mode ?? 'created', ...batching(props) };
}

function batching(props: ReadinessMonitorProps): Omit<EvidenceEventsConfig, 'bucketEventBridge'> {
  const d = READINESS_MONITOR_DEFAULTS;
  const batchingWindow =
    props.evidenceChangeBatchingWindow ?? Duration.seconds(d.evidenceChangeBatchingWindowSeconds);
  const millis = batchingWindow.toMilliseconds();
  if (millis % 1000 !== 0 || millis < 0 || millis > MAX_EVENT_BATCHING_WINDOW_SECONDS * 1000)
    throw new Error(
      `evidenceChangeBatchingWindow must be whole seconds between 0 and ${MAX_EVENT_BATCHING_WINDOW_SECONDS}, got ${batchingWindow.toHumanString()}`,
    );
  const batchSize = props.evidenceChangeBatchSize ?? d.evidenceChangeBatchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_EVENT_BATCH_SIZE)
    throw new Error(
      `evidenceChangeBatchSize must be a whole number between 1 and ${MAX_EVENT_BATCH_SIZE}, got ${batchSize}`,
    );
  if (batchSize > 10 && millis === 0)
    throw new Error(
      `evidenceChangeBatchSize ${batchSize} needs an evidenceChangeBatchingWindow of at least 1 second (lambda allows more than 10 messages per batch only with a batching window)`,
    );
  return { batchingWindow, batchSize };
}
