/** `withDeadline`: settles as the work does, or gives up at the deadline — even on a real hung fs request. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DeadlineError, withDeadline } from '../../lambdas/adapters/deadline';

const repo = path.join(__dirname, '..', '..');

describe('withDeadline', () => {
  it('resolves with the value of work that finishes in time', async () => {
    await expect(withDeadline('the read', 10_000, () => Promise.resolve(42))).resolves.toBe(42);
  });

  it('rejects with the error of work that fails in time', async () => {
    await expect(withDeadline('the read', 10_000, () => Promise.reject(new Error('EIO')))).rejects.toThrow(
      'EIO',
    );
  });

  it('rejects with a one-line DeadlineError when the work never settles', async () => {
    const never = withDeadline('the write', 20, () => new Promise<never>(() => undefined));
    await expect(never).rejects.toThrow(DeadlineError);
    await expect(never).rejects.toThrow('the write did not finish within 20 ms');
  });

  const script = path.join(__dirname, 'fixtures', 'hung-request.ts');
  const runChild = (args: string[]) =>
    spawnSync(process.execPath, ['--require', 'tsx/cjs', script, ...args], {
      cwd: repo,
      encoding: 'utf8',
      // A guard only, with its own signal: a child that does not end is killed with SIGTERM and fails.
      timeout: 45_000,
      killSignal: 'SIGTERM',
    });

  it('gives up a request re-queued for ever (recursive mkdir on procfs), and the process exits 2', () => {
    const child = runChild(['procfs']);
    expect(child.stderr.split('\n')).toHaveLength(2);
    expect(child.stderr).toMatch(/^(DeadlineError: the request did not finish within 200 ms|Error: .*)\n$/);
    expect(child.status).toBe(2);
  });

  it('gives up an open stuck in the kernel (a FIFO nobody reads); its watchdog ends the process', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'usr-deadline-'));
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const child = runChild(['fifo', fifo]);
    rmSync(dir, { recursive: true, force: true });
    expect(child.stderr).toBe('DeadlineError: the request did not finish within 200 ms\n');
    expect(child.signal).toBe('SIGKILL');
  });
});
