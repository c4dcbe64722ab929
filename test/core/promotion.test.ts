import type { JudgedDrill } from '../../lambdas/core/drills';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import { decidePromotion } from '../../lambdas/core/promotion';
import type { Window } from '../../lambdas/core/schedule';
import { windowInForce } from '../../lambdas/core/schedule';
import type { Finding, PolicyRow, RowReport } from '../../lambdas/core/schemas';
import {
  DAY,
  PARAMS,
  at,
  failure,
  incidentRow,
  iso,
  rollbackRow,
  success,
  window,
} from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const W1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
const incident = incidentRow();
const rollback = rollbackRow();

function report(row: PolicyRow, drills: readonly JudgedDrill[], windows: readonly Window[] = []): RowReport {
  return evaluateRow(row, drills, [], windowInForce(windows, NOW, 30 * DAY), NOW, PARAMS).report;
}

const fresh = (row: PolicyRow) => report(row, [success(row, iso(NOW - 2 * DAY), NOW)]);
const healthy = () => [fresh(incident), fresh(rollback)];
const decide = (rows: readonly RowReport[], findings: readonly Finding[] = [], w: Window | null = W1) =>
  decidePromotion(findings, rows, w);
const blockerCodes = (rows: readonly RowReport[], findings: readonly Finding[] = []) =>
  decide(rows, findings).blockers.map((b) => [b.rowId ?? null, b.code]);

