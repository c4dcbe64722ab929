import type { JudgedDrill } from '../../lambdas/core/drills';
import { judgeArtifact } from '../../lambdas/core/drills';
import type { EvaluationParameters } from '../../lambdas/core/cadence';
import {
  DEFAULT_PARAMETERS,
  coversWindow,
  dueAt,
  isDueSoon,
  isOverdue,
  lastSuccessOf,
} from '../../lambdas/core/cadence';
import type { ListingNote } from '../../lambdas/core/evidence-findings';
import { evaluateRow } from '../../lambdas/core/evaluate-row';
import { hasEnough, recentListingStart } from '../../lambdas/core/reading-plan';
import { etaDeadline } from '../../lambdas/core/remediation';
import type { Window, WindowInForce } from '../../lambdas/core/schedule';
import { windowInForce } from '../../lambdas/core/schedule';
import type { PolicyRow } from '../../lambdas/core/schemas';
import {
  DAY,
  PARAMS,
  SECOND,
  at,
  encode,
  evidence,
  failure,
  incidentRow,
  iso,
  judged,
  ref,
  rollbackRow,
  success,
  window,
} from '../fixtures/core/builders';

const NOW = at('2026-11-25T06:00:00Z');
const row = incidentRow();

interface Options {
  readonly row?: PolicyRow;
  readonly now?: number;
  readonly windows?: readonly Window[];
  readonly params?: EvaluationParameters;
  readonly listing?: readonly ListingNote[];
}

function evaluate(drills: readonly JudgedDrill[], options: Options = {}) {
  const now = options.now ?? NOW;
  const params = options.params ?? PARAMS;
  const inForce = windowInForce(options.windows ?? [], now, params.cadenceDays * DAY);
  return evaluateRow(options.row ?? row, drills, options.listing ?? [], inForce, now, params);
}

/** A successful drill of the default row completed `ago` milliseconds before `now`. */
const successAgo = (ago: number, now = NOW, forRow = row) => success(forRow, iso(now - ago), now);
const codes = (e: ReturnType<typeof evaluate>) => e.report.findings.map((f) => f.code);
const finding = (e: ReturnType<typeof evaluate>, code: string) =>
  e.report.findings.find((f) => f.code === code);

