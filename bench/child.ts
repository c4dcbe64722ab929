/**
 * The benchmark's child processes: its case runners are bundled to plain JavaScript and each case runs once in a
 * fresh `node` (not under the parent's tsx loader), answering with one IPC message.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { build } from 'esbuild';

/** Bundles `entryPoints` (`{ name: 'bench/<file>.ts' }`) into `outdir`; returns each bundle's path by name. */
export async function bundleRunners<Name extends string>(
  entryPoints: Record<Name, string>,
  outdir: string,
): Promise<Record<Name, string>> {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  const names = Object.keys(entryPoints) as Name[];
  return Object.fromEntries(names.map((name) => [name, path.join(outdir, `${name}.js`)])) as Record<
    Name,
    string
  >;
}

export interface ChildOptions {
  /** Names the child in errors, e.g. `the case process`. */
  readonly label: string;
  /** Kills the child after this long (and rejects). @default no limit */
  readonly timeoutMs?: number;
  /** Told of the child when it starts and when it exits (the parent kills the running ones on SIGINT). */
  readonly running?: Set<ChildProcess>;
}

/** Runs `runner` with `input` (JSON, its one argument) in a fresh node; resolves with its one message on exit 0. */
export function runChild<Result>(
  runner: string,
  input: unknown,
  env: NodeJS.ProcessEnv,
  options: ChildOptions,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    // Explicit execArgv: the parent runs under tsx, the case must not inherit its loader.
    const child = fork(runner, [JSON.stringify(input)], {
      execArgv: ['--no-warnings'],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    options.running?.add(child);
    let result: Result | undefined;
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);
    child.on('message', (message) => {
      result = message as Result;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      options.running?.delete(child);
      if (timedOut)
        reject(new Error(`did not finish within ${((options.timeoutMs ?? 0) / 1000).toFixed(1)} s`));
      else if (result !== undefined && code === 0) resolve(result);
      else reject(new Error(`${options.label} exited with ${code ?? signal ?? 'no result'}`));
    });
  });
}
