/**
 * Copies a classic element's files into its new package's element/ directory (the
 * manifest's hooksDir, taken whole as classicTree): everything but the files the
 * manifest now holds, with modes and symlinks as they are.
 */
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DibError, HOOK_DIRS } from '@dib/core';

/** Classic files whose content is in the generated manifest (dib reads them from the manifest for a package). */
const IN_MANIFEST = /^(element-deps|element-provides|element-conflicts|package-installs\.(yaml|json)|pkg-map|block-device-[^/]+\.yaml)$/;
/** What DIB itself leaves out of an element's hook tree. */
const NEVER = /^(__pycache__|.*\.pyc|README\.md)$/;

/** A directory is an element when it has a hook directory or one of the classic element files. */
export function checkElementDirectory(dir: string): void {
  if (!existsSync(dir))
    throw new DibError('DIB_E_ARGUMENT', `${dir} does not exist`, { hint: 'Name the classic element directory, e.g. dib import-element elements/my-element.' });
  if (!statSync(dir).isDirectory())
    throw new DibError('DIB_E_ARGUMENT', `${dir} is not a directory`, { hint: 'Name the classic element directory, not a file in it.' });
  const entries = readdirSync(dir);
  if (!entries.some((e) => HOOK_DIRS.includes(e) || IN_MANIFEST.test(e))) {
    throw new DibError(
      'DIB_E_NOT_AN_ELEMENT',
      `${dir} is not a classic element directory: it has no hook directory (install.d, root.d, bin, static, ...) and no element-deps, package-installs.yaml or pkg-map`,
      {
        location: { file: dir },
        hint: 'Name one element directory (a directory of ELEMENTS_PATH), not the elements directory holding several.',
      },
    );
  }
}

/** The package directory the classic element's files go to (the manifest's hooksDir). */
export const ELEMENT_DIR = 'element';

/** Copies the element's files into to/element; returns the top-level entries copied. */
export function copyElement(from: string, to: string): string[] {
  const entries = readdirSync(from)
    .filter((e) => !IN_MANIFEST.test(e) && !NEVER.test(e))
    .sort();
  for (const e of entries) cpSync(path.join(from, e), path.join(to, ELEMENT_DIR, e), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return entries;
}
