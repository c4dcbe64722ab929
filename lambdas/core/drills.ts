/** Drill evidence: key names, ordering, and whether one drill counts as successful for its row (docs/formats.md, docs/rules.md). Pure. */
import { decodeJson, describeIssues, repeatedKeysReason } from './json-input';
import type { DrillEvidence, PolicyRow } from './schemas';
import { DrillEvidenceSchema } from './schemas';
import { compare } from './order';

const KEY_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-.+\.json$/;

/** The instant in a conforming drill key's file name (`<YYYYMMDDTHHMMSSZ>-<drillId>.json`), else null. */
export function keyTimestamp(key: string): number | null {
  const name = key.slice(key.lastIndexOf('/') + 1);
  const match = KEY_TIMESTAMP.exec(name);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const ms = Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0);
  const check = new Date(ms);
  // Reject impossible dates such as 20261341T256161Z.
  if (
    check.getUTCMonth() !== (mo ?? 1) - 1 ||
    check.getUTCDate() !== d ||
    check.getUTCHours() !== h ||
    check.getUTCMinutes() !== mi ||
    check.getUTCSeconds() !== s
  )
    return null;
  return ms;
}

/** `YYYYMMDDTHHMMSSZ` of an instant (seconds floored), the form drill keys use. */
export function formatKeyTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/[-:]/g, '').replace('.000', '');
}

export interface ListedDrill {
  readonly key: string;
  readonly lastModified: string | null;
}

export interface OrderedDrill<T extends ListedDrill> {
  readonly entry: T;
  /** The key's timestamp, or the LastModified/mtime for a nonconforming key (null: unknown, sorts oldest). */
  readonly orderAt: number | null;
  readonly conforming: boolean;
}

/** Newest first: by the timestamp in the key (LastModified for a nonconforming key), then by key descending. */
export function orderDrills<T extends ListedDrill>(entries: readonly T[]): OrderedDrill<T>[] {
  return entries
    .map((entry) => {
      const fromKey = keyTimestamp(entry.key);
      const modified = entry.lastModified === null ? NaN : Date.parse(entry.lastModified);
      return {
        entry,
        orderAt: fromKey ?? (Number.isNaN(modified) ? null : modified),
        conforming: fromKey !== null,
      };
    })
    .sort((a, b) => (b.orderAt ?? -Infinity) - (a.orderAt ?? -Infinity) || compare(b.entry.key, a.entry.key));
}

/** Where an artifact came from: enough to name it in a report and in the promotion's consumed evidence. */
export interface ArtifactRef {
  readonly key: string;
  readonly etag: string | null;
  readonly versionId: string | null;
  readonly sha256: string;
}

/** One artifact after reading and judging it against its row. */
export type JudgedDrill =
  | { readonly kind: 'invalid'; readonly key: string; readonly message: string }
  | { readonly kind: 'unreadable'; readonly key: string; readonly message: string }
  | {
      readonly kind: 'future';
      readonly ref: ArtifactRef;
      readonly drill: DrillEvidence;
      readonly completedAt: number;
      /** The instant the key names when it disagrees with `completedAt` (see `keyMismatchAt`), else null. */
      readonly keyMismatchAt: number | null;
    }
  | {
      readonly kind: 'drill';
      readonly ref: ArtifactRef;
      readonly drill: DrillEvidence;
      readonly completedAt: number;
      readonly keyMismatchAt: number | null;
      readonly success: boolean;
      readonly reasons: readonly string[];
    };

/** What the caller could read of one artifact (a subset of the ports' `ReadResult`, plus its digest). */
export type RawArtifact =
  | { readonly kind: 'ok'; readonly ref: ArtifactRef; readonly bytes: Uint8Array }
  | { readonly kind: 'missing'; readonly key: string }
  | { readonly kind: 'too-large'; readonly key: string; readonly size: number }
  | { readonly kind: 'refused'; readonly key: string; readonly message: string }
  | { readonly kind: 'error'; readonly key: string; readonly message: string };

export function drillTypeFor(row: PolicyRow): 'incident' | 'rollback' {
  return row.phase === 'incident' ? 'incident' : 'rollback';
}

function missingFrom(required: readonly string[], present: readonly string[] | undefined): string[] {
  const have = new Set(present ?? []);
  return required.filter((item) => !have.has(item));
}

