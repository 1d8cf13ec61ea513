/**
 * The `element-info` bin, as diskimage-builder's: `element-info ELEMENT...` prints the
 * elements and their dependencies on one line; `-e`/`--env` prints them for eval.
 * Scripts ported from DIB read this output, so it keeps DIB's shape, not dib's listing.
 */
import { ElementFinder } from '@dib/core';
import { command } from '../command.js';
import { searchContext } from '../images.js';
import { printDibStyle } from './element-info.js';

export const ELEMENT_INFO_COMPAT_USAGE = `Usage: element-info [-e|--env] ELEMENT...

Prints the elements named and every element they depend on, space separated, as
diskimage-builder's element-info does. With --env: IMAGE_ELEMENT, IMAGE_ELEMENT_YAML and
get_image_element_array as lines for eval. dib's own listing: dib element-info.

Options:
  -e, --env    lines for eval instead of the names
  -h, --help   this help`;

export const elementInfoCompatCommand = command(ELEMENT_INFO_COMPAT_USAGE, { env: { type: 'boolean', short: 'e' } } as const, async (v, positionals) => {
  const { searchRoots, elementsPath, loaded } = await searchContext({});
  for (const w of loaded.warnings) process.stderr.write(`element-info: warning: ${w}\n`);
  return printDibStyle(positionals, new ElementFinder({ searchRoots, elementsPath }), !!v.env);
});
