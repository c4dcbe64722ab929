/** Waivers through the real `usr-readiness` binary: `check --waivers/--max-waiver-days` and `validate --waivers`. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HELP, parseCommand } from '../../lambdas/cli/args';
import { ValidationReportSchema, WAIVERS_SCHEMA_VERSION } from '../../lambdas/core/schemas';
import { StoreBuilder, row } from '../fixtures/store-builder';

const repo = path.join(__dirname, '..', '..');
const bin = path.join(repo, 'bin', 'usr-readiness.js');
const NOW = '2026-11-25T06:00:00Z';

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const incident = row({ id: 'incident-a' });
const rollback = row({ id: 'rollback-a', phase: 'cutover' });

function waiver(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'W-2026-014',
    rowId: 'incident-a',
    codes: ['overdue'],
    reason: 'pager vendor migration; drill booked for 2026-12-03',
    approvedBy: 'jane.doe@example.com',
    approvedAt: '2026-11-20T09:00:00Z',
    expiresAt: '2026-12-04T00:00:00Z',
    ...overrides,
  };
}

const waiversDocument = (waivers: unknown[]) => ({ schemaVersion: WAIVERS_SCHEMA_VERSION, waivers });

/** incident-a (blocking) is overdue, rollback-a is compliant: no-go unless a waiver accepts the overdue drill. */
function overdueStore(): StoreBuilder {
  return new StoreBuilder()
    .policy([incident, rollback])
    .drill(incident, '2026-10-01T10:00:00Z')
    .drill(rollback, '2026-11-21T10:00:00Z');
}

describe('usr-readiness check with waivers', () => {
  it('marks the waived row in the table and lists the waived blocker and every waiver with its state', () => {
    const store = mkdtempSync(path.join(tmpdir(), 'usr-example-'));
    cpSync(path.join(repo, 'examples', 'store'), store, { recursive: true });
    const result = run(['check', '--store', store, '--now', NOW, '-q']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^overdue \(waived W-2026-014 until 2026-12-04\) +yes +post-cutover-data-reconcile +post-cutover +was due 2026-11-14$/m,
    );
    expect(result.stdout).toMatch(/^cutover-uncovered +yes +rollback-feature-flags /m);
    expect(result.stdout).toContain(
      '  waived overdue post-cutover-data-reconcile: by W-2026-014 until 2026-12-04T00:00:00Z\n',
    );
    expect(result.stdout).toContain(
      'waivers: 1 active, 1 expired\n' +
        '  expired W-2026-009 rollback-feature-flags: cutover-uncovered ended 2026-11-01T04:00:00Z\n' +
        '  active W-2026-014 post-cutover-data-reconcile: overdue until 2026-12-04T00:00:00Z\n',
    );
    expect(result.stdout).not.toContain('blocker overdue post-cutover-data-reconcile');
  });

  it('reads the waivers from --waivers and decides go (exit 0) when they accept every blocker', () => {
    const store = overdueStore().json('policy/team-waivers.json', waiversDocument([waiver()]));
    const withDefault = run(['check', '--store', store.root, '--now', NOW, '-q']);
    expect(withDefault.code).toBe(1);
    const result = run([
      'check',
      '--store',
      store.root,
      '--now',
      NOW,
      '--waivers',
      'policy/team-waivers.json',
      '-q',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('promotion: GO');
    expect(result.stdout).toMatch(/^overdue \(waived W-2026-014 until 2026-12-04\) +yes +incident-a /m);
  });

  it('refuses a waiver longer than --max-waiver-days: a warning, nothing waived, exit 1 for the blocker it left', () => {
    const store = overdueStore().json('policy/waivers.json', waiversDocument([waiver()]));
    const result = run([
      'check',
      '--store',
      store.root,
      '--now',
      NOW,
      '--max-waiver-days',
      '10',
      '--format',
      'json',
      '-q',
    ]);
    expect(result.code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'waiver-invalid',
        severity: 'warning',
        key: 'policy/waivers.json',
        path: 'waivers[0].expiresAt',
      }),
    ]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 1, waived: 0 });
    expect(report.waivers.map((w) => w.state)).toEqual(['invalid']);
  });

  it('keeps each waiver on one line of the table whatever its row id holds', () => {
    const store = overdueStore().json('policy/waivers.json', waiversDocument([waiver({ rowId: 'a\nb' })]));
    const result = run(['check', '--store', store.root, '--now', NOW, '-q']);
    expect(result.stdout).toContain('\n  invalid W-2026-014 a\\u000ab: overdue until 2026-12-04T00:00:00Z\n');
  });

  it.each([
    ['0', '--max-waiver-days must be a positive integer, got "0"'],
    ['36501', '--max-waiver-days must be at most 36500, got "36501"'],
  ])('exits 2 with one line on --max-waiver-days %s', (value, message) => {
    const result = run(['check', '--store', overdueStore().root, '--now', NOW, '--max-waiver-days', value]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([`usr-readiness: ${message}`]);
  });
});