describe('decidePromotion', () => {
  it('is go when every blocking row is covered and the policy has no error', () => {
    expect(decide(healthy())).toMatchObject({
      decision: 'go',
      window: { id: 'w1', startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-12-01T04:00:00Z' },
      blockers: [],
    });
  });

  it('has no window when none is scheduled', () => {
    expect(decide(healthy(), [], null).window).toBeNull();
  });

  it('is go with warnings only', () => {
    const warning: Finding = { code: 'unknown-field', severity: 'warning', path: 'x', message: 'm' };
    expect(decide(healthy(), [warning]).decision).toBe('go');
  });

  it('is go when a blocking row is only due soon', () => {
    const dueSoon = report(incident, [success(incident, iso(NOW - 25 * DAY), NOW)]);
    expect(dueSoon.status).toBe('due-soon');
    expect(decide([dueSoon, fresh(rollback)]).decision).toBe('go');
  });

  describe('no-go', () => {
    it('for an error finding of the policy, keeping its row id and message', () => {
      const error: Finding = {
        code: 'slo-budget-invalid',
        severity: 'error',
        rowId: 'r9',
        path: 'rows[9]',
        message: 'm',
      };
      expect(decide(healthy(), [error])).toMatchObject({
        decision: 'no-go',
        blockers: [{ code: 'slo-budget-invalid', rowId: 'r9', message: 'm' }],
      });
    });

    it('for a document-level error finding, without a row id', () => {
      const error: Finding = { code: 'coverage-missing', severity: 'error', message: 'm' };
      const [blocker] = decide(healthy(), [error]).blockers;
      expect(blocker).toEqual({ code: 'coverage-missing', message: 'm' });
    });

    it('for an invalid schedule', () => {
      const error: Finding = { code: 'schedule-invalid', severity: 'error', message: 'm' };
      expect(blockerCodes(healthy(), [error])).toEqual([[null, 'schedule-invalid']]);
    });

    it('for a blocking row never drilled', () => {
      expect(blockerCodes([report(incident, []), fresh(rollback)])).toEqual([[incident.id, 'never-drilled']]);
    });

    it('for a blocking row overdue', () => {
      const overdue = report(incident, [success(incident, iso(NOW - 31 * DAY), NOW)]);
      expect(decide([overdue, fresh(rollback)]).blockers).toEqual([
        { code: 'overdue', rowId: incident.id, message: overdue.findings[0]?.message },
      ]);
    });

    it('for a blocking row with the cutover uncovered', () => {
      const uncovered = report(rollback, [success(rollback, '2026-10-31T00:00:00Z', NOW)], [W1]);
      expect(uncovered.status).toBe('cutover-uncovered');
      expect(blockerCodes([fresh(incident), uncovered])).toEqual([[rollback.id, 'cutover-uncovered']]);
    });

    it('for a blocking row with a failed drill lacking remediation', () => {
      const row = report(incident, [
        success(incident, iso(NOW - 9 * DAY), NOW),
        failure(incident, iso(NOW - DAY), NOW),
      ]);
      expect(row.status).toBe('compliant');
      expect(blockerCodes([row, fresh(rollback)])).toEqual([[incident.id, 'remediation-missing']]);
    });

    it('for a blocking row whose remediation is overdue', () => {
      const row = report(incident, [
        success(incident, iso(NOW - 9 * DAY), NOW),
        failure(incident, iso(NOW - 5 * DAY), NOW, { owner: 'jdoe', eta: '2026-11-24' }),
      ]);
      expect(blockerCodes([row, fresh(rollback)])).toEqual([[incident.id, 'remediation-overdue']]);
    });

    it('for evidence that could not be read, even on a non-blocking row', () => {
      const nonBlocking = incidentRow({ id: 'optional', blocking: false });
      const unreadable = report(nonBlocking, [
        success(nonBlocking, iso(NOW - DAY), NOW),
        { kind: 'unreadable', key: 'drills/optional/x.json', message: 'AccessDenied' },
      ]);
      expect(blockerCodes([...healthy(), unreadable])).toEqual([['optional', 'evidence-unreadable']]);
    });
  });

  it('never blocks on a non-blocking row, whatever its state', () => {
    const a = incidentRow({ id: 'a', blocking: false });
    const b = rollbackRow({ id: 'b', blocking: false });
    const c = incidentRow({ id: 'c', blocking: false });
    const rows = [
      report(a, []),
      report(b, [success(b, '2026-10-20T00:00:00Z', NOW)], [W1]),
      report(c, [
        success(c, iso(NOW - 9 * DAY), NOW),
        failure(c, iso(NOW - 5 * DAY), NOW),
        failure(c, iso(NOW - 4 * DAY), NOW, { owner: 'x', eta: '2026-11-22' }),
      ]),
    ];
    expect(rows.map((r) => r.status)).toEqual(['never-drilled', 'overdue', 'compliant']);
    expect(rows[1]?.findings.map((f) => f.code)).toEqual(['cutover-uncovered', 'overdue']);
    expect(rows[2]?.findings.map((f) => f.code)).toEqual(['remediation-overdue']);
    expect(decide([...healthy(), ...rows]).decision).toBe('go');
  });

  it('does not block on invalid evidence', () => {
    const row = report(incident, [
      success(incident, iso(NOW - DAY), NOW),
      { kind: 'invalid', key: 'drills/x/y.json', message: 'not valid JSON' },
    ]);
    expect(decide([row, fresh(rollback)]).decision).toBe('go');
  });

  it('lists one blocker per code and row, and every code of a row', () => {
    const row = report(
      incident,
      [
        success(incident, '2026-10-20T00:00:00Z', NOW),
        failure(incident, iso(NOW - 3 * DAY), NOW),
        failure(incident, iso(NOW - 2 * DAY), NOW),
      ],
      [W1],
    );
    expect(row.findings.map((f) => f.code)).toEqual([
      'cutover-uncovered',
      'overdue',
      'remediation-missing',
      'remediation-missing',
    ]);
    expect(blockerCodes([row, fresh(rollback)])).toEqual([
      [incident.id, 'cutover-uncovered'],
      [incident.id, 'overdue'],
      [incident.id, 'remediation-missing'],
    ]);
  });

  it('orders blockers document-level first, then by row id and code', () => {
    const rows = [report(rollbackRow({ id: 'b' }), []), report(incidentRow({ id: 'a' }), [])];
    const findings: Finding[] = [{ code: 'coverage-missing', severity: 'error', message: 'm' }];
    expect(blockerCodes(rows, findings)).toEqual([
      [null, 'coverage-missing'],
      ['a', 'never-drilled'],
      ['b', 'never-drilled'],
    ]);
  });

  describe('consumed evidence', () => {
    it('lists the latest success of each blocking row, sorted by row id', () => {
      const latest = success(rollback, iso(NOW - 2 * DAY), NOW);
      const rows = [report(rollback, [success(rollback, iso(NOW - 9 * DAY), NOW), latest]), fresh(incident)];
      const consumed = decide(rows).consumedEvidence;
      expect(consumed.map((c) => c.rowId)).toEqual([rollback.id, incident.id].sort());
      if (latest.kind !== 'drill') throw new Error('expected a drill');
      expect(consumed.find((c) => c.rowId === rollback.id)).toEqual({
        rowId: rollback.id,
        key: latest.ref.key,
        etag: latest.ref.etag,
        versionId: null,
        sha256: latest.ref.sha256,
        completedAt: latest.drill.completedAt,
        runbookVersion: '1.4.0',
      });
    });

    it('still lists the evidence of a blocking row that is overdue', () => {
      const overdue = report(incident, [success(incident, iso(NOW - 40 * DAY), NOW)]);
      expect(decide([overdue]).consumedEvidence.map((c) => c.rowId)).toEqual([incident.id]);
    });

    it('leaves out non-blocking rows and rows never drilled', () => {
      const optional = incidentRow({ id: 'optional', blocking: false });
      const rows = [report(optional, [success(optional, iso(NOW - DAY), NOW)]), report(rollback, [])];
      expect(decide(rows).consumedEvidence).toEqual([]);
    });
  });
});
