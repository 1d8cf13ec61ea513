/**
 * JSON Schemas for the config file and the element manifest, generated from the zod
 * schemas (so editors can complete dib.config.json/.yaml). Functions and zod values in
 * the manifest (host hooks, variable schemas) have no JSON form and appear as "any".
 */
import { z } from 'zod';
import { ConfigSchema } from './config/schema.js';
import { ManifestSchema } from './contract/manifest.js';
import { PlanJsonSchema } from './plan-json.js';

const generate = (schema: z.ZodType, title: string) => ({
  ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
  title,
});

export const configJsonSchema = () => generate(ConfigSchema, 'dib config file (dib.config.*, .dibrc*, package.json#dib)');
export const manifestJsonSchema = () => generate(ManifestSchema, 'dib element manifest (defineElement)');
export const planJsonSchema = () => ({ ...z.toJSONSchema(PlanJsonSchema, { io: 'output' }), title: 'dib build plan (dib create --dry-run --json)' });
