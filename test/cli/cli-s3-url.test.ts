/** Spawns the real `usr-readiness` binary with malformed `s3://` URLs: bad usage, one line, exit 2. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { goStore } from '../fixtures/store-builder';

const repo = path.join(__dirname, '..', '..');
const bin = path.join(repo, 'bin', 'usr-readiness.js');
const NOW = '2026-11-25T06:00:00Z';

function run(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('usr-readiness check with a malformed s3:// URL', () => {
  it.each([
    ['--store', 's3://', 'no bucket name'],
    ['--store', 's3:///prefix', 'no bucket name'],
    ['--store', 's3://Bad_Bucket/x', 'the bucket name must be 3-63 lowercase letters'],
    ['--out', 's3://', 'no bucket name'],
    ['--out', 's3://ab', 'the bucket name must be 3-63 lowercase letters'],
  ])('exits 2 with one usage line for %s %s', (flag, url, reason) => {
    const args = flag === '--store' ? [flag, url] : ['--store', goStore().root, flag, url];
    const result = run(['check', ...args, '--now', NOW, '-q']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^usr-readiness: /)]);
    expect(result.stderr).toContain(`usr-readiness: ${flag}: invalid S3 URL "${url}": ${reason}`);
    expect(result.stderr).not.toContain('unexpected error');
  });
});
