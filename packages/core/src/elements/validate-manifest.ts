import { DibError } from '../errors.js';
import { isCoreCode } from '../contract/element-error.js';
import { ManifestSchema, type ElementManifest } from '../contract/manifest.js';
import { formatZodIssues } from '../config/zod-message.js';

/** Validates an element manifest; `source` names the package or directory in messages. */
export function validateManifest(input: unknown, source: string): ElementManifest {
  const result = ManifestSchema.safeParse(input);
  if (!result.success) {
    throw new DibError('DIB_E_MANIFEST_INVALID', formatZodIssues(result.error, input, source).join('\n'), {
      location: { file: source },
    });
  }
  for (const [code, entry] of Object.entries(result.data.errors)) {
    const problem = isCoreCode(code)
      ? `${code} is one of dib's own codes; an element declares codes of its own`
      : entry.code !== code
        ? `the entry's code is ${entry.code}`
        : undefined;
    if (problem) {
      throw new DibError('DIB_E_MANIFEST_INVALID', `${source}: errors.${code}: ${problem}`, {
        location: { file: source, key: `errors.${code}` },
        hint: "Declare the catalogue with defineErrors({ DIB_E_MY_CODE: { title, hint } }) and pass it as the manifest's errors.",
      });
    }
  }
  return result.data;
}
