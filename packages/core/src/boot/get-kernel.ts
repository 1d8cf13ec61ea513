/**
 * Extracts the kernel and initramfs from a built image without mounting it: qcow2 and
 * other formats are converted to raw, the partition table is read with sfdisk, and
 * debugfs reads /boot of the ext2/3/4 root at its partition's offset.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { DibError } from '../errors.js';
import { newestVersion } from './kernels.js';

export interface ExtractedKernel {
  version: string;
  kernel: string;
  initrd: string;
}

const debugfs = (device: string, request: string) => execa('debugfs', ['-R', request, device], { reject: false });

async function partitionOffsets(raw: string): Promise<number[]> {
  const r = await execa('sfdisk', ['--json', raw], { reject: false });
  if (r.exitCode !== 0) return [0]; // no partition table: a bare filesystem image
  const table = JSON.parse(r.stdout).partitiontable as { sectorsize?: number; partitions?: { start: number }[] };
  return (table.partitions ?? []).map((p) => p.start * (table.sectorsize ?? 512));
}

export async function extractKernel(image: string, outPrefix: string): Promise<ExtractedKernel> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'dib-get-kernel-'));
  try {
    const info = JSON.parse((await execa('qemu-img', ['info', '--output=json', image])).stdout) as { format: string };
    let raw = image;
    if (info.format !== 'raw') {
      raw = path.join(work, 'image.raw');
      await execa('qemu-img', ['convert', '-O', 'raw', image, raw]);
    }
    for (const offset of await partitionOffsets(raw)) {
      const device = `${raw}?offset=${offset}`;
      const listing = await debugfs(device, 'ls -p /boot');
      if (listing.exitCode !== 0 || !listing.stdout.includes('vmlinuz-')) continue;
      const version = newestVersion([...listing.stdout.matchAll(/\/vmlinuz-([^/]+)\//g)].map((m) => m[1]))!;
      const kernel = `${outPrefix}.vmlinuz`;
      const initrd = `${outPrefix}.initrd`;
      for (const [from, to] of [
        [`/boot/vmlinuz-${version}`, kernel],
        [`/boot/initrd.img-${version}`, initrd],
      ]) {
        const r = await debugfs(device, `dump ${from} ${to}`);
        if (r.exitCode !== 0 || /not found|File not found/i.test(r.stderr)) {
          throw new DibError('DIB_E_COMMAND_FAILED', `could not read ${from} from ${image}: ${r.stderr.trim()}`);
        }
      }
      return { version, kernel, initrd };
    }
    throw new DibError('DIB_E_ARGUMENT', `${image}: no ext2/3/4 filesystem with /boot/vmlinuz-* found`, {
      hint: 'disk-image-get-kernel reads ext2/3/4 root filesystems with a kernel in /boot.',
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
