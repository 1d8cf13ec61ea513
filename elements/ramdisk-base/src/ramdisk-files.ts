/**
 * The ramdisk files of the build's elements, each attributed to its element:
 * binary-deps.d entries, init.d fragments (run-parts order) and udev.d rules.
 */
import { readFileSync, statSync } from 'node:fs';
import { sortRunParts, type HostHookContext } from '@dib/core/element';

export interface ElementFile {
  element: string;
  /** File name inside the element's directory (binary-deps.d/NAME, ...). */
  name: string;
  file: string;
}

/** One ramdisk directory of the merged hook tree (collisions were refused at plan time), in run-parts order. */
export function elementFiles(hookFiles: HostHookContext['hookFiles'], dir: 'binary-deps.d' | 'init.d' | 'udev.d'): ElementFile[] {
  const found = hookFiles.filter((f) => f.dir === dir && statSync(f.source).isFile()).map((f) => ({ element: f.element, name: f.name, file: f.source }));
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
export function binaryDeps(hookFiles: HostHookContext['hookFiles']): BinaryDep[] {
  return elementFiles(hookFiles, 'binary-deps.d').flatMap((f) =>
    readFileSync(f.file, 'utf8')
      .split('\n')
      .flatMap((line) => line.replace(/#.*/, '').split(/\s+/))
      .filter(Boolean)
      .map((binary) => ({ element: f.element, list: f.name, binary })),
  );
}
