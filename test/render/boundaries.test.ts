import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DIR = 'lambdas/render';

function imports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
}

describe('lambdas/render', () => {
  it('imports only the core, the constants, its own files and csv-stringify: renderers are pure functions of the report data', () => {
    const files = readdirSync(path.join(ROOT, DIR)).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const file = `${DIR}/${name}`;
      for (const spec of imports(file)) {
        const to = spec.startsWith('.') ? path.normalize(path.join(DIR, spec)) : spec;
        const ok =
          to.startsWith('lambdas/core/') ||
          to === 'lambdas/constants' ||
          to.startsWith(`${DIR}/`) ||
          to === 'csv-stringify/sync';
        expect({ file, to, ok }).toEqual({ file, to, ok: true });
      }
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      expect({ file, clockOrEnv: /Date\.now\(|new Date\(\)|process\.env/.test(text) }).toEqual({
        file,
        clockOrEnv: false,
      });
    }
  });
});