describe('evaluateRow', () => {
  it('uses a cadence of 30 days and a warning of 7 days by default', () => {
    expect(DEFAULT_PARAMETERS).toEqual({ cadenceDays: 30, warnDays: 7 });
  });

  describe('compliant', () => {
    it('is the status of a row with a recent successful drill', () => {
      const e = evaluate([successAgo(2 * DAY)]);
      expect(e.report).toMatchObject({
        rowId: row.id,
        phase: 'incident',
        runbookId: row.runbookId,
        blocking: true,
        severityClass: 'sev1',
        status: 'compliant',
        dueAt: iso(NOW - 2 * DAY + 30 * DAY),
        failures: [],
        findings: [],
        evidenceRead: 1,
      });
      expect(e.problems).toEqual([]);
    });

    it('reports the latest success with its digest', () => {
      const latest = successAgo(2 * DAY);
      const e = evaluate([successAgo(9 * DAY), latest, successAgo(5 * DAY)]);
      if (latest.kind !== 'drill') throw new Error('expected a drill');
      expect(e.report.lastSuccess).toEqual({
        key: latest.ref.key,
        drillId: latest.drill.drillId,
        completedAt: latest.drill.completedAt,
        runbookVersion: '3.2.0',
        etag: latest.ref.etag,
        versionId: null,
        sha256: latest.ref.sha256,
        rerunOf: null,
      });
    });
  });

  describe('never-drilled', () => {
    it('is the status of a row without any drill, as an error on a blocking row', () => {
      const e = evaluate([]);
      expect(e.report).toMatchObject({ status: 'never-drilled', dueAt: null, lastSuccess: null });
      expect(e.report.findings).toEqual([
        {
          code: 'never-drilled',
          severity: 'error',
          message: `${row.id}: no successful incident drill on record`,
        },
      ]);
      expect(e.problems).toEqual(['never-drilled']);
    });

    it('is a warning on a non-blocking row', () => {
      expect(
        finding(evaluate([], { row: incidentRow({ blocking: false }) }), 'never-drilled')?.severity,
      ).toBe('warning');
    });

    it('names the rollback drill for a cutover-phase row', () => {
      const e = evaluate([], { row: rollbackRow() });
      expect(finding(e, 'never-drilled')?.message).toBe(
        'cutover-rollback-db: no successful rollback drill on record',
      );
    });

    it('holds when every drill failed', () => {
      const e = evaluate([failure(row, '2026-11-20T00:00:00Z', NOW, { owner: 'jdoe', eta: '2026-12-01' })]);
      expect(e.report.status).toBe('never-drilled');
      expect(e.report.failures).toHaveLength(1);
    });

    it('holds when the only success is dated in the future', () => {
      const e = evaluate([success(row, iso(NOW + SECOND), NOW)]);
      expect(e.report.status).toBe('never-drilled');
      expect(codes(e)).toEqual(['evidence-from-future', 'never-drilled']);
    });
  });

  describe('overdue', () => {
    it('does not hold one second before 30 days have passed', () => {
      expect(evaluate([successAgo(30 * DAY - SECOND)]).report.status).toBe('due-soon');
    });

    it('does not hold exactly at 30 days', () => {
      const e = evaluate([successAgo(30 * DAY)]);
      expect(e.report.status).toBe('due-soon');
      expect(e.report.dueAt).toBe(iso(NOW));
    });

    it('holds one second after 30 days', () => {
      const e = evaluate([successAgo(30 * DAY + SECOND)]);
      expect(e.report.status).toBe('overdue');
      expect(e.report.findings).toEqual([
        {
          code: 'overdue',
          severity: 'error',
          deadline: iso(NOW - SECOND),
          message: `${row.id}: last successful drill ${iso(NOW - 30 * DAY - SECOND)} is older than 30 days; due ${iso(NOW - SECOND)} (0 day(s) overdue)`,
        },
      ]);
      expect(e.problems).toEqual(['overdue']);
    });

    it('counts whole days overdue', () => {
      expect(finding(evaluate([successAgo(33 * DAY + 5 * SECOND)]), 'overdue')?.message).toMatch(
        /\(3 day\(s\) overdue\)$/,
      );
    });

    it('is a warning on a non-blocking row', () => {
      const e = evaluate([successAgo(31 * DAY, NOW, incidentRow({ blocking: false }))], {
        row: incidentRow({ blocking: false }),
      });
      expect(finding(e, 'overdue')?.severity).toBe('warning');
    });

    it('measures from the latest success', () => {
      expect(evaluate([successAgo(40 * DAY), successAgo(10 * DAY)]).report.status).toBe('compliant');
    });

    it('follows a configured cadence', () => {
      const params = { cadenceDays: 14, warnDays: 3 };
      expect(evaluate([successAgo(14 * DAY)], { params }).report.status).toBe('due-soon');
      expect(evaluate([successAgo(14 * DAY + SECOND)], { params }).report.status).toBe('overdue');
    });
  });

  describe('due-soon', () => {
    it('holds when the next drill is due in exactly warnDays', () => {
      const e = evaluate([successAgo(23 * DAY)]);
      expect(e.report.status).toBe('due-soon');
      expect(e.report.findings).toEqual([
        {
          code: 'due-soon',
          severity: 'warning',
          deadline: iso(NOW + 7 * DAY),
          message: `${row.id}: next drill due ${iso(NOW + 7 * DAY)} (within 7 days)`,
        },
      ]);
      expect(e.problems).toEqual(['due-soon']);
    });

    it('does not hold one second before the warning starts', () => {
      expect(evaluate([successAgo(23 * DAY - SECOND)]).report.status).toBe('compliant');
    });

    it('holds one second before the drill is due', () => {
      expect(evaluate([successAgo(30 * DAY - SECOND)]).report.status).toBe('due-soon');
    });

    it('follows a configured warning period', () => {
      const params = { cadenceDays: 30, warnDays: 3 };
      expect(evaluate([successAgo(27 * DAY - SECOND)], { params }).report.status).toBe('compliant');
      expect(evaluate([successAgo(27 * DAY)], { params }).report.status).toBe('due-soon');
    });

    it('is a warning even on a blocking row', () => {
      expect(finding(evaluate([successAgo(25 * DAY)]), 'due-soon')?.severity).toBe('warning');
    });
  });

  describe('cutover-uncovered', () => {
    // Upcoming window: readiness period (2026-11-01T00:00Z, 2026-12-01T00:00Z], now (Nov 25) inside it.
    const w1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
    const upcoming = { windows: [w1] };
    // The same window in progress.
    const during = at('2026-12-01T02:00:00Z');
    const inProgress = { windows: [w1], now: during };

    it('holds for an upcoming window when the only success is exactly at the lower bound', () => {
      const e = evaluate([success(row, '2026-11-01T00:00:00Z', NOW)], upcoming);
      expect(e.report.status).toBe('cutover-uncovered');
      expect(finding(e, 'cutover-uncovered')).toEqual({
        code: 'cutover-uncovered',
        severity: 'error',
        windowId: 'w1',
        deadline: '2026-12-01T00:00:00Z',
        message: `${row.id}: no successful drill between 2026-11-01T00:00:00Z (exclusive) and 2026-12-01T00:00:00Z for cutover window "w1"`,
      });
      expect(e.problems).toEqual(['cutover-uncovered']);
    });

    it('does not hold for an upcoming window when a success is one second after the lower bound', () => {
      const e = evaluate([success(row, '2026-11-01T00:00:01Z', NOW)], upcoming);
      expect(e.report.status).toBe('due-soon');
      expect(codes(e)).toEqual(['due-soon']);
    });

    it('counts a success exactly at the window start for a window in progress', () => {
      const e = evaluate([success(row, '2026-12-01T00:00:00Z', during)], inProgress);
      expect(e.report.status).toBe('compliant');
    });

    it('holds for a window in progress when the only success came after it started', () => {
      const e = evaluate([success(row, '2026-12-01T00:00:01Z', during)], inProgress);
      expect(e.report.status).toBe('cutover-uncovered');
      expect(finding(e, 'cutover-uncovered')?.message).toMatch(/for cutover window "w1" \(in progress\)$/);
    });

    it('holds for a window in progress when the success before it is exactly at the lower bound', () => {
      const drills = [
        success(row, '2026-11-01T00:00:00Z', during),
        success(row, '2026-12-01T01:00:00Z', during),
      ];
      expect(evaluate(drills, inProgress).report.status).toBe('cutover-uncovered');
    });

    it('starts the readiness period at the end of the previous window', () => {
      const w0 = window('w0', '2026-11-09T00:00:00Z', '2026-11-10T00:00:00Z');
      const windows = [w0, w1];
      expect(evaluate([success(row, '2026-11-10T00:00:00Z', NOW)], { windows }).report.status).toBe(
        'cutover-uncovered',
      );
      expect(evaluate([success(row, '2026-11-10T00:00:01Z', NOW)], { windows }).report.status).toBe(
        'compliant',
      );
    });

    it('does not hold before the readiness period begins', () => {
      const e = evaluate([successAgo(29 * DAY, at('2026-11-01T00:00:00Z'))], {
        ...upcoming,
        now: at('2026-11-01T00:00:00Z'),
      });
      expect(codes(e)).not.toContain('cutover-uncovered');
    });

    it('does not hold after the window has ended', () => {
      const after = at('2026-12-01T04:00:01Z');
      expect(evaluate([successAgo(DAY, after)], { windows: [w1], now: after }).report.status).toBe(
        'compliant',
      );
    });

    it('follows a configured cadence', () => {
      const params = { cadenceDays: 14, warnDays: 3 };
      // Readiness period (2026-11-17T00:00Z, 2026-12-01T00:00Z].
      expect(
        evaluate([success(row, '2026-11-17T00:00:00Z', NOW)], { ...upcoming, params }).report.status,
      ).toBe('cutover-uncovered');
      expect(
        evaluate([success(row, '2026-11-17T00:00:01Z', NOW)], { ...upcoming, params }).report.status,
      ).toBe('compliant');
    });

    it('is a warning on a non-blocking row', () => {
      const nonBlocking = incidentRow({ blocking: false });
      const e = evaluate([success(nonBlocking, '2026-10-31T00:00:00Z', NOW)], {
        ...upcoming,
        row: nonBlocking,
      });
      expect(finding(e, 'cutover-uncovered')?.severity).toBe('warning');
    });
  });

  describe('status order', () => {
    const w1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');

    it('reports never-drilled before cutover-uncovered, listing both', () => {
      const e = evaluate([], { windows: [w1] });
      expect(e.report.status).toBe('never-drilled');
      expect(codes(e)).toEqual(['cutover-uncovered', 'never-drilled']);
      expect(e.problems).toEqual(['never-drilled', 'cutover-uncovered']);
    });

    it('reports overdue before cutover-uncovered, listing both', () => {
      const e = evaluate([successAgo(31 * DAY)], { windows: [w1] });
      expect(e.report.status).toBe('overdue');
      expect(codes(e)).toEqual(['cutover-uncovered', 'overdue']);
      expect(e.problems).toEqual(['overdue', 'cutover-uncovered']);
    });

    it('reports cutover-uncovered before due-soon, which then does not hold', () => {
      const e = evaluate([success(row, '2026-10-31T12:00:00Z', NOW)], { windows: [w1] });
      expect(e.report.status).toBe('cutover-uncovered');
      expect(codes(e)).toEqual(['cutover-uncovered']);
    });
  });

  describe('remediation', () => {
    const lastGood = '2026-11-10T00:00:00Z';
    const failed = '2026-11-20T00:00:00Z';
    const evaluateFailure = (remediation?: { owner?: string; eta?: string }, options: Options = {}) => {
      const forRow = options.row ?? row;
      const now = options.now ?? NOW;
      return evaluate([success(forRow, lastGood, now), failure(forRow, failed, now, remediation)], options);
    };

    it('is pending when a failed drill names an owner and an ETA still ahead', () => {
      const e = evaluateFailure({ owner: 'jdoe', eta: '2026-12-01' });
      expect(e.report.failures).toEqual([
        {
          key: 'drills/incident-sev1-paging/20261120T000000Z-fail-2026-11-20T00:00:00Z.json',
          drillId: 'fail-2026-11-20T00:00:00Z',
          completedAt: failed,
          outcome: 'fail',
          reasons: ['outcome-fail: the drill failed'],
          remediation: 'pending',
          owner: 'jdoe',
          eta: '2026-12-01',
        },
      ]);
      expect(e.report.findings).toEqual([]);
      expect(e.report.status).toBe('compliant');
    });

    it('is missing on a blocking row when the failed drill has no remediation', () => {
      const e = evaluateFailure();
      expect(e.report.failures[0]).toMatchObject({ remediation: 'missing', owner: null, eta: null });
      expect(e.report.findings).toEqual([
        {
          code: 'remediation-missing',
          severity: 'error',
          key: e.report.failures[0]?.key,
          drillId: 'fail-2026-11-20T00:00:00Z',
          message: `${e.report.failures[0]?.key}: failed drill of a blocking row lacks a remediation owner and ETA`,
        },
      ]);
      expect(e.problems).toEqual(['remediation-missing']);
    });

    it('is missing when the owner is absent', () => {
      expect(finding(evaluateFailure({ eta: '2026-12-01' }), 'remediation-missing')?.message).toMatch(
        /lacks a remediation owner$/,
      );
    });

    it('is missing when the owner is blank', () => {
      expect(evaluateFailure({ owner: '  ', eta: '2026-12-01' }).report.failures[0]?.remediation).toBe(
        'missing',
      );
    });

    it('is missing when the ETA is absent', () => {
      expect(finding(evaluateFailure({ owner: 'jdoe' }), 'remediation-missing')?.message).toMatch(
        /lacks a remediation ETA$/,
      );
    });

    it.each(['next week', '27/11/2026', '2026-11-27T10:00:00', '2026-13-01', '2026-02-30'])(
      'is missing when the ETA "%s" is not a date',
      (eta) => {
        const e = evaluateFailure({ owner: 'jdoe', eta });
        expect(e.report.failures[0]?.remediation).toBe('missing');
        expect(finding(e, 'remediation-missing')?.message).toContain(`valid ETA (got "${eta}")`);
      },
    );

    it('is not required on a non-blocking row', () => {
      const nonBlocking = incidentRow({ blocking: false });
      const e = evaluateFailure(undefined, { row: nonBlocking });
      expect(e.report.failures[0]?.remediation).toBe('not-required');
      expect(e.report.findings).toEqual([]);
      expect(e.problems).toEqual([]);
    });

    it('is required for a passing drill that misses a success condition', () => {
      const short = judged(row, evidence(row, failed, { rolesPresent: ['comms-lead'] }), NOW);
      const e = evaluate([success(row, lastGood, NOW), short]);
      expect(e.report.failures).toEqual([
        expect.objectContaining({
          outcome: 'pass',
          reasons: ['roles-missing: incident-commander'],
          remediation: 'missing',
        }),
      ]);
    });

    it('runs a date-only ETA to the end of its UTC day', () => {
      const e = evaluateFailure({ owner: 'jdoe', eta: '2026-11-27' }, { now: at('2026-11-27T23:59:59Z') });
      expect(e.report.failures[0]?.remediation).toBe('pending');
      expect(e.report.findings).toEqual([]);
    });

    it('is overdue the second after a date-only ETA day ends', () => {
      const e = evaluateFailure({ owner: 'jdoe', eta: '2026-11-27' }, { now: at('2026-11-28T00:00:00Z') });
      expect(e.report.failures[0]?.remediation).toBe('overdue');
      expect(finding(e, 'remediation-overdue')).toEqual({
        code: 'remediation-overdue',
        severity: 'error',
        key: e.report.failures[0]?.key,
        drillId: 'fail-2026-11-20T00:00:00Z',
        deadline: '2026-11-27T23:59:59.999Z',
        message: `${e.report.failures[0]?.key}: remediation by jdoe was due 2026-11-27 and no successful rerun has followed`,
      });
      expect(e.problems).toEqual(['remediation-overdue']);
    });

    it('is overdue one second after a date-time ETA', () => {
      const e = evaluateFailure({ owner: 'jdoe', eta: '2026-11-25T05:59:59Z' });
      expect(e.report.failures[0]?.remediation).toBe('overdue');
      expect(finding(e, 'remediation-overdue')?.deadline).toBe('2026-11-25T05:59:59Z');
    });

    it('is still pending exactly at a date-time ETA', () => {
      expect(
        evaluateFailure({ owner: 'jdoe', eta: '2026-11-25T06:00:00Z' }).report.failures[0]?.remediation,
      ).toBe('pending');
    });

    it('reads an ETA with a zone offset', () => {
      expect(
        evaluateFailure({ owner: 'jdoe', eta: '2026-11-25T07:00:00+01:00' }).report.failures[0]?.remediation,
      ).toBe('pending');
      expect(
        evaluateFailure({ owner: 'jdoe', eta: '2026-11-25T06:59:59+01:00' }).report.failures[0]?.remediation,
      ).toBe('overdue');
    });

    it('is overdue as a warning on a non-blocking row', () => {
      const nonBlocking = incidentRow({ blocking: false });
      const e = evaluateFailure({ owner: 'jdoe', eta: '2026-11-21' }, { row: nonBlocking });
      expect(finding(e, 'remediation-overdue')?.severity).toBe('warning');
    });

    it('applies to a row never drilled successfully', () => {
      const e = evaluate([failure(row, failed, NOW)]);
      expect(e.problems).toEqual(['never-drilled', 'remediation-missing']);
    });

    it('is closed by a later successful rerun', () => {
      const rerun = judged(
        row,
        evidence(row, '2026-11-22T00:00:00Z', { rerunOf: 'fail-2026-11-20T00:00:00Z' }),
        NOW,
      );
      const e = evaluate([success(row, lastGood, NOW), failure(row, failed, NOW), rerun]);
      expect(e.report.failures).toEqual([]);
      expect(e.report.findings).toEqual([]);
      expect(e.report.lastSuccess?.rerunOf).toBe('fail-2026-11-20T00:00:00Z');
    });

    it('lists failures after the last success newest first', () => {
      const e = evaluate([
        failure(row, '2026-11-05T00:00:00Z', NOW),
        success(row, lastGood, NOW),
        failure(row, '2026-11-12T00:00:00Z', NOW, { owner: 'a', eta: '2026-12-01' }),
        failure(row, '2026-11-18T00:00:00Z', NOW, { owner: 'b', eta: '2026-12-01' }),
      ]);
      expect(e.report.failures.map((f) => f.owner)).toEqual(['b', 'a']);
    });

    it('alerts once per kind, however many failures', () => {
      const e = evaluate([
        success(row, lastGood, NOW),
        failure(row, failed, NOW),
        failure(row, '2026-11-21T00:00:00Z', NOW),
      ]);
      expect(e.problems).toEqual(['remediation-missing']);
      expect(codes(e)).toEqual(['remediation-missing', 'remediation-missing']);
    });
  });

  describe('evidence findings', () => {
    const key = 'drills/incident-sev1-paging/20261120T000000Z-x.json';

    it('reports invalid evidence as evidence-invalid, which never counts', () => {
      const e = evaluate([{ kind: 'invalid', key, message: 'not valid JSON (x)' }]);
      expect(e.report.status).toBe('never-drilled');
      expect(finding(e, 'evidence-invalid')).toEqual({
        code: 'evidence-invalid',
        severity: 'warning',
        key,
        message: `${key}: not valid JSON (x)`,
      });
    });

    it('reports evidence that could not be read as an evidence-unreadable error', () => {
      expect(
        finding(evaluate([{ kind: 'unreadable', key, message: 'SlowDown' }]), 'evidence-unreadable'),
      ).toEqual({
        code: 'evidence-unreadable',
        severity: 'error',
        key,
        message: `${key}: could not be read (SlowDown)`,
      });
    });

    it('reports future-dated evidence as evidence-from-future and ignores it', () => {
      const future = success(row, '2026-11-25T06:00:01Z', NOW);
      const e = evaluate([successAgo(DAY), future]);
      expect(e.report.status).toBe('compliant');
      expect(finding(e, 'evidence-from-future')).toEqual({
        code: 'evidence-from-future',
        severity: 'warning',
        key: 'drills/incident-sev1-paging/20261125T060001Z-2026-11-25-incident-sev1-paging.json',
        drillId: '2026-11-25-incident-sev1-paging',
        message:
          'drills/incident-sev1-paging/20261125T060001Z-2026-11-25-incident-sev1-paging.json: completedAt 2026-11-25T06:00:01Z is after the evaluation time 2026-11-25T06:00:00Z; ignored',
      });
    });

    it('reports a nonconforming key from the listing as evidence-key-nonconforming', () => {
      const listing = [
        { key: 'drills/incident-sev1-paging/manual.json', conforming: false },
        { key, conforming: true },
      ];
      expect(evaluate([successAgo(DAY)], { listing }).report.findings).toEqual([
        {
          code: 'evidence-key-nonconforming',
          severity: 'warning',
          key: 'drills/incident-sev1-paging/manual.json',
          message:
            'drills/incident-sev1-paging/manual.json: name does not follow drills/<rowId>/<YYYYMMDDTHHMMSSZ>-<drillId>.json; ordered by its modification time',
        },
      ]);
    });

    it('keeps messages on one line when ids, keys and remediation fields hold line breaks', () => {
      const odd = incidentRow({ id: 'incident\nsev1' });
      const w = window('w\r1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
      const e = evaluate(
        [
          success(odd, '2026-10-01T00:00:00Z', NOW),
          failure(odd, '2026-11-01T00:00:00Z', NOW, { owner: 'j\ndoe', eta: '2026-11-02' }),
          failure(odd, '2026-11-02T00:00:00Z', NOW, { owner: 'jdoe', eta: 'soon\nish' }),
          { kind: 'invalid', key: 'drills/x/a\nb.json', message: 'misfiled: rowId "a\nb"' },
          { kind: 'unreadable', key: 'drills/x/c\u2028d.json', message: 'line\nbreak' },
        ],
        { row: odd, windows: [w], listing: [{ key: 'drills/x/e\nf', conforming: false }] },
      );
      expect(codes(e)).toEqual([
        'cutover-uncovered',
        'evidence-invalid',
        'evidence-key-nonconforming',
        'evidence-unreadable',
        'overdue',
        'remediation-missing',
        'remediation-overdue',
      ]);
      for (const f of e.report.findings) expect(f.message).not.toMatch(/[\r\n\u2028]/);
    });

    it('reports a key that disagrees with completedAt as evidence-key-mismatch, judging the drill as usual', () => {
      // A failed drill filed under an older instant than its completion: it is still a failure after the success.
      const misnamed = 'drills/incident-sev1-paging/20261001T000000Z-fail.json';
      const drill = evidence(row, '2026-11-24T00:00:00Z', { outcome: 'fail', drillId: 'fail' });
      const failed = judgeArtifact(row, null, { kind: 'ok', ref: ref(misnamed), bytes: encode(drill) }, NOW);
      const e = evaluate([failed, successAgo(10 * DAY)]);
      expect(e.problems).toEqual(['remediation-missing']);
      expect(finding(e, 'evidence-key-mismatch')).toEqual({
        code: 'evidence-key-mismatch',
        severity: 'warning',
        key: misnamed,
        drillId: 'fail',
        message: `${misnamed}: the key names 2026-10-01T00:00:00Z but completedAt is 2026-11-24T00:00:00Z; drills are listed and ordered by their key, so a misnamed key can keep a drill from being read`,
      });
    });

    it('reports a mismatched key on an artifact from the future next to evidence-from-future', () => {
      const misnamed = 'drills/incident-sev1-paging/20261101T000000Z-x.json';
      const drill = evidence(row, '2026-12-01T00:00:00Z');
      const future = judgeArtifact(row, null, { kind: 'ok', ref: ref(misnamed), bytes: encode(drill) }, NOW);
      expect(codes(evaluate([future, successAgo(DAY)]))).toEqual([
        'evidence-from-future',
        'evidence-key-mismatch',
      ]);
    });

    it('counts every artifact read', () => {
      expect(evaluate([successAgo(DAY), { kind: 'invalid', key, message: 'x' }]).report.evidenceRead).toBe(2);
    });

    it('orders findings by code, then key', () => {
      const e = evaluate([
        { kind: 'unreadable', key: 'drills/r/b.json', message: 'x' },
        { kind: 'invalid', key: 'drills/r/z.json', message: 'x' },
        { kind: 'invalid', key: 'drills/r/a.json', message: 'x' },
      ]);
      expect(e.report.findings.map((f) => [f.code, f.key ?? null])).toEqual([
        ['evidence-invalid', 'drills/r/a.json'],
        ['evidence-invalid', 'drills/r/z.json'],
        ['evidence-unreadable', 'drills/r/b.json'],
        ['never-drilled', null],
      ]);
    });
  });
});

describe('dueAt', () => {
  it('is the last success plus the cadence, in exact days', () => {
    expect(dueAt(at('2026-03-01T00:00:00Z'), PARAMS)).toBe(at('2026-03-31T00:00:00Z'));
  });
});

describe('isOverdue', () => {
  const last = at('2026-11-01T00:00:00Z');
  const due = at('2026-12-01T00:00:00Z');

  it('is false one second before the due instant, and exactly at it', () => {
    expect(isOverdue(last, due - SECOND, PARAMS)).toBe(false);
    expect(isOverdue(last, due, PARAMS)).toBe(false);
  });

  it('is true one second after the due instant', () => {
    expect(isOverdue(last, due + SECOND, PARAMS)).toBe(true);
  });
});

describe('isDueSoon', () => {
  const last = at('2026-11-01T00:00:00Z');
  const due = at('2026-12-01T00:00:00Z');

  it('is false one second before the warning period', () => {
    expect(isDueSoon(last, due - 7 * DAY - SECOND, PARAMS)).toBe(false);
  });

  it('is true from exactly warnDays before the due instant up to it', () => {
    expect(isDueSoon(last, due - 7 * DAY, PARAMS)).toBe(true);
    expect(isDueSoon(last, due, PARAMS)).toBe(true);
  });

  it('is false once the drill is overdue', () => {
    expect(isDueSoon(last, due + SECOND, PARAMS)).toBe(false);
  });
});

describe('etaDeadline', () => {
  it('runs a date-only ETA to the last millisecond of its UTC day', () => {
    expect(etaDeadline('2026-11-27')).toBe(at('2026-11-27T23:59:59.999Z'));
  });

  it('reads a date-time ETA with a zone as that instant', () => {
    expect(etaDeadline('2026-11-27T17:00:00Z')).toBe(at('2026-11-27T17:00:00Z'));
    expect(etaDeadline('2026-11-27T17:00:00+02:00')).toBe(at('2026-11-27T15:00:00Z'));
  });

  it.each(['', 'soon', '2026-11-27T17:00:00', '2026-11-32', '2026-02-29', '2026-02-30T10:00:00Z'])(
    'is null for "%s"',
    (eta) => {
      expect(etaDeadline(eta)).toBeNull();
    },
  );

  it('accepts a leap day', () => {
    expect(etaDeadline('2028-02-29')).toBe(at('2028-02-29T23:59:59.999Z'));
  });
});

describe('lastSuccessOf', () => {
  it('is the successful drill with the latest completedAt, whatever the order', () => {
    const latest = success(row, '2026-11-20T00:00:00Z', NOW);
    expect(
      lastSuccessOf([
        latest,
        success(row, '2026-11-10T00:00:00Z', NOW),
        failure(row, '2026-11-24T00:00:00Z', NOW),
      ]),
    ).toBe(latest);
  });

  it('is null without a successful drill', () => {
    expect(lastSuccessOf([failure(row, '2026-11-24T00:00:00Z', NOW)])).toBeNull();
  });
});

describe('coversWindow', () => {
  const w1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
  const force: WindowInForce = {
    window: w1,
    period: { from: at('2026-11-01T00:00:00Z'), to: w1.startsAt },
    inProgress: false,
  };
  const later = at('2026-12-02T00:00:00Z');

  it('is false for a success exactly at the lower bound, true one second later', () => {
    expect(coversWindow([success(row, '2026-11-01T00:00:00Z', later)], force)).toBe(false);
    expect(coversWindow([success(row, '2026-11-01T00:00:01Z', later)], force)).toBe(true);
  });

  it('is true for a success exactly at the window start, false one second later', () => {
    expect(coversWindow([success(row, '2026-12-01T00:00:00Z', later)], force)).toBe(true);
    expect(coversWindow([success(row, '2026-12-01T00:00:01Z', later)], force)).toBe(false);
  });

  it('ignores failed drills in the period', () => {
    expect(coversWindow([failure(row, '2026-11-20T00:00:00Z', later)], force)).toBe(false);
  });
});

describe('recentListingStart', () => {
  it('starts one second before a cadence ago', () => {
    expect(recentListingStart(NOW, null, PARAMS)).toBe('20261026T055959Z');
  });

  it('lists a drill completed exactly a cadence ago, which is not overdue', () => {
    const key = `${'drills/r/'}20261026T060000Z-d.json`;
    expect(key > `drills/r/${recentListingStart(NOW, null, PARAMS)}`).toBe(true);
  });

  it('reaches back to the readiness period of a window in progress when that is older', () => {
    const w1 = window('w1', '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z');
    const force = windowInForce([w1], NOW, 30 * DAY);
    expect(force?.inProgress).toBe(true);
    expect(recentListingStart(NOW, force, PARAMS)).toBe('20261020T235959Z');
  });

  it('keeps the cadence bound for an upcoming window, whose period is more recent', () => {
    const w1 = window('w1', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z');
    expect(recentListingStart(NOW, windowInForce([w1], NOW, 30 * DAY), PARAMS)).toBe('20261026T055959Z');
  });

  it('follows a configured cadence', () => {
    expect(recentListingStart(NOW, null, { cadenceDays: 7, warnDays: 2 })).toBe('20261118T055959Z');
  });
});

describe('hasEnough', () => {
  const w1 = window('w1', '2026-11-20T00:00:00Z', '2026-11-30T00:00:00Z');
  const inProgress = windowInForce([w1], NOW, 30 * DAY);
  const upcoming = windowInForce(
    [window('w2', '2026-12-01T00:00:00Z', '2026-12-01T04:00:00Z')],
    NOW,
    30 * DAY,
  );

  it('keeps reading until a success is found', () => {
    expect(hasEnough([], null, at('2026-11-01T00:00:00Z'))).toBe(false);
    expect(hasEnough([failure(row, '2026-11-24T00:00:00Z', NOW)], null, at('2026-11-01T00:00:00Z'))).toBe(
      false,
    );
  });

  it('keeps reading while the next artifact is newer than the latest success found', () => {
    // A nonconforming key is read first, whatever its time: the timestamped keys after it may be newer.
    const drills = [success(row, '2026-11-01T00:00:00Z', NOW)];
    expect(hasEnough(drills, null, at('2026-11-20T00:00:00Z'))).toBe(false);
    // A key in the same second may hide a later completion (key times are floored to the second).
    expect(hasEnough(drills, null, at('2026-11-01T00:00:00Z'))).toBe(false);
    expect(hasEnough(drills, null, at('2026-10-31T23:59:59Z'))).toBe(true);
  });

  it('stops after the latest success without a window', () => {
    expect(hasEnough([success(row, '2026-11-24T00:00:00Z', NOW)], null, at('2026-11-01T00:00:00Z'))).toBe(
      true,
    );
  });

  it('stops after the latest success for an upcoming window, which it alone decides', () => {
    expect(hasEnough([success(row, '2026-11-24T00:00:00Z', NOW)], upcoming, at('2026-11-01T00:00:00Z'))).toBe(
      true,
    );
  });

  it('keeps reading past a success inside a window in progress', () => {
    expect(
      hasEnough([success(row, '2026-11-21T00:00:00Z', NOW)], inProgress, at('2026-11-19T00:00:00Z')),
    ).toBe(false);
  });

  it('stops once a success at or before the window start is found', () => {
    const drills = [success(row, '2026-11-21T00:00:00Z', NOW), success(row, '2026-11-20T00:00:00Z', NOW)];
    expect(hasEnough(drills, inProgress, at('2026-11-19T00:00:00Z'))).toBe(true);
  });

  it('stops when the next artifact is at or before the lower bound of the readiness period', () => {
    const drills = [success(row, '2026-11-21T00:00:00Z', NOW)];
    expect(hasEnough(drills, inProgress, at('2026-10-21T00:00:00Z'))).toBe(true);
    expect(hasEnough(drills, inProgress, at('2026-10-21T00:00:01Z'))).toBe(false);
  });

  it('keeps reading when the next artifact has no known instant', () => {
    expect(hasEnough([success(row, '2026-11-21T00:00:00Z', NOW)], inProgress, null)).toBe(false);
  });
});
