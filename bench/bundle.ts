/**
 * The Lambda bundle: its minified size and its cold initialisation time.
 *
 * Bundle: esbuild, entry `lambdas/handlers/daily-check.ts`, bundle + minify, platform node, target node22,
 * format cjs, mainFields module,main, nothing external (the AWS SDK is bundled).
 *
 * Cold init: `COLD_INIT_RUNS` fresh `node` processes (after one unreported warm-up that loads the files
 * into the page cache), each running a tiny probe that `require`s the bundle with the environment the handler
 * needs (EVIDENCE_BUCKET, AWS_REGION). The probe reports `performance.now()` right after the require, i.e.
 * from the process's time origin (its start) until the handler module is initialised: that is `coldInitMs`
 * (median). The require alone and the whole process (spawn to exit, as seen by the parent) are reported too.
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import type { BuildOptions, Metafile } from 'esbuild';

export const LAMBDA_ENTRY = 'lambdas/handlers/daily-check.ts';
export const COLD_INIT_RUNS = 10;

export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
  entryPoints: [LAMBDA_ENTRY],
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  // The same alias as the CDK bundling (lib/readiness-monitor.ts): Lambda's credentials come from the environment.
  alias: {
    '@aws-sdk/credential-provider-node': path.join(
      __dirname,
      '..',
      'lambdas',
      'handlers',
      'lambda-credentials.ts',
    ),
  },
  logLevel: 'silent',
};

export interface BundleFigures {
  readonly bundleBytes: number;
  /** Median, process start → after `require(bundle)` (the probe's `performance.now()`). */
  readonly coldInitMs: number;
  /** Median of the `require(bundle)` call alone. */
  readonly requireMs: number;
  /** Median of spawn → exit of the whole probe process, measured by the parent. */
  readonly processMs: number;
  readonly runs: number;
  /** The largest contributors to the bundle, by package, in bytes of output. */
  readonly topPackages: readonly (readonly [string, number])[];
}

const PROBE = `'use strict';
const started = process.hrtime.bigint();
require(process.argv[2]);
const loaded = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ requireMs: Number(loaded - started) / 1e6, sinceStartMs: performance.now() }));
`;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};

/** Bytes of output per package (`zod`, `@smithy/core`, …; the project's own code as `(project)`). */
function byPackage(metafile: Metafile): (readonly [string, number])[] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, info] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const name = match?.[1] ?? '(project)';
      totals.set(name, (totals.get(name) ?? 0) + info.bytesInOutput);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

export async function measureBundle(workDir: string, runs = COLD_INIT_RUNS): Promise<BundleFigures> {
  const outfile = path.join(workDir, 'daily-check.js');
  const result = await build({ ...LAMBDA_BUILD_OPTIONS, outfile, metafile: true });
  const bundleBytes = statSync(outfile).size;

  const probe = path.join(workDir, 'cold-init-probe.js');
  writeFileSync(probe, PROBE);
  const env = {
    PATH: process.env.PATH ?? '',
    EVIDENCE_BUCKET: 'bench',
    AWS_REGION: 'us-east-1',
  };
  const once = (): { requireMs: number; sinceStartMs: number; processMs: number } => {
    const spawned = performance.now();
    // --no-warnings: the AWS SDK warns about Node < 22 on stderr; Lambda's node22 runtime would not.
    const stdout = execFileSync(process.execPath, ['--no-warnings', probe, outfile], {
      env,
      encoding: 'utf8',
    });
    const processMs = performance.now() - spawned;
    const parsed = JSON.parse(stdout) as { requireMs: number; sinceStartMs: number };
    return { ...parsed, processMs };
  };
  once();
  const samples = Array.from({ length: runs }, once);
  return {
    bundleBytes,
    coldInitMs: median(samples.map((s) => s.sinceStartMs)),
    requireMs: median(samples.map((s) => s.requireMs)),
    processMs: median(samples.map((s) => s.processMs)),
    runs,
    topPackages: byPackage(result.metafile),
  };
}
