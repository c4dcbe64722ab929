/** The three output documents (docs/formats.md, "Reports") and their keys. Pure and deterministic. */
import type { EvaluationParameters } from './cadence';
import type { RowEvaluation } from './evaluate-row';
import type {
  Changes,
  DrillReport,
  Finding,
  Promotion,
  RowReport,
  Source,
  Trigger,
  ValidationReport,
  WaiverRecord,
} from './schemas';
import { statusCounts } from './evaluate-run';
import { compare } from './order';
import { isoInstant } from './time';

export const VALIDATION_FILE = 'usr-operational-readiness-validation.json';
export const INCIDENT_FILE = 'usr-incident-response-drill-report.json';
export const ROLLBACK_FILE = 'usr-rollback-drill-report.json';
export const REPORT_FILES = [VALIDATION_FILE, INCIDENT_FILE, ROLLBACK_FILE] as const;

export interface ReportHeaderInput {
  readonly generatedAt: string;
  readonly now: number;
  readonly monitorVersion: string;
  readonly parameters: EvaluationParameters;
  readonly store: string;
  readonly policySource: Source;
  readonly policyVersion: string | null;
  /** What started the run; recorded in the validation report only. */
  readonly trigger?: Trigger;
}

export interface ReportSet {
  readonly validation: ValidationReport;
  readonly incident: DrillReport;
  readonly rollback: DrillReport;
}

/** `YYYY-MM-DD` of `now` in UTC: the folder of the day's reports. */
export function reportDate(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

/** Where each report goes: `reports/<date>/<file>` and `reports/latest/<file>`. */
export function reportKeys(now: number, file: string): [string, string] {
  return [`reports/${reportDate(now)}/${file}`, `reports/latest/${file}`];
}

function header(input: ReportHeaderInput, schemaVersion: string) {
  return {
    schemaVersion,
    generatedAt: input.generatedAt,
    asOf: isoInstant(input.now),
    monitorVersion: input.monitorVersion,
    parameters: { cadenceDays: input.parameters.cadenceDays, warnDays: input.parameters.warnDays },
    store: input.store,
    policySource: input.policySource,
    policyVersion: input.policyVersion,
  };
}

function drillReport(
  input: ReportHeaderInput,
  drillType: 'incident' | 'rollback',
  rows: readonly RowReport[],
): DrillReport {
  const summary: DrillReport['summary'] = statusCounts(rows);
  return {
    ...header(
      input,
      drillType === 'incident' ? 'usr-incident-response-drill-report/v1' : 'usr-rollback-drill-report/v1',
    ),
    drillType,
    rows: [...rows].sort((a, b) => compare(a.rowId, b.rowId)),
    summary,
  };
}

/** The waivers of a run (docs/waivers.md): each entry of the file with its state, and where the file came from. */
export interface WaiverSection {
  readonly records: readonly WaiverRecord[];
  readonly source: Source | null;
}

export const NO_WAIVER_SECTION: WaiverSection = { records: [], source: null };

export function buildReports(
  input: ReportHeaderInput,
  documentFindings: readonly Finding[],
  rowCount: number,
  rows: readonly RowEvaluation[],
  promotion: Promotion,
  alerts: ValidationReport['alerts'],
  changes: Changes,
  waivers: WaiverSection = NO_WAIVER_SECTION,
): ReportSet {
  const reports = rows.map((r) => r.report);
  const errors = documentFindings.filter((f) => f.severity === 'error').length;
  return {
    validation: {
      ...header(input, 'usr-operational-readiness-validation/v1'),
      findings: [...documentFindings],
      summary: {
        rows: rowCount,
        blockingRows: reports.filter((r) => r.blocking).length,
        errors,
        warnings: documentFindings.length - errors,
        waived: promotion.waived.length,
      },
      promotion,
      waivers: [...waivers.records],
      waiversSource: waivers.source,
      alerts,
      changes,
      ...(input.trigger ? { trigger: input.trigger } : {}),
    },
    incident: drillReport(
      input,
      'incident',
      reports.filter((r) => r.phase === 'incident'),
    ),
    rollback: drillReport(
      input,
      'rollback',
      reports.filter((r) => r.phase !== 'incident'),
    ),
  };
}

/** Stable serialisation: two-space JSON with a final newline. */
export function serialize(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
