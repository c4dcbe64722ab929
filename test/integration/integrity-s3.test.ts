/**
 * `verify` and `gate` against S3 on loopback (fauxqs): the tampering cases of the directory store through
 * `S3ReportSink`, and the real binary with `--store s3://… --endpoint-url …`. fauxqs has no versioning (no
 * VersionId on PutObject, no GetBucketVersioning status, no ListObjectVersions): `--versions` is shown to say so,
 * and the version checks themselves are covered with a mocked client (test/adapters/s3-versions.test.ts).
 */
import { S3ReportSink } from '../../lambdas/adapters/s3-store';
import type { ChainStore } from '../fixtures/core/tamper-cases';
import { defineGateCases, defineRunCases, defineVerifyCases } from '../fixtures/core/tamper-cases';
import { flipByte, s3Tamperer, writeDays } from '../fixtures/core/chain';
import { createBucket, endpoint, runCli, s3Client, uniqueName } from './support';

const s3 = s3Client();
const bucket = uniqueName('chain');
let stores = 0;

beforeAll(async () => {
  await createBucket(s3, bucket);
});
afterAll(() => s3.destroy());

/** A fresh prefix of the one bucket per test. */
async function s3Store(): Promise<ChainStore> {
  const prefix = `t${++stores}/`;
  return Promise.resolve({
    reports: new S3ReportSink({ client: s3, bucket, prefix }),
    tamper: s3Tamperer(s3, bucket, prefix),
  });
}

describe('verifyReports on S3', () => {
  defineVerifyCases(s3Store);
  defineRunCases(s3Store);
});

describe('runGate on S3', () => {
  defineGateCases(s3Store);
});

const run = runCli;

describe('usr-readiness verify and gate against S3', () => {
  const aws = (): string[] => ['--endpoint-url', endpoint(), '--region', 'us-east-1'];

  it('verifies, then reports a flipped byte, and gates go, then tampered', async () => {
    const reports = new S3ReportSink({ client: s3, bucket, prefix: 'cli/' });
    await writeDays(reports, ['2026-11-24', '2026-11-25']);
    const store = ['--store', `s3://${bucket}/evidence`, '--out', `s3://${bucket}/cli`, ...aws()];
    const now = ['--now', '2026-11-25T08:00:00Z'];

    const intact = await run(['verify', ...store, '--versions']);
    expect(intact).toMatchObject({ code: 0, stdout: '2 day(s) and 12 file(s) verified\n' });
    expect(intact.stderr).toBe(
      `usr-readiness verify: --versions: not applicable, s3://${bucket}/cli has never been versioned (no earlier versions to find)\n`,
    );
    const go = await run(['gate', ...store, ...now]);
    expect(go.code).toBe(0);
    expect(go.stdout).toMatch(/^go: reports\/latest\/ of 2026-11-25 .* is intact and allows promotion/);

    await flipByte(
      s3Tamperer(s3, bucket, 'cli/'),
      'reports/latest/usr-operational-readiness-validation.json',
    );
    const broken = await run(['verify', ...store, '-q']);
    expect(broken).toMatchObject({
      code: 1,
      stdout: 'latest digest-mismatch usr-operational-readiness-validation.json\n',
      stderr: '',
    });
    expect(await run(['gate', ...store, ...now])).toMatchObject({
      code: 1,
      stdout:
        'tampered: reports/latest/usr-operational-readiness-validation.json does not match the manifest\n',
    });
  });

  it('exits 2 with one line when the bucket does not exist', async () => {
    const missing = ['--store', `s3://${uniqueName('none')}`, ...aws()];
    const verify = await run(['verify', ...missing]);
    expect(verify.code).toBe(2);
    expect(verify.stderr).toMatch(
      /^usr-readiness verify: cannot list s3:\/\/it-none-.*: bucket does not exist/,
    );
    const gate = await run(['gate', ...missing]);
    expect(gate.code).toBe(2);
    expect(gate.stdout).toMatch(/^error: cannot list s3:\/\/it-none-.*: bucket does not exist/);
  });
});
