/** `usr-readiness verify` and `gate` through `main` (in process) on directory output roots. */
import { FsReportSink } from '../../lambdas/adapters/fs-store';
import { parseCommand } from '../../lambdas/cli/args';
import type { Io } from '../../lambdas/cli/main';
import { main } from '../../lambdas/cli/main';
import { HOUR_MS, directoryTamperer, flipByte, runAt, writeDay, writeDays } from '../fixtures/core/chain';
import { removeTempDirs, tempDir } from '../fixtures/core/temp-store';

afterAll(removeTempDirs);

const DAYS = ['2026-11-23', '2026-11-24', '2026-11-25'];

async function cli(argv: string[], clock = new Date(runAt('2026-11-25') + HOUR_MS)) {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), clock: () => clock };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

async function chain(): Promise<string> {
  const root = await tempDir('cli-chain');
  await writeDays(new FsReportSink(root), DAYS);
  return root;
}

describe('usr-readiness verify', () => {
  it('exits 0 with one line of days and files when the chain is intact', async () => {
    const root = await chain();
    expect(await cli(['verify', '--store', root])).toEqual({
      code: 0,
      stdout: '3 day(s) and 16 file(s) verified\n',
      stderr: '',
    });
  });

  it('exits 1 with one line per problem, and a summary on stderr unless --quiet', async () => {
    const root = await chain();
    const tamper = directoryTamperer(root);
    await flipByte(tamper, 'reports/2026-11-23/usr-rollback-drill-report.json');
    await tamper.remove('reports/2026-11-24/usr-readiness-manifest.json');
    const run = await cli(['verify', '--store', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        '2026-11-23 digest-mismatch usr-rollback-drill-report.json',
        '2026-11-24 missing-file usr-readiness-manifest.json',
        '2026-11-25 chain-broken usr-readiness-manifest.json',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(`usr-readiness verify: 3 problem(s) in 3 day(s) under ${root}/reports/\n`);
    expect((await cli(['verify', '--store', root, '--quiet'])).stderr).toBe('');
  });

  it('reads the reports under --out, and verifies only --from to --to', async () => {
    const out = await chain();
    const store = await tempDir('cli-store');
    expect(
      await cli(['verify', '--store', store, '--out', out, '--from', '2026-11-24', '--to', '2026-11-24']),
    ).toEqual({
      code: 0,
      stdout: '1 day(s) and 4 file(s) verified\n',
      stderr: '',
    });
  });

  it('says --versions is not applicable to a directory, and verifies the rest', async () => {
    const root = await chain();
    const run = await cli(['verify', '--store', root, '--versions']);
    expect(run).toEqual({
      code: 0,
      stdout: '3 day(s) and 16 file(s) verified\n',
      stderr: 'usr-readiness verify: --versions is not applicable to a directory (no object versions)\n',
    });
  });

  it('exits 2 with one line when there is nothing to verify', async () => {
    const root = await tempDir('cli-empty');
    expect(await cli(['verify', '--store', root])).toEqual({
      code: 2,
      stdout: '',
      stderr: `usr-readiness verify: no day of reports under ${root}/reports/\n`,
    });
  });
});

describe('usr-readiness gate', () => {
  it('exits 0 on go, measuring the age to the clock by default', async () => {
    const root = await chain();
    const run = await cli(['gate', '--store', root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'go: reports/latest/ of 2026-11-25 (asOf 2026-11-25T06:00:00Z) is intact and allows promotion (1h 0m old, --max-age 26h)\n',
    );
  });

  it('exits 1 on no-go, on stale (with --now and --max-age) and on tampered', async () => {
    const root = await tempDir('cli-gate');
    await writeDay(new FsReportSink(root), '2026-11-25', { decision: 'no-go' });
    expect((await cli(['gate', '--store', root])).stdout).toMatch(/^no-go: /);
    const stale = await cli(['gate', '--store', root, '--now', '2026-11-25T07:31:00Z', '--max-age', '90m']);
    expect(stale).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^stale: .* more than --max-age 90m\n$/),
    });
    await flipByte(directoryTamperer(root), 'reports/latest/usr-incident-response-drill-report.json');
    expect(await cli(['gate', '--store', root])).toMatchObject({
      code: 1,
      stdout:
        'tampered: reports/latest/usr-incident-response-drill-report.json does not match the manifest\n',
    });
  });

  it('exits 2 with one line on stdout when there is no reports/latest/', async () => {
    const root = await tempDir('cli-none');
    expect(await cli(['gate', '--store', root])).toEqual({
      code: 2,
      stdout: `error: no reports under ${root}/reports/latest/: nothing to gate on (has the monitor run with this output root?)\n`,
      stderr: '',
    });
  });
});

