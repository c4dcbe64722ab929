/**
 * The policy's own rules beyond its schema (what the operational runbook contract requires of every
 * policy; docs/formats.md, "Finding codes"): role coverage of blocking rows, channels of incident rows, positive integer SLO budgets, pinned
 * runbooks, and blocking coverage of the incident and cutover phases. One function per rule. Pure.
 */
import type { Finding, PolicyRow } from './schemas';

/** A row entry as found in the file (not yet schema-checked), with where it sits. */
export interface RawRowContext {
  readonly key: string;
  /** `rows[3]` (or `[3]` for a bare array). */
  readonly base: string;
  readonly row: Readonly<Record<string, unknown>>;
  readonly catalog: Readonly<Record<string, string>> | null;
}

type RowRule = (ctx: RawRowContext) => Omit<Finding, 'rowId'> | null;

const CUTOVER_PHASES = new Set(['pre-cutover', 'cutover', 'post-cutover']);

/** `blocking: true` needs at least one required role. */
export const blockingRolesEmpty: RowRule = ({ key, base, row }) =>
  row.blocking === true && Array.isArray(row.requiredRoles) && row.requiredRoles.length === 0
    ? {
        code: 'blocking-roles-empty',
        severity: 'error',
        path: `${base}.requiredRoles`,
        message: `${key} ${base}.requiredRoles: a blocking row must name at least one required role`,
      }
    : null;

/** `phase: "incident"` needs at least one communication channel. */
export const incidentChannelsEmpty: RowRule = ({ key, base, row }) =>
  row.phase === 'incident' &&
  Array.isArray(row.communicationChannels) &&
  row.communicationChannels.length === 0
    ? {
        code: 'incident-channels-empty',
        severity: 'error',
        path: `${base}.communicationChannels`,
        message: `${key} ${base}.communicationChannels: an incident row must name at least one communication channel`,
      }
    : null;

/** Response and recovery budgets are positive integers (minutes). */
export function sloBudgetFindings(ctx: RawRowContext): Omit<Finding, 'rowId'>[] {
  const out: Omit<Finding, 'rowId'>[] = [];
  for (const field of ['maxResponseMinutes', 'maxRecoveryMinutes'] as const) {
    const value = ctx.row[field];
    if (typeof value === 'number' && !(Number.isInteger(value) && value > 0)) {
      out.push({
        code: 'slo-budget-invalid',
        severity: 'error',
        path: `${ctx.base}.${field}`,
        message: `${ctx.key} ${ctx.base}.${field}: must be a positive integer number of minutes, got ${value}`,
      });
    }
  }
  return out;
}

/** Where a catalog exists, the row's runbook must be pinned in it (an error on a blocking row). */
export const runbookUnpinned: RowRule = ({ key, base, row, catalog }) =>
  catalog !== null && typeof row.runbookId === 'string' && !Object.hasOwn(catalog, row.runbookId)
    ? {
        code: 'runbook-unpinned',
        severity: row.blocking === true ? 'error' : 'warning',
        path: `${base}.runbookId`,
        message: `${key} ${base}.runbookId: runbook ${JSON.stringify(row.runbookId)} has no pinned version in the runbooks catalog`,
      }
    : null;

/** Every rule of one row entry, in a fixed order. */
export function rowRuleFindings(ctx: RawRowContext): Omit<Finding, 'rowId'>[] {
  const single = [blockingRolesEmpty(ctx), incidentChannelsEmpty(ctx)];
  return [...single, ...sloBudgetFindings(ctx), runbookUnpinned(ctx)].filter(
    (f): f is Omit<Finding, 'rowId'> => f !== null,
  );
}

/** At least one valid blocking row with phase `incident`, and one in a cutover phase. */
export function coverageFindings(key: string, rows: readonly PolicyRow[]): Finding[] {
  const blocking = rows.filter((row) => row.blocking);
  const findings: Finding[] = [];
  if (!blocking.some((row) => row.phase === 'incident')) {
    findings.push({
      code: 'coverage-missing',
      severity: 'error',
      message: `${key}: no valid blocking row with phase "incident"`,
    });
  }
  if (!blocking.some((row) => CUTOVER_PHASES.has(row.phase))) {
    findings.push({
      code: 'coverage-missing',
      severity: 'error',
      message: `${key}: no valid blocking row in a cutover phase (pre-cutover, cutover, post-cutover)`,
    });
  }
  return findings;
}
