import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

/** The import resolved relative to the repository root (`lambdas/core/schemas`), or the bare package name. */
function target(file: string, specifier: string): string {
  return specifier.startsWith('.') ? path.normalize(path.join(path.dirname(file), specifier)) : specifier;
}

// The architecture's arrows point inward only; these tests keep them so.
describe('module boundaries', () => {
  it('keeps lambdas/core pure: it imports zod, the constants module and itself only', () => {
    for (const file of sources('lambdas/core')) {
      for (const spec of imports(file)) {
        const to = target(file, spec);
        expect({
          file,
          to,
          ok: to === 'zod' || to === 'lambdas/constants' || to.startsWith('lambdas/core/'),
        }).toEqual({
          file,
          to,
          ok: true,
        });
      }
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, clock: /Date\.now\(|new Date\(\)|process\.env/.test(text) }).toEqual({
        file,
        clock: false,
      });
    }
  });

  it('keeps lib/ free of runtime code: it imports only the zod-free constants module from lambdas/', () => {
    for (const file of sources('lib')) {
      for (const spec of imports(file)) {
        const to = target(file, spec);
        if (to.startsWith('lambdas/')) expect({ file, to }).toEqual({ file, to: 'lambdas/constants' });
      }
    }
    expect(imports('lambdas/constants.ts')).toEqual([]);
  });

  it('keeps adapters away from process.env', () => {
    for (const file of sources('lambdas/adapters')) {
      expect({ file, env: readFileSync(path.join(ROOT, file), 'utf8').includes('process.env') }).toEqual({
        file,
        env: false,
      });
    }
  });
});
