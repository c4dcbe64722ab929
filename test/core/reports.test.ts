import { evaluateRow } from '../../lambdas/core/evaluate-row';
import { decidePromotion } from '../../lambdas/core/promotion';
import type { ReportHeaderInput } from '../../lambdas/core/reports';
import {
  INCIDENT_FILE,
  REPORT_FILES,
  ROLLBACK_FILE,
  VALIDATION_FILE,
  buildReports,
  reportDate,
  reportKeys,
  serialize,
} from '../../lambdas/core/reports';
import type { Changes, Finding } from '../../lambdas/core/schemas';
import { DrillReportSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import { DAY, PARAMS, at, incidentRow, iso, rollbackRow, success } from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');

const header: ReportHeaderInput = {
  generatedAt: '2026-11-25T06:00:03.120Z',
  now: NOW,
  monitorVersion: '0.1.0',
  parameters: PARAMS,
  store: 's3://bucket/prefix',
  policySource: {
    key: 'policy/usr-operational-readiness-policy.json',
    etag: 'abc',
    versionId: 'v1',
    lastModified: '2026-11-01T00:00:00Z',
    sha256: 'f'.repeat(64),
  },
  policyVersion: '2026.11.0',
};

const incB = incidentRow({ id: 'inc-b' });
const incA = incidentRow({ id: 'inc-a', blocking: false });
const pre = rollbackRow({ id: 'rb-pre', phase: 'pre-cutover' });
const post = rollbackRow({ id: 'rb-post', phase: 'post-cutover' });
const evaluations = [
  evaluateRow(incB, [success(incB, iso(NOW - DAY), NOW)], [], null, NOW, PARAMS),
  evaluateRow(incA, [], [], null, NOW, PARAMS),
  evaluateRow(pre, [success(pre, iso(NOW - 25 * DAY), NOW)], [], null, NOW, PARAMS),
  evaluateRow(post, [success(post, iso(NOW - 40 * DAY), NOW)], [], null, NOW, PARAMS),
];
const findings: Finding[] = [
  { code: 'unknown-field', severity: 'warning', path: 'x', message: 'policy x: unknown field' },
  { code: 'slo-budget-invalid', severity: 'error', rowId: 'r', message: 'bad budget' },
];
const promotion = decidePromotion(
  findings,
  evaluations.map((e) => e.report),
  null,
);
const changes: Changes = {
  since: '2026-11-24',
  decision: { from: 'go', to: 'no-go' },
  rows: [{ rowId: 'rb-post', from: 'due-soon', to: 'overdue' }],
};
const build = () => buildReports(header, findings, 5, evaluations, promotion, null, changes);

describe('reportDate', () => {
  it('is the UTC date of now', () => {
    expect(reportDate(at('2026-11-25T23:59:59Z'))).toBe('2026-11-25');
    expect(reportDate(at('2026-11-26T00:30:00+01:00'))).toBe('2026-11-25');
  });
});

describe('reportKeys', () => {
  it('writes each report under the day folder and under latest', () => {
    expect(reportKeys(NOW, VALIDATION_FILE)).toEqual([
      'reports/2026-11-25/usr-operational-readiness-validation.json',
      'reports/latest/usr-operational-readiness-validation.json',
    ]);
  });

  it('names the three contract files', () => {
    expect(REPORT_FILES).toEqual([
      'usr-operational-readiness-validation.json',
      'usr-incident-response-drill-report.json',
      'usr-rollback-drill-report.json',
    ]);
    expect([INCIDENT_FILE, ROLLBACK_FILE]).toEqual(REPORT_FILES.slice(1));
  });
});

describe('buildReports', () => {
  it('produces documents that validate against the report schemas', () => {
    const reports = build();
    expect(ValidationReportSchema.safeParse(reports.validation).success).toBe(true);
    expect(DrillReportSchema.safeParse(reports.incident).success).toBe(true);
    expect(DrillReportSchema.safeParse(reports.rollback).success).toBe(true);
  });

  it('carries the header on every document', () => {
    const reports = build();
    for (const document of [reports.validation, reports.incident, reports.rollback]) {
      expect(document).toMatchObject({
        generatedAt: '2026-11-25T06:00:03.120Z',
        asOf: '2026-11-25T06:00:00Z',
        monitorVersion: '0.1.0',
        parameters: { cadenceDays: 30, warnDays: 7 },
        store: 's3://bucket/prefix',
        policySource: header.policySource,
        policyVersion: '2026.11.0',
      });
    }
    expect(reports.validation.schemaVersion).toBe('usr-operational-readiness-validation/v1');
    expect(reports.incident.schemaVersion).toBe('usr-incident-response-drill-report/v1');
    expect(reports.rollback.schemaVersion).toBe('usr-rollback-drill-report/v1');
  });

  it('summarises the policy: rows in the file, evaluated blocking rows, errors and warnings', () => {
    const reports = build();
    expect(reports.validation.summary).toEqual({
      rows: 5,
      blockingRows: 3,
      errors: 1,
      warnings: 1,
      waived: 0,
    });
    expect(reports.validation.findings).toEqual(findings);
    expect(reports.validation.promotion).toBe(promotion);
    expect(reports.validation.alerts).toBeNull();
    expect(reports.validation.changes).toBe(changes);
  });

  it('puts incident rows in the incident report, sorted by id', () => {
    const { incident } = build();
    expect(incident.drillType).toBe('incident');
    expect(incident.rows.map((r) => [r.rowId, r.status])).toEqual([
      ['inc-a', 'never-drilled'],
      ['inc-b', 'compliant'],
    ]);
    expect(incident.summary).toEqual({
      compliant: 1,
      'due-soon': 0,
      overdue: 0,
      'never-drilled': 1,
      'cutover-uncovered': 0,
    });
  });

  it('puts every cutover-phase row in the rollback report, sorted by id', () => {
    const { rollback } = build();
    expect(rollback.drillType).toBe('rollback');
    expect(rollback.rows.map((r) => [r.rowId, r.status])).toEqual([
      ['rb-post', 'overdue'],
      ['rb-pre', 'due-soon'],
    ]);
    expect(rollback.summary).toMatchObject({ 'due-soon': 1, overdue: 1, compliant: 0 });
  });

  it('is the same for the same inputs whatever the order of the rows', () => {
    const reversed = buildReports(header, findings, 5, [...evaluations].reverse(), promotion, null, changes);
    expect(serialize(reversed.incident)).toBe(serialize(build().incident));
    expect(serialize(reversed.rollback)).toBe(serialize(build().rollback));
  });
});

describe('serialize', () => {
  it('writes two-space JSON with a final newline', () => {
    expect(serialize({ a: [1], b: null })).toBe('{\n  "a": [\n    1\n  ],\n  "b": null\n}\n');
  });
});
