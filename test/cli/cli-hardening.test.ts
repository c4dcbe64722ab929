/**
 * Spawns the real `usr-readiness` binary on hostile stores and targets: symbolic links out of the store, FIFOs,
 * directories, procfs outputs and malformed S3 URLs end in findings or in one line and exit 2 — never a hang.
 */
import { LedgerSchema } from '../../lambdas/core/schemas';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DrillReportSchema, ValidationReportSchema } from '../../lambdas/core/schemas';
import { DEFAULT_POLICY_KEY, DEFAULT_SCHEDULE_KEY } from '../../lambdas/constants';
import { goStore } from '../fixtures/store-builder';

const repo = path.join(__dirname, '..', '..');
const bin = path.join(repo, 'bin', 'usr-readiness.js');
const NOW = '2026-11-25T06:00:00Z';
/** A guard only: a run that hangs is killed and fails on its exit code (null), not on its duration. */
const KILL_AFTER_MS = 45_000;

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    timeout: KILL_AFTER_MS,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const at = (root: string, key: string): string => path.join(root, ...key.split('/'));

function linkAt(root: string, key: string, target: string): void {
  mkdirSync(path.dirname(at(root, key)), { recursive: true });
  symlinkSync(target, at(root, key));
}

function reportsOf(root: string): string {
  const dir = path.join(root, 'reports', 'latest');
  return readdirSync(dir)
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

/** Exactly one line on stderr, containing `text`, and no stack trace. */
function expectOneLine(stderr: string, text: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(text);
  expect(stderr).not.toContain('unexpected error');
}

describe('usr-readiness check on links out of the store', () => {
  it('refuses a policy that links to /etc/passwd as policy-unreadable and quotes none of it', () => {
    const store = goStore();
    const policy = at(store.root, DEFAULT_POLICY_KEY);
    execFileSync('rm', [policy]);
    symlinkSync('/etc/passwd', policy);
    const result = run(['check', '--store', store.root, '--now', NOW, '--format', 'json', '-q']);
    expect(result.code).toBe(1);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'policy-unreadable',
        message: expect.stringContaining('outside the store'),
      }),
    ]);
    expect(result.stdout + result.stderr + reportsOf(store.root)).not.toContain('root:');
  });

  it('refuses a schedule that links outside the store as schedule-invalid', () => {
    const store = goStore();
    linkAt(store.root, DEFAULT_SCHEDULE_KEY, '/etc/passwd');
    const result = run(['check', '--store', store.root, '--now', NOW, '--format', 'json', '-q']);
    const report = ValidationReportSchema.parse(JSON.parse(result.stdout));
    expect(report.findings).toEqual([
      expect.objectContaining({
        code: 'schedule-invalid',
        message: expect.stringContaining('outside the store'),
      }),
    ]);
    expect(result.stdout + reportsOf(store.root)).not.toContain('root:');
  });

  it.each(['/etc/passwd', '/proc/self/pagemap'])(
    'reports a drill that links to %s as evidence-invalid with its key, without reading it',
    (target) => {
      const store = goStore();
      const key = 'drills/incident-a/20261124T000000Z-linked.json';
      linkAt(store.root, key, target);
      const result = run(['check', '--store', store.root, '--now', NOW, '-q']);
      expect(result.code).toBe(0);
      const incident = DrillReportSchema.parse(
        JSON.parse(
          readFileSync(
            path.join(store.root, 'reports', 'latest', 'usr-incident-response-drill-report.json'),
            'utf8',
          ),
        ),
      );
      const findings = incident.rows.find((r) => r.rowId === 'incident-a')?.findings ?? [];
      expect(findings).toEqual([
        expect.objectContaining({
          code: 'evidence-invalid',
          key,
          message: expect.stringContaining('outside'),
        }),
      ]);
      expect(reportsOf(store.root)).not.toContain('root:');
    },
  );

  it('reports a directory and a FIFO where drills should be as evidence-invalid, without blocking', () => {
    const store = goStore();
    const folder = at(store.root, 'drills/incident-a');
    mkdirSync(path.join(folder, '20261124T000000Z-dir.json'));
    execFileSync('mkfifo', [path.join(folder, '20261124T010000Z-fifo.json')]);
    const result = run(['check', '--store', store.root, '--now', NOW, '-q']);
    expect(result.code).toBe(0);
    const invalid = DrillReportSchema.parse(
      JSON.parse(
        readFileSync(
          path.join(store.root, 'reports', 'latest', 'usr-incident-response-drill-report.json'),
          'utf8',
        ),
      ),
    )
      .rows.flatMap((r) => r.findings)
      .filter((f) => f.code === 'evidence-invalid')
      .map((f) => f.message);
    expect(invalid).toEqual([
      'drills/incident-a/20261124T000000Z-dir.json: a directory, not a file',
      'drills/incident-a/20261124T010000Z-fifo.json: a FIFO (named pipe), not a file',
    ]);
  });
});

describe('usr-readiness check on outputs that would hang', () => {
  it('exits 2 with one line for --out /proc/x', () => {
    const result = run(['check', '--store', goStore().root, '--out', '/proc/x', '--now', NOW, '-q']);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, '/proc/x');
  });

  it('exits 2 with one line for --alerts jsonl:/proc/x/a.jsonl', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'usr-out-'));
    const result = run([
      'check',
      '--store',
      goStore().root,
      '--out',
      out,
      '--alerts',
      'jsonl:/proc/x/a.jsonl',
      '--now',
      NOW,
      '-q',
    ]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, '/proc/x/a.jsonl');
  });

  it('exits 2 for --alerts jsonl:<a FIFO nobody reads>, nothing counted as sent in the ledger', () => {
    const store = goStore();
    const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'usr-fifo-')), 'alerts.jsonl');
    execFileSync('mkfifo', [fifo]);
    const result = run([
      'check',
      '--store',
      store.root,
      '--alerts',
      `jsonl:${fifo}`,
      '--now',
      '2027-06-01T00:00:00Z',
      '-q',
    ]);
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, 'could not be delivered');
    // Every claimed alert was undone when its delivery failed, so the next run sends them all.
    const ledger = LedgerSchema.parse(
      JSON.parse(readFileSync(at(store.root, 'state/alert-ledger.json'), 'utf8')),
    );
    expect(ledger.claims).toEqual([]);
    expect(ledger.entries).toEqual([]);
  });
});

describe('usr-readiness bad usage', () => {
  it('exits 2 with one line for validate <a directory>', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'usr-validate-'));
    const result = run(['validate', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`usr-readiness validate: ${dir}: a directory, not a file`);
    expect(result.stdout).toBe('');
  });

  it('exits 2 with one line for validate <a FIFO>, without blocking on it', () => {
    const fifo = path.join(mkdtempSync(path.join(tmpdir(), 'usr-validate-')), 'policy.json');
    execFileSync('mkfifo', [fifo]);
    const result = run(['validate', fifo]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`usr-readiness validate: ${fifo}: a FIFO (named pipe), not a file`);
  });
});
