import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ReadinessMonitor } from '../../lib/readiness-monitor';
import { CDK_JSON, logicalId } from './support';

/** The one test that really runs esbuild (every other infra test skips bundling). */
describe('daily-check bundle', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'usr-bundle-'));
  });
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('bundles the handler entry locally with esbuild, the AWS SDK inside, with a source map', () => {
    const app = new App({ outdir, context: { ...CDK_JSON.context } });
    const stack = new Stack(app, 'Bundle');
    const monitor = new ReadinessMonitor(stack, 'Monitor');
    const template = app.synth().getStackByName('Bundle').template as {
      Resources: Record<string, { Properties: { Code?: { S3Key?: string } } }>;
    };

    const s3Key = template.Resources[logicalId(monitor.lambdaFunction)]?.Properties.Code?.S3Key ?? '';
    expect(s3Key).toMatch(/^[0-9a-f]{64}\.zip$/);
    const assetDir = path.join(outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
    const bundle = path.join(assetDir, 'index.js');
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).size).toBeGreaterThan(0);

    const code = readFileSync(bundle, 'utf8');
    expect(code.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
    // bundleAwsSDK: the SDK clients are inside the bundle, not required from the runtime's copy.
    expect(code.match(/require\(["']@aws-sdk\/client-[a-z0-9-]+["']\)/g)).toBeNull();

    const sourceMap = JSON.parse(readFileSync(path.join(assetDir, 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    expect(sourceMap.sources.some((source) => source.endsWith('lambdas/handlers/daily-check.ts'))).toBe(true);
    // Only the environment link of the credential chain is bundled (lambdas/handlers/lambda-credentials.ts).
    expect(
      sourceMap.sources.some((source) => source.endsWith('lambdas/handlers/lambda-credentials.ts')),
    ).toBe(true);
    expect(sourceMap.sources.filter((source) => /credential-provider-(node|sso|ini)\//.test(source))).toEqual(
      [],
    );
  });
});
