import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { jsonSchemaFiles } from '../../lambdas/core/json-schemas';

const dir = path.join(__dirname, '..', '..', 'schemas');

describe('published JSON Schemas', () => {
  const generated = jsonSchemaFiles();

  it.each(Object.keys(generated))('schemas/%s matches the zod schema (run `npm run schemas` after a change)', (file) => {
    expect(readFileSync(path.join(dir, file), 'utf8')).toBe(generated[file]);
  });

  it('publishes no stale schema files', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(generated).sort());
  });
});
