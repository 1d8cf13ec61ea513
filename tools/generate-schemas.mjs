#!/usr/bin/env node
// Writes packages/core/schema/*.schema.json from the zod schemas. `--check` fails when
// the committed files are out of date instead of writing them.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, manifestJsonSchema, planJsonSchema } from '@dib/core';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../packages/core/schema');
const files = { 'config.schema.json': configJsonSchema(), 'manifest.schema.json': manifestJsonSchema(), 'plan.schema.json': planJsonSchema() };
const check = process.argv.includes('--check');
let stale = 0;
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(files)) {
  const file = path.join(dir, name);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  if (check) {
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      console.error(`${file} is out of date: run npm run schema`);
      stale++;
    }
  } else writeFileSync(file, text);
}
process.exit(stale ? 1 : 0);
