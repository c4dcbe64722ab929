import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from './infra/support';

/** The house limit on a function's length (lines from its first to its last line). */
const MAX_FUNCTION_LINES = 60;

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(REPO_ROOT, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
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
  for (const dir of ['lib', 'lambdas']) {
    it(`keeps every function in ${dir}/ at ${MAX_FUNCTION_LINES} lines or fewer`, () => {
      const all = sources(dir).flatMap(functionLengths);
      expect(all.length).toBeGreaterThan(20);
      expect(all.filter(({ lines }) => lines > MAX_FUNCTION_LINES)).toEqual([]);
    });
  }
});
