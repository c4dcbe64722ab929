/** Spawns the real `usr-readiness` binary on temporary stores and checks exit codes, files and contents. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrillReportSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import { StoreBuilder, goStore, row } from '../fixtures/store-builder';

const repo = path.join(__dirname, '..', '..');
const bin = path.join(repo, 'bin', 'usr-readiness.js');
const NOW = '2026-11-25T06:00:00Z';
const FILES = [
  'usr-incident-response-drill-report.json',
  'usr-operational-readiness-validation.json',
  'usr-rollback-drill-report.json',
];

function run(args: string[], cwd = repo) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function exampleCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'usr-example-'));
  cpSync(path.join(repo, 'examples', 'store'), dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('usr-readiness check', () => {
  it('exits 1 on the example store (no-go) and writes the three reports for the day and as latest', () => {
    const store = exampleCopy();
    const result = run(['check', '--store', store, '--now', NOW]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^STATUS +BLOCKING +ROW/);
    expect(result.stdout).toContain('promotion: NO-GO for window cutover-2026-11');
    for (const status of ['compliant', 'due-soon', 'overdue', 'never-drilled', 'cutover-uncovered']) {
      expect(result.stdout).toMatch(new RegExp(`^${status} `, 'm'));
    }
    for (const folder of ['2026-11-25', 'latest']) {
      const dir = path.join(store, 'reports', folder);
      expect(readdirSync(dir).sort()).toEqual(FILES);
    }
    const day = readFileSync(path.join(store, 'reports', '2026-11-25', FILES[1]!), 'utf8');
    expect(readFileSync(path.join(store, 'reports', 'latest', FILES[1]!), 'utf8')).toBe(day);
    const validation = ValidationReportSchema.parse(JSON.parse(day));
    expect(validation.promotion.decision).toBe('no-go');
    expect(validation.asOf).toBe(NOW);
    expect(validation.summary).toEqual({ rows: 12, blockingRows: 8, errors: 0, warnings: 0 });
    const incident = DrillReportSchema.parse(readJson(path.join(store, 'reports', 'latest', FILES[0]!)));
    expect(incident.drillType).toBe('incident');
    expect(incident.rows.map((r) => r.rowId)).toEqual([...incident.rows.map((r) => r.rowId)].sort());
  });

  it('exits 0 on no-go with --exit-zero', () => {
    expect(run(['check', '--store', exampleCopy(), '--now', NOW, '--exit-zero', '--quiet']).code).toBe(0);
  });

  it('exits 0 when every blocking row is compliant (go)', () => {
    const store = goStore();
    const result = run(['check', '--store', store.root, '--now', NOW]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('promotion: GO');
    const validation = ValidationReportSchema.parse(
      readJson(path.join(store.root, 'reports', 'latest', FILES[1]!)),
    );
    expect(validation.promotion.consumedEvidence.map((e) => e.rowId)).toEqual(['incident-a', 'rollback-a']);
    expect(validation.promotion.consumedEvidence[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes reports under --out and leaves the store untouched', () => {
    const store = goStore();
    const out = mkdtempSync(path.join(tmpdir(), 'usr-out-'));
    expect(run(['check', '--store', store.root, '--out', out, '--now', NOW, '-q']).code).toBe(0);
    expect(readdirSync(path.join(out, 'reports', '2026-11-25')).sort()).toEqual(FILES);
    expect(existsSync(path.join(store.root, 'reports'))).toBe(false);
  });

  it('prints the validation report with --format json', () => {
    const result = run(['check', '--store', goStore().root, '--now', NOW, '--format', 'json', '-q']);
    expect(result.code).toBe(0);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.promotion.decision).toBe('go');
  });

  it('produces byte-identical reports on a rerun apart from generatedAt', () => {
    const store = exampleCopy();
    const snapshot = () =>
      FILES.map((f) =>
        readFileSync(path.join(store, 'reports', '2026-11-25', f), 'utf8').replace(
          /"generatedAt": "[^"]+"/,
          '',
        ),
      );
    run(['check', '--store', store, '--now', NOW, '-q']);
    const first = snapshot();
    run(['check', '--store', store, '--now', NOW, '-q']);
    expect(snapshot()).toEqual(first);
  });

  it('produces byte-identical reports on a same-day rerun with alerting on (apart from generatedAt)', () => {
    const store = exampleCopy();
    const sink = `jsonl:${path.join(store, 'alerts.jsonl')}`;
    const snapshot = () =>
      FILES.map((f) =>
        readFileSync(path.join(store, 'reports', '2026-11-25', f), 'utf8').replace(
          /"generatedAt": "[^"]+"/,
          '',
        ),
      );
    run(['check', '--store', store, '--now', NOW, '--alerts', sink, '-q']);
    const first = snapshot();
    run(['check', '--store', store, '--now', NOW, '--alerts', sink, '-q']);
    expect(snapshot()).toEqual(first);
  });

  it('appends alerts as JSON lines and publishes nothing twice on a same-day rerun', () => {
    const store = exampleCopy();
    const sink = path.join(store, 'alerts.jsonl');
    run(['check', '--store', store, '--now', NOW, '--alerts', `jsonl:${sink}`, '-q']);
    const first = readFileSync(sink, 'utf8').trim().split('\n');
    const types = first.map((line) => (JSON.parse(line) as { alertType: string }).alertType);
    expect(types).toContain('summary');
    expect(types).toContain('overdue');
    expect(existsSync(path.join(store, 'state', 'alert-ledger.json'))).toBe(true);
    run(['check', '--store', store, '--now', '2026-11-25T18:00:00Z', '--alerts', `jsonl:${sink}`, '-q']);
    expect(readFileSync(sink, 'utf8').trim().split('\n')).toHaveLength(first.length);
  });

  it('turns a broken policy into a finding and a no-go, not a crash', () => {
    const store = new StoreBuilder().file('policy/usr-operational-readiness-policy.json', '{ "rows": [');
    const result = run(['check', '--store', store.root, '--now', NOW, '--format', 'json', '-q']);
    expect(result.code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.findings.map((f) => f.code)).toEqual(['policy-unreadable']);
    expect(report.promotion.blockers[0]?.code).toBe('policy-unreadable');
  });

  it('exits 2 with one line naming the store when it does not exist', () => {
    const missing = path.join(tmpdir(), 'usr-no-such-store-dir');
    const result = run(['check', '--store', missing, '--now', NOW]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `usr-readiness check: store ${missing} cannot be read: does not exist`,
    ]);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['check'], '--store is required'],
    [['check', '--store', '.', '--cadence-days', 'x'], '--cadence-days must be a positive integer, got "x"'],
    [['check', '--store', '.', '--now', '2026-11-25'], '--now must be an ISO-8601 date-time'],
    [
      ['check', '--store', '.', '--alerts', 'email'],
      '--alerts must be stdout, jsonl:<file> or sns:<topicArn>',
    ],
    [['check', '--store', '.', '--bogus'], 'unknown option --bogus'],
    [['deploy'], 'unknown command "deploy"'],
  ])('exits 2 on bad usage %j with one line and no stack trace', (args, message) => {
    const result = run(args);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([[['--help']], [['check', '--help']], [['validate', '--help']]])('prints help for %j', (args) => {
    const result = run(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usr-readiness/);
    expect(result.stdout).toContain('Exit codes');
  });
});

describe('usr-readiness validate', () => {
  const policyFile = (value: unknown): string => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'usr-policy-')), 'policy.json');
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const valid = [row({ id: 'incident-a' }), row({ id: 'rollback-a', phase: 'cutover' })];

  it('exits 0 for a valid policy', () => {
    const result = run([
      'validate',
      path.join(repo, 'examples/store/policy/usr-operational-readiness-policy.json'),
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ok, no findings');
  });

  it('exits 0 with warnings only (an unknown field)', () => {
    const result = run(['validate', policyFile([{ ...valid[0], owner: 'x' }, valid[1]])]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('warning unknown-field [incident-a]');
    expect(result.stdout).toContain('[0].owner');
  });

  it('exits 1 on error findings and names the JSON path', () => {
    const result = run([
      'validate',
      policyFile([{ ...valid[0], requiredRoles: [] }, valid[1]]),
      '--format',
      'json',
    ]);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { findings: { code: string; path: string }[] };
    expect(parsed.findings).toEqual([
      expect.objectContaining({ code: 'blocking-roles-empty', path: '[0].requiredRoles' }),
    ]);
  });

  it('exits 2 when the file is missing', () => {
    const result = run(['validate', 'no-such-policy.json']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('usr-readiness validate: no-such-policy.json: file not found');
  });
});
