/** `dib get-kernel` / `disk-image-get-kernel`: the kernel and initramfs of a built image. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DibError, extractKernel } from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const GET_KERNEL_USAGE = `Usage: dib get-kernel IMAGE [-o PREFIX]
       disk-image-get-kernel -d DIR -o PREFIX -i IMAGE

Writes PREFIX.vmlinuz and PREFIX.initrd from the newest kernel in the image's /boot
(ext2/3/4 root; qcow2, raw, vmdk and vhd images), without mounting anything.
Deprecated in diskimage-builder in favour of the baremetal element; kept for its users.

Options:
  -o PREFIX   output prefix (default: IMAGE without its extension)
  -d DIR      directory for the outputs (DIB compatible)
  -i IMAGE    the image (DIB compatible)
  -h, --help  this help`;

const OPTIONS = { o: { type: 'string' }, d: { type: 'string' }, i: { type: 'string' } } as const;

export const getKernelCommand = command(GET_KERNEL_USAGE, OPTIONS, async (v, positionals) => {
  const image = v.i ?? positionals[0];
  if (!image) throw new DibError('DIB_E_ARGUMENT', `name the image\n\n${GET_KERNEL_USAGE}`);
  if (!existsSync(image) || !statSync(image).isFile()) {
    throw new DibError('DIB_E_ARGUMENT', `${image} ${existsSync(image) ? 'is not a file' : 'does not exist'}`, {
      hint: 'Name a disk image dib create wrote (NAME.qcow2, NAME.raw, ...).',
    });
  }
  const prefix = path.join(v.d ?? '', v.o ?? image.replace(/\.[^./]+$/, ''));
  const r = await extractKernel(image, prefix);
  process.stdout.write(`kernel ${r.version}:\n  ${r.kernel}\n  ${r.initrd}\n`);
  return EXIT.ok;
});
