/**
 * The `waivers` case (`npm run bench -- --only waivers`): the cost of waivers on a large run, in process. Builds a
 * waivers file of just under 5 MiB (the largest document the monitor reads) over a policy of 5,000 rows, each row
 * overdue with a failed drill, then times, as the median of several runs: validating the file (UTF-8, JSON,
 * repeated keys, every waiver) and applying the active waivers to the 5,000 rows and their promotion blockers.
 * One JSON line.
 */
import { MAX_DOCUMENT_BYTES } from '../lambdas/constants';
import type { RowEvaluation } from '../lambdas/core/evaluate-row';
import { statusCounts } from '../lambdas/core/evaluate-run';
import { decidePromotion } from '../lambdas/core/promotion';
import type { RowReport } from '../lambdas/core/schemas';
import { WAIVERS_SCHEMA_VERSION } from '../lambdas/core/schemas';
import { applyWaivers } from '../lambdas/core/waiver-effect';
import { validateWaivers } from '../lambdas/core/waivers';

const RUNS = 9;
const ROWS = 5_000;
const NOW = Date.parse('2026-11-25T06:00:00Z');

export interface WaiversLine {
  readonly case: 'waivers';
  readonly rows: number;
  readonly waivers: number;
  readonly fileBytes: number;
  readonly validateMs: number;
  readonly applyMs: number;
  readonly waivedBlockers: number;
}

const rowId = (i: number): string => `row-${String(i).padStart(5, '0')}`;

function waiver(i: number): Record<string, unknown> {
  return {
    id: `W-${String(i).padStart(6, '0')}`,
    rowId: rowId(i % ROWS),
    codes: ['overdue', 'remediation-missing'],
    reason: 'accepted until the drill booked for next week; see the change ticket for the plan',
    approvedBy: 'release-board@example.com',
    approvedAt: '2026-11-20T09:00:00Z',
    expiresAt: '2026-12-04T00:00:00Z',
    ticket: `CHG-${i}`,
  };
}

/** A pretty-printed waivers file of as many waivers as fit in `maxBytes`. */
function waiversText(maxBytes: number): { text: string; count: number } {
  const one = JSON.stringify(waiver(0), null, 2).length + 2;
  for (let count = Math.floor((maxBytes - 1024) / one); ; count -= 100) {
    const text = JSON.stringify(
      { schemaVersion: WAIVERS_SCHEMA_VERSION, waivers: Array.from({ length: count }, (_, i) => waiver(i)) },
      null,
      2,
    );
    if (Buffer.byteLength(text) <= maxBytes) return { text, count };
  }
}

function report(i: number): RowReport {
  const id = rowId(i);
  const finding = (code: 'overdue' | 'remediation-missing') => ({
    code,
    severity: 'error' as const,
    message: `${id}: ${code}`,
  });
  return {
    rowId: id,
    phase: 'incident',
    runbookId: 'rb',
    blocking: true,
    severityClass: 'sev1',
    status: 'overdue',
    dueAt: '2026-11-01T00:00:00Z',
    lastSuccess: null,
    failures: [],
    findings: [finding('overdue'), finding('remediation-missing')],
    evidenceRead: 2,
  };
}

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? NaN) * 100) / 100;
}

export function runWaiversBench(): WaiversLine {
  const { text, count } = waiversText(MAX_DOCUMENT_BYTES);
  const bytes = new TextEncoder().encode(text);
  const rules = { maxWaiverDays: 30, rowIds: new Set(Array.from({ length: ROWS }, (_, i) => rowId(i))) };
  const raw = { kind: 'ok' as const, object: { bytes } };
  const validated = validateWaivers('policy/waivers.json', raw, rules);
  const rows: RowEvaluation[] = Array.from({ length: ROWS }, (_, i) => ({
    report: report(i),
    problems: ['overdue', 'remediation-missing'],
  }));
  const reports = rows.map((r) => r.report);
  const verdict = {
    documentFindings: [],
    promotion: decidePromotion([], reports, null),
    statuses: statusCounts(reports),
  };
  const apply = () => applyWaivers(validated, rows, verdict, { now: NOW, warnDays: 7 });
  return {
    case: 'waivers',
    rows: ROWS,
    waivers: count,
    fileBytes: bytes.byteLength,
    validateMs: median(() => validateWaivers('policy/waivers.json', raw, rules)),
    applyMs: median(apply),
    waivedBlockers: apply().verdict.promotion.waived.length,
  };
}
