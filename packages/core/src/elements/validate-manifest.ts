import { DibError } from '../errors.js';
import { ManifestSchema, type ElementManifest } from '../manifest.js';
import { formatZodIssues } from '../config/zod-message.js';

/** Validates an element manifest; `source` names the package or directory in messages. */
export function validateManifest(input: unknown, source: string): ElementManifest {
  const result = ManifestSchema.safeParse(input);
  if (result.success) return result.data;
  throw new DibError('DIB_E_MANIFEST_INVALID', formatZodIssues(result.error, input, source).join('\n'), {
    location: { file: source },
  });
}
