import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './infra/support';

/** The house limit on a function's length (lines from its first to its last line). */
const MAX_FUNCTION_LINES = 60;

/**
 * The folders scanned, and how many functions each holds at least (a scan that finds almost nothing is a broken
 * scan). `scripts/` holds a TypeScript entry point and a CommonJS helper; both are read. `bin/` holds only thin
 * launchers and is not scanned.
 */
const SCANNED = [
  { dir: 'lib', atLeast: 21 },
  { dir: 'lambdas', atLeast: 21 },
  { dir: 'bench', atLeast: 21 },
  { dir: 'scripts', atLeast: 5 },
] as const;

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') || rel.endsWith('.js') ? [rel] : [];
  });
}

/** `file:line name` and the length of every function, method, constructor and arrow function in `file`. */
function functionLengths(file: string): { where: string; lines: number }[] {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const result: { where: string; lines: number }[] = [];
  const lineOf = (position: number): number => source.getLineAndCharacterOfPosition(position).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = lineOf(node.getStart(source));
      const name = node.name?.getText(source) ?? ts.SyntaxKind[node.kind];
      result.push({ where: `${file}:${start} ${name}`, lines: lineOf(node.end) - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return result;
}

describe('function length', () => {
  for (const { dir, atLeast } of SCANNED) {
    it(`keeps every function in ${dir}/ at ${MAX_FUNCTION_LINES} lines or fewer`, () => {
      const all = sources(dir).flatMap(functionLengths);
      expect(all.length).toBeGreaterThanOrEqual(atLeast);
      expect(all.filter(({ lines }) => lines > MAX_FUNCTION_LINES)).toEqual([]);
    });
  }
});
