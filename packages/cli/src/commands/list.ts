/** `dib list`: the images the config file names, with their elements, types and output. */
import { DibError } from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { searchContext } from '../images.js';

export const LIST_USAGE = `Usage: dib list [--json] [--config FILE]

Lists the images of the config file (the one dib create would read): name, elements,
output types and output path. dib create NAME builds one of them.

Options:
  --json         one JSON object per image
  --config FILE  config file
  -h, --help     this help`;

const OPTIONS = { json: { type: 'boolean' }, config: { type: 'string' } } as const;

export const listCommand = command(LIST_USAGE, OPTIONS, async (v, positionals, json) => {
  if (positionals.length) throw new DibError('DIB_E_ARGUMENT', `dib list takes no arguments, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`);
  const { loaded } = await searchContext({ config: v.config });
  for (const w of loaded.warnings) process.stderr.write(`dib: warning: ${w}\n`);
  const images = Object.entries(loaded.config.images).map(([name, image]) => ({
    name,
    elements: image.elements,
    types: image.types,
    output: image.output,
    kind: image.kind,
  }));
  if (json) {
    for (const image of images) process.stdout.write(`${JSON.stringify(image)}\n`);
    return EXIT.ok;
  }
  if (!loaded.filepath) {
    process.stderr.write('dib: no config file here or above (up to the project root); dib init writes one\n');
    return EXIT.ok;
  }
  process.stdout.write(`${images.length} image${images.length === 1 ? '' : 's'} in ${loaded.filepath}:\n`);
  for (const i of images) {
    const outputs = i.kind === 'ramdisk' ? `${i.output}.kernel, ${i.output}.initramfs (ramdisk)` : i.types.map((t) => `${i.output}.${t}`).join(', ');
    process.stdout.write(`  ${i.name}: ${i.elements.join(' ')}\n    -> ${outputs}\n`);
  }
  return EXIT.ok;
});
