/** `npm run schemas`: regenerates schemas/*.schema.json from the zod schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { jsonSchemaFiles } from '../lambdas/core/json-schemas';

const dir = path.join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(jsonSchemaFiles())) {
  writeFileSync(path.join(dir, file), text);
  process.stdout.write(`wrote schemas/${file}\n`);
}