describe('usr-readiness validate --waivers', () => {
  const dir = (): string => mkdtempSync(path.join(tmpdir(), 'usr-validate-'));
  function files(policyRows: unknown[], waivers: unknown): { policy: string; waivers: string } {
    const d = dir();
    const policy = path.join(d, 'policy.json');
    const waiversFile = path.join(d, 'waivers.json');
    writeFileSync(
      policy,
      JSON.stringify({ schemaVersion: 'usr-operational-readiness-policy/v1', rows: policyRows }),
    );
    writeFileSync(waiversFile, JSON.stringify(waivers));
    return { policy, waivers: waiversFile };
  }

  it('exits 0 for a valid policy and valid waivers', () => {
    const f = files([incident, rollback], waiversDocument([waiver()]));
    const result = run(['validate', f.policy, '--waivers', f.waivers]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${f.policy} and ${f.waivers}: ok, no findings\n`);
  });

  it('exits 0 with a warning line per waiver problem, naming the file and the JSON path', () => {
    const f = files(
      [incident, rollback],
      waiversDocument([
        waiver({ codes: ['evidence-unreadable'] }),
        waiver({ id: 'W-2', rowId: 'incident-gone' }),
      ]),
    );
    const result = run(['validate', f.policy, '--waivers', f.waivers]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning waiver-invalid: ${f.waivers} waivers\\[0\\]\\.codes\\[0\\]: "evidence-unreadable" is not waivable`,
        ),
      ),
      `warning waiver-unknown-row: ${f.waivers} waivers[1].rowId: waiver "W-2" names row "incident-gone", which is not a row of the policy; it waives nothing`,
    ]);
  });

  it('applies --max-waiver-days and reports both files in JSON', () => {
    const f = files([incident, rollback], waiversDocument([waiver()]));
    const result = run([
      'validate',
      f.policy,
      '--waivers',
      f.waivers,
      '--max-waiver-days',
      '7',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      file: f.policy,
      waivers: f.waivers,
      summary: { rows: 2, errors: 0, warnings: 1 },
      findings: [{ code: 'waiver-invalid', key: f.waivers, path: 'waivers[0].expiresAt' }],
    });
  });

  it('exits 1 on a policy error whatever the waivers say', () => {
    const f = files([{ ...incident, requiredRoles: [] }, rollback], waiversDocument([waiver()]));
    expect(run(['validate', f.policy, '--waivers', f.waivers]).code).toBe(1);
  });

  it('exits 2 with one line when the waivers file is missing', () => {
    const f = files([incident, rollback], waiversDocument([]));
    const result = run(['validate', f.policy, '--waivers', 'no-such-waivers.json']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('usr-readiness validate: no-such-waivers.json: file not found');
  });
});

describe('parseCommand (waiver flags)', () => {
  it('defaults check to policy/waivers.json and 30 days', () => {
    expect(parseCommand(['check', '--store', 's'])).toMatchObject({
      flags: { waivers: 'policy/waivers.json', 'max-waiver-days': 30 },
    });
  });

  it('reads --waivers and --max-waiver-days for check and validate', () => {
    expect(
      parseCommand(['check', '--store', 's', '--waivers', 'policy/w.json', '--max-waiver-days', '36500']),
    ).toMatchObject({
      flags: { waivers: 'policy/w.json', 'max-waiver-days': 36500 },
    });
    expect(parseCommand(['validate', 'p.json'])).toMatchObject({ waivers: null, maxWaiverDays: 30 });
    expect(
      parseCommand(['validate', 'p.json', '--waivers', 'w.json', '--max-waiver-days', '14']),
    ).toMatchObject({
      waivers: 'w.json',
      maxWaiverDays: 14,
    });
    expect(() => parseCommand(['validate', 'p.json', '--max-waiver-days', '1.5'])).toThrow(
      '--max-waiver-days must be a positive integer, got "1.5"',
    );
  });

  it('documents the flags in the help', () => {
    expect(HELP.check).toContain('--waivers <key>');
    expect(HELP.check).toContain('--max-waiver-days <N>');
    expect(HELP.validate).toContain('--waivers <file>');
    expect(HELP.main).toContain('--waivers <file>');
  });
});
