/**
 * Writes the ramdisk's /init: ramdisk-base's head, every element's init.d fragment in
 * a function of its own (so `return` ends only that fragment), a function calling them
 * in run-parts order (the end part runs it with set -e and names the one that failed),
 * then the end part. Fragments share variables: use `local` for scratch ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellQuote } from '@dib/core/element';
import type { ElementFile } from './ramdisk-files.js';

export const RAMDISK_FILES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'ramdisk');

/** The function name a fragment's text is wrapped in. */
export const fragmentFunction = (index: number) => `dib_init_d_${index + 1}`;

/** A fragment as a function; `:` keeps an empty fragment a valid body. */
export const wrapFragment = (f: ElementFile, index: number) => `${fragmentFunction(index)}() {\n:\n${readFileSync(f.file, 'utf8').trimEnd()}\n}\n`;

export function initScript(fragments: readonly ElementFile[]): string {
  return [
    readFileSync(path.join(RAMDISK_FILES, 'init-head.sh'), 'utf8').trimEnd(),
    '',
    ...fragments.map(wrapFragment),
    'dib_fragments() {',
    ':',
    ...fragments.map((f, i) => `dib_fragment ${shellQuote(`${f.name} (element ${f.element})`)}\n${fragmentFunction(i)}`),
    '}',
    '',
    readFileSync(path.join(RAMDISK_FILES, 'init-tail.sh'), 'utf8'),
  ].join('\n');
}
