/**
 * Writes the ramdisk's /init: ramdisk-base's head, every element's init.d fragment in
 * run-parts order inside one function (so the end part can run them with set -e and
 * name the one that failed), then the end part.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElementFile } from './ramdisk-files.js';

export const RAMDISK_FILES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'ramdisk');

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function initScript(fragments: readonly ElementFile[]): string {
  const body = fragments.map((f) => `dib_fragment ${quote(`${f.name} (element ${f.element})`)}\n${readFileSync(f.file, 'utf8').trimEnd()}\n`);
  return [
    readFileSync(path.join(RAMDISK_FILES, 'init-head.sh'), 'utf8').trimEnd(),
    '',
    'dib_fragments() {',
    // A function body may not be empty.
    ':',
    ...body,
    '}',
    '',
    readFileSync(path.join(RAMDISK_FILES, 'init-tail.sh'), 'utf8'),
  ].join('\n');
}
