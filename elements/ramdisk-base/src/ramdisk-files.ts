/**
 * The ramdisk files of the build's elements, each attributed to its element:
 * binary-deps.d entries, init.d fragments (run-parts order) and udev.d rules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sortRunParts, type HostHookContext } from '@dib/core';

export interface ElementFile {
  element: string;
  /** File name inside the element's directory (binary-deps.d/NAME, ...). */
  name: string;
  file: string;
}

export function elementFiles(elements: HostHookContext['elements'], dir: 'binary-deps.d' | 'init.d' | 'udev.d'): ElementFile[] {
  const found = elements.flatMap((el) => {
    const full = path.join(el.directory, el.manifest.hooksDir, dir);
    if (!existsSync(full)) return [];
    return readdirSync(full)
      .map((name) => ({ element: el.name, name, file: path.join(full, name) }))
      .filter((f) => statSync(f.file).isFile());
  });
  return sortRunParts(found, (f) => f.name);
}

export interface BinaryDep {
  element: string;
  /** binary-deps.d file that names it. */
  list: string;
  /** A command looked up in the image's PATH, or an absolute path in the image. */
  binary: string;
}

/** Names are separated by whitespace; "#" starts a comment. */
export function binaryDeps(elements: HostHookContext['elements']): BinaryDep[] {
  return elementFiles(elements, 'binary-deps.d').flatMap((f) =>
    readFileSync(f.file, 'utf8')
      .split('\n')
      .flatMap((line) => line.replace(/#.*/, '').split(/\s+/))
      .filter(Boolean)
      .map((binary) => ({ element: f.element, list: f.name, binary })),
  );
}