/** The reasons a drill does not count as successful for its row; empty when it counts. */
export function failureReasons(
  row: PolicyRow,
  drill: DrillEvidence,
  pinnedVersion: string | undefined,
): string[] {
  const reasons: string[] = [];
  if (drill.outcome !== 'pass') reasons.push('outcome-fail: the drill failed');
  if (drill.rowId !== row.id) reasons.push(`row-mismatch: drill is for row "${drill.rowId}"`);
  if (drill.runbookId !== row.runbookId)
    reasons.push(`runbook-mismatch: drill exercised "${drill.runbookId}", row requires "${row.runbookId}"`);
  const expectedType = drillTypeFor(row);
  if (drill.drillType !== expectedType)
    reasons.push(`drill-type-mismatch: a ${drill.drillType} drill cannot cover a ${row.phase} row`);
  if (drill.runbookVersion === undefined) {
    reasons.push('runbook-version-missing: the drill does not pin the runbook version it exercised');
  } else if (pinnedVersion !== undefined && drill.runbookVersion !== pinnedVersion) {
    reasons.push(
      `runbook-version-drift: drill exercised ${drill.runbookVersion}, the policy pins ${pinnedVersion}`,
    );
  }
  if (drill.responseMinutes === undefined) reasons.push('response-missing: responseMinutes is not recorded');
  else if (drill.responseMinutes > row.maxResponseMinutes)
    reasons.push(
      `response-over-budget: responseMinutes ${drill.responseMinutes} > maxResponseMinutes ${row.maxResponseMinutes}`,
    );
  if (drill.recoveryMinutes === undefined) reasons.push('recovery-missing: recoveryMinutes is not recorded');
  else if (drill.recoveryMinutes > row.maxRecoveryMinutes)
    reasons.push(
      `recovery-over-budget: recoveryMinutes ${drill.recoveryMinutes} > maxRecoveryMinutes ${row.maxRecoveryMinutes}`,
    );
  const roles = missingFrom(row.requiredRoles, drill.rolesPresent);
  if (roles.length > 0) reasons.push(`roles-missing: ${roles.join(', ')}`);
  const artifacts = missingFrom(row.requiredArtifacts, drill.artifactsProduced);
  if (artifacts.length > 0) reasons.push(`artifacts-missing: ${artifacts.join(', ')}`);
  if (expectedType === 'incident') {
    const used = new Set(drill.channelsUsed ?? []);
    if (!row.communicationChannels.some((channel) => used.has(channel)))
      reasons.push(
        `channel-missing: none of ${row.communicationChannels.join(', ') || '(no channels)'} was used`,
      );
  }
  return reasons;
}

/** Parses and judges one artifact of `row`'s folder. Never throws. */
export function judgeArtifact(
  row: PolicyRow,
  catalog: Readonly<Record<string, string>> | null,
  raw: RawArtifact,
  now: number,
): JudgedDrill {
  if (raw.kind === 'missing')
    return { kind: 'unreadable', key: raw.key, message: 'listed but no longer found' };
  if (raw.kind === 'error') return { kind: 'unreadable', key: raw.key, message: raw.message };
  if (raw.kind === 'refused') return { kind: 'invalid', key: raw.key, message: raw.message };
  if (raw.kind === 'too-large')
    return { kind: 'invalid', key: raw.key, message: `larger than 5 MiB (${raw.size} bytes); not read` };
  const key = raw.ref.key;
  const decoded = decodeJson(raw.bytes);
  if (!decoded.ok) return { kind: 'invalid', key, message: decoded.reason };
  const repeated = repeatedKeysReason(decoded);
  if (repeated !== null) return { kind: 'invalid', key, message: repeated };
  const parsed = DrillEvidenceSchema.safeParse(decoded.value);
  if (!parsed.success) {
    const first = describeIssues(parsed.error.issues, decoded.value).filter((m) => m.kind === 'schema');
    const message = first
      .slice(0, 3)
      .map((m) => m.message)
      .join('; ');
    return { kind: 'invalid', key, message: message || 'does not match the evidence schema' };
  }
  const drill = parsed.data;
  if (drill.rowId !== row.id) {
    return { kind: 'invalid', key, message: `misfiled: rowId "${drill.rowId}" but stored under "${row.id}"` };
  }
  const completedAt = Date.parse(drill.completedAt);
  const read = { ref: raw.ref, drill, completedAt, keyMismatchAt: keyMismatchAt(key, completedAt) };
  if (completedAt > now) return { kind: 'future', ...read };
  const pinned =
    catalog !== null && Object.hasOwn(catalog, row.runbookId) ? catalog[row.runbookId] : undefined;
  const reasons = failureReasons(row, drill, pinned);
  return { kind: 'drill', ...read, success: reasons.length === 0, reasons };
}

/**
 * The instant a conforming key names when it is not `completedAt`'s second (key times are floored to the
 * second), else null. Keys are the index the reading plan trusts, so a misnamed key is only caught once read.
 */
export function keyMismatchAt(key: string, completedAt: number): number | null {
  const fromKey = keyTimestamp(key);
  return fromKey === null || fromKey === Math.floor(completedAt / 1000) * 1000 ? null : fromKey;
}
