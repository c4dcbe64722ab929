import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support';

interface RunResult {
  readonly code: number | null;
  readonly output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The environment without AWS credentials or profiles: synth must work offline, with nothing configured. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_') && !name.startsWith('CDK_')) env[name] = value;
  }
  return { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
}

interface TemplateJson {
  readonly Resources: Record<
    string,
    { readonly Type: string; readonly Properties?: Record<string, unknown> }
  >;
}

describe('cdk synth', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'usr-synth-'));
  });
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true });
  });

  it('synthesizes the app from cdk.json offline, cdk-nag included, with the daily-check function', async () => {
    const result = await run('npx', ['cdk', 'synth', '--no-notices', '-q', '--output', outdir], offlineEnv());
    expect({ code: result.code, output: result.output }).toEqual({ code: 0, output: expect.any(String) });

    const template = JSON.parse(
      readFileSync(path.join(outdir, 'UsrReadinessMonitor.template.json'), 'utf8'),
    ) as TemplateJson;
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // The daily-check and the evidence-change functions (docs/events.md).
    expect(functions.map((f) => [f.Properties?.['Runtime'], f.Properties?.['Architectures']])).toEqual([
      ['nodejs22.x', ['arm64']],
      ['nodejs22.x', ['arm64']],
    ]);

    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  }, 180_000);
});
