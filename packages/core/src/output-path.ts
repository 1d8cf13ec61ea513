/**
 * Where a build writes (-o / `output`), checked before anything runs: a file name
 * without extension in a directory the build can write, as DIB's -o. With one output
 * type, a name ending in that type's extension loses it, as DIB does (-o web.qcow2 -t
 * qcow2 writes web.qcow2, not web.qcow2.qcow2).
 */
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { DibError } from './errors.js';
import { OUTPUT_FORMATS } from './outputs/formats.js';

/** Kernel filesystems a build output can never be written to. */
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

export function resolveOutputPath(output: string, types: readonly string[]): string {
  const fail = (message: string, hint: string) => new DibError('DIB_E_ARGUMENT', message, { location: { key: 'output' }, hint });
  const example = 'Give a file name without extension, e.g. -o out/web (writes out/web.qcow2, out/web.log, ...).';
  if (output.trim() === '') throw fail('the output path (-o) is empty', example);
  if (output.endsWith('/') || ['.', '..'].includes(path.basename(output))) throw fail(`the output path "${output}" names a directory, not a file`, example);
  let resolved = path.resolve(output);
  if (types.length === 1) {
    const extension = OUTPUT_FORMATS[types[0] as keyof typeof OUTPUT_FORMATS]?.extension;
    if (extension && resolved.endsWith(`.${extension}`) && resolved.length > extension.length + 1) resolved = resolved.slice(0, -(extension.length + 1));
  }
  if (existsSync(resolved) && statSync(resolved).isDirectory()) throw fail(`the output path "${output}" is an existing directory`, example);
  const dir = nearestExisting(path.dirname(resolved));
  const real = realpathSync(dir);
  if (PSEUDO_FILESYSTEMS.some((p) => real === p || real.startsWith(`${p}/`))) {
    throw fail(`the output path "${output}" is inside ${real}, a kernel filesystem`, example);
  }
  if (!statSync(dir).isDirectory()) throw fail(`the output path "${output}" is under ${dir}, which is a file`, example);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw fail(
      `the output directory ${dir} is not writable (${(e as NodeJS.ErrnoException).code})`,
      'Choose a directory you can write, or fix its permissions.',
    );
  }
  return resolved;
}

/** `dir`, or its nearest ancestor that exists (the build makes the rest). */
function nearestExisting(dir: string): string {
  while (!existsSync(dir)) dir = path.dirname(dir);
  return dir;
}
