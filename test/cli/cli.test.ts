/** Spawns the real `usr-readiness` binary on temporary stores and checks exit codes, files and contents. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UsageError, parseCommand } from '../../lambdas/cli/args';
import { DrillReportSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import { StoreBuilder, goStore, row } from '../fixtures/store-builder';

const repo = path.join(__dirname, '..', '..');
const bin = path.join(repo, 'bin', 'usr-readiness.js');
const NOW = '2026-11-25T06:00:00Z';
const FILES = [
  'usr-incident-response-drill-report.json',
  'usr-operational-readiness-validation.json',
  'usr-readiness-manifest.json',
  'usr-readiness-report.html',
  'usr-readiness-rows.csv',
  'usr-rollback-drill-report.json',
];

/**
 * A report apart from its generatedAt; the manifest apart from its digests (it seals the exact bytes, generatedAt
 * included, so only its digests may differ between two runs of the same day).
 */
const stableText = (file: string, text: string): string =>
  file === 'usr-readiness-manifest.json'
    ? text.replace(/"sha256": "[0-9a-f]{64}"/g, '')
    : text.replace(/"generatedAt": "[^"]+"/, '');

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

const missingStore = path.join(tmpdir(), 'usr-no-such-store-dir');
const STANDARD_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:usr-readiness-alerts';
const FIFO_TOPIC = `${STANDARD_TOPIC}.fifo`;

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
    expect(validation.summary).toEqual({ rows: 12, blockingRows: 8, errors: 0, warnings: 0, waived: 1 });
    const incident = DrillReportSchema.parse(readJson(path.join(store, 'reports', 'latest', FILES[0]!)));
    expect(incident.drillType).toBe('incident');
    expect(incident.rows.map((r) => r.rowId)).toEqual([...incident.rows.map((r) => r.rowId)].sort());
  });

  it('shows in the table what changed since the previous day with history', () => {
    const store = exampleCopy();
    const first = run(['check', '--store', store, '--now', '2026-11-24T06:00:00Z', '--exit-zero', '-q']);
    expect(first.stdout).toContain('\nchanges: none recorded (no earlier day has history)\n');
    const second = run(['check', '--store', store, '--now', NOW, '--exit-zero', '-q']);
    expect(second.stdout).toContain(
      '\nchanges since 2026-11-24: incident-sev2-escalation compliant → due-soon\n',
    );
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

  it('keeps stdout valid JSON with --alerts stdout --format json: the alert lines go to stderr', () => {
    const result = run([
      'check',
      '--store',
      exampleCopy(),
      '--now',
      NOW,
      '--alerts',
      'stdout',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.promotion.decision).toBe('no-go');
    expect(result.stderr).toMatch(/^ALERT /m);
  });

  it('prints the alert lines on stdout with --alerts stdout and the table format', () => {
    const result = run(['check', '--store', exampleCopy(), '--now', NOW, '--alerts', 'stdout', '-q']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ALERT /m);
    expect(result.stdout).toMatch(/^STATUS +BLOCKING +ROW/m);
    expect(result.stderr).not.toContain('ALERT ');
  });

  it('produces byte-identical reports on a rerun apart from generatedAt', () => {
    const store = exampleCopy();
    const snapshot = () =>
      FILES.map((f) => stableText(f, readFileSync(path.join(store, 'reports', '2026-11-25', f), 'utf8')));
    run(['check', '--store', store, '--now', NOW, '-q']);
    const first = snapshot();
    run(['check', '--store', store, '--now', NOW, '-q']);
    expect(snapshot()).toEqual(first);
  });

  it('produces byte-identical reports on a same-day rerun with alerting on (apart from generatedAt)', () => {
    const store = exampleCopy();
    const sink = `jsonl:${path.join(store, 'alerts.jsonl')}`;
    const snapshot = () =>
      FILES.map((f) => stableText(f, readFileSync(path.join(store, 'reports', '2026-11-25', f), 'utf8')));
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
    [
      ['check', '--store', missingStore, '--alerts', `sns:${FIFO_TOPIC}`],
      '--alerts: FIFO topics are not supported (alerts are fanned out to email/SQS subscribers of a standard topic), ' +
        `got "sns:${FIFO_TOPIC}"`,
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

  it.each([
    ['--cadence-days', '200000000'],
    ['--cadence-days', '36501'],
    ['--warn-days', '200000000'],
    ['--warn-days', '36501'],
  ])('exits 2 with one line, not a crash, on %s %s (more than 100 years)', (flag, value) => {
    const result = run(['check', '--store', goStore().root, '--now', NOW, flag, value, '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `usr-readiness: ${flag} must be at most 36500, got "${value}"`,
    ]);
    expect(result.stdout).toBe('');
  });

  it('accepts --cadence-days and --warn-days of exactly 36500 days', () => {
    const result = run([
      'check',
      '--store',
      goStore().root,
      '--now',
      NOW,
      '--cadence-days',
      '36500',
      '--warn-days',
      '36500',
      '--format',
      'json',
      '-q',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(ValidationReportSchema.parse(JSON.parse(result.stdout)).parameters).toMatchObject({
      cadenceDays: 36500,
      warnDays: 36500,
    });
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

describe('parseCommand (check flags)', () => {
  const check = (...flags: string[]) => parseCommand(['check', '--store', 'store', ...flags]);

  it('accepts a standard SNS topic for --alerts', () => {
    expect(check('--alerts', `sns:${STANDARD_TOPIC}`)).toMatchObject({
      command: 'check',
      flags: { alerts: { kind: 'sns', topicArn: STANDARD_TOPIC } },
    });
  });

  it('refuses a FIFO SNS topic for --alerts', () => {
    expect(() => check('--alerts', `sns:${FIFO_TOPIC}`)).toThrow(
      new UsageError(
        '--alerts: FIFO topics are not supported (alerts are fanned out to email/SQS subscribers of a standard topic), ' +
          `got "sns:${FIFO_TOPIC}"`,
      ),
    );
  });

  it('caps --cadence-days and --warn-days at 36500 and still wants a positive / whole number', () => {
    expect(check('--cadence-days', '36500', '--warn-days', '36500')).toMatchObject({
      flags: { 'cadence-days': 36500, 'warn-days': 36500 },
    });
    expect(() => check('--cadence-days', '36501')).toThrow(
      '--cadence-days must be at most 36500, got "36501"',
    );
    expect(() => check('--warn-days', '999999999')).toThrow(
      '--warn-days must be at most 36500, got "999999999"',
    );
    expect(() => check('--cadence-days', '0')).toThrow('--cadence-days must be a positive integer, got "0"');
    expect(() => check('--warn-days', 'x')).toThrow(
      '--warn-days must be a whole number of days (0 or more), got "x"',
    );
  });
});
