/** The JSON Schemas published in `schemas/`, generated from the zod schemas (one source of truth). */
import * as z from 'zod';
import {
  AlertSchema,
  ConsumedEvidenceRecordSchema,
  CutoverScheduleSchema,
  DrillEvidenceSchema,
  DrillReportSchema,
  HistoryRecordSchema,
  LedgerSchema,
  ManifestSchema,
  PolicyFileSchema,
  ValidationReportSchema,
  WaiversFileSchema,
} from './schemas';

const DOCUMENTS = {
  'usr-operational-readiness-policy.schema.json': { schema: PolicyFileSchema, io: 'input' },
  'usr-drill-evidence.schema.json': { schema: DrillEvidenceSchema, io: 'input' },
  'usr-cutover-schedule.schema.json': { schema: CutoverScheduleSchema, io: 'input' },
  'usr-readiness-waivers.schema.json': { schema: WaiversFileSchema, io: 'input' },
  'usr-operational-readiness-validation.schema.json': { schema: ValidationReportSchema, io: 'output' },
  'usr-drill-report.schema.json': { schema: DrillReportSchema, io: 'output' },
  'usr-readiness-alert.schema.json': { schema: AlertSchema, io: 'output' },
  'usr-readiness-alert-ledger.schema.json': { schema: LedgerSchema, io: 'output' },
  'usr-readiness-history-record.schema.json': { schema: HistoryRecordSchema, io: 'output' },
  'usr-readiness-consumed-evidence-record.schema.json': {
    schema: ConsumedEvidenceRecordSchema,
    io: 'output',
  },
  'usr-readiness-manifest.schema.json': { schema: ManifestSchema, io: 'output' },
} as const;

/** File name → pretty-printed JSON Schema text (with a final newline). */
export function jsonSchemaFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, { schema, io }] of Object.entries(DOCUMENTS)) {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12' });
    out[file] =
      `${JSON.stringify({ $id: `https://usr-readiness-monitor/schemas/${file}`, ...json }, null, 2)}\n`;
  }
  return out;
}