describe('verify and gate flags', () => {
  it.each([
    [
      ['gate', '--store', 'x', '--max-age', '26'],
      '--max-age must be a duration such as 26h, 90m or 2d (at most 36500d), got "26"',
    ],
    [
      ['gate', '--store', 'x', '--max-age', '0h'],
      '--max-age must be a duration such as 26h, 90m or 2d (at most 36500d), got "0h"',
    ],
    [
      ['gate', '--store', 'x', '--now', 'tomorrow'],
      '--now must be an ISO-8601 date-time with a zone such as 2026-11-25T06:00:00Z, got "tomorrow"',
    ],
    [
      ['verify', '--store', 'x', '--from', '2026-02-30'],
      '--from must be a day such as 2026-10-01 (YYYY-MM-DD), got "2026-02-30"',
    ],
    [
      ['verify', '--store', 'x', '--from', '2026-11-25', '--to', '2026-11-24'],
      '--from must not be after --to',
    ],
    [['verify'], '--store is required (a directory or s3://bucket/prefix)'],
    [
      ['verify', '--store', 's3://'],
      '--store: invalid S3 URL "s3://": no bucket name (expected s3://bucket[/prefix])',
    ],
    [['verify', '--store', 'x', 'extra'], 'verify takes no positional arguments, got "extra"'],
    [['gate', '--store', 'x', '--format', 'json'], 'unknown option --format (see gate --help)'],
  ])('refuses %j: %s (exit 2)', async (argv, message) => {
    expect(await cli(argv)).toEqual({ code: 2, stdout: '', stderr: `usr-readiness: ${message}\n` });
  });

  it('defaults --max-age to 26h and --concurrency to 16', () => {
    expect(parseCommand(['gate', '--store', 'x'])).toMatchObject({
      flags: { 'max-age': { text: '26h', ms: 26 * HOUR_MS } },
    });
    expect(parseCommand(['verify', '--store', 'x'])).toMatchObject({
      flags: { concurrency: 16, versions: false },
    });
  });

  it.each([
    [['verify', '--help'], 'usr-readiness verify — '],
    [['help', 'gate'], 'usr-readiness gate — '],
    [['--help'], 'usr-readiness gate --store'],
  ])('prints help for %j', async (argv, text) => {
    const run = await cli(argv);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(text);
  });
});

describe('check, then an earlier check of the same day (a late scheduled run), then gate and verify', () => {
  it('leaves the later evaluation in place: nothing written, the seals intact, the gate not tampered', async () => {
    const out = await tempDir('cli-late');
    const store = 'examples/store';
    const check = (now: string) =>
      cli([
        'check',
        '--store',
        store,
        '--out',
        out,
        '--now',
        now,
        '--exit-zero',
        '--format',
        'json',
        '--quiet',
      ]);
    expect((await check('2026-11-25T10:00:00Z')).code).toBe(0);
    const late = await check('2026-11-25T06:00:00Z');
    expect(late.code).toBe(0);
    const afterLate = new Date('2026-11-25T11:00:00Z');
    const gate = await cli(['gate', '--store', store, '--out', out], afterLate);
    expect(gate.stdout).not.toMatch(/tampered/);
    expect(gate.stdout).toMatch(/^no-go: /);
    expect(await cli(['verify', '--store', store, '--out', out], afterLate)).toMatchObject({ code: 0 });
  });

  it('says so on stderr instead of "reports written"', async () => {
    const out = await tempDir('cli-late-note');
    const check = (now: string) =>
      cli([
        'check',
        '--store',
        'examples/store',
        '--out',
        out,
        '--now',
        now,
        '--exit-zero',
        '--format',
        'json',
      ]);
    await check('2026-11-25T10:00:00Z');
    const late = await check('2026-11-25T06:00:00Z');
    expect(late.stderr).toContain(
      `usr-readiness: no report written: reports/2026-11-25/ in ${out} already holds a later evaluation than 2026-11-25T06:00:00Z`,
    );
  });
});
