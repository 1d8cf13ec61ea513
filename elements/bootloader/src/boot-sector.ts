/**
 * Writes GRUB's BIOS boot code into the assembled disk without a block device: boot.img
 * into the first 440 bytes of the MBR (the partition table stays), core.img into the
 * gap after the MBR (MBR layouts) or into the BIOS boot partition (GPT), with the
 * sector pointers patched as grub-bios-setup does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { DibError, GPT_BIOS_BOOT, type DiskHookContext } from '@dib/core/element';

const SECTOR = 512;
const GRUB_DIRS = ['boot/grub', 'boot/grub2'];
/** Offsets inside boot.img and core.img's first sector (GRUB's i386-pc boot.h). */
const KERNEL_SECTOR = 0x5c;
const DRIVE_CHECK = 0x66;
const MBR_CODE_END = 440;
const BLOCKLIST = SECTOR - 12;

export async function writeBiosBootCode(ctx: DiskHookContext): Promise<void> {
  if (!ctx.disk.label) {
    ctx.log('bare filesystem image: no boot sector to write');
    return;
  }
  // /boot/grub2 where the image's GRUB has the RPM distributions' layout.
  const dir = GRUB_DIRS.map((d) => path.join(ctx.targetRoot, d, 'i386-pc')).find((d) => existsSync(path.join(d, 'core.img')));
  if (!dir) {
    ctx.log('no BIOS core.img in the image (grub-pc-bin not installed): UEFI only');
    return;
  }
  let coreSector: number;
  let room: number;
  if (ctx.disk.label === 'mbr') {
    coreSector = 1;
    room = Math.min(...ctx.disk.partitions.map((p) => p.start)) - SECTOR;
  } else {
    const bsp = ctx.disk.partitions.find((p) => p.type.toUpperCase() === GPT_BIOS_BOOT);
    if (!bsp) {
      ctx.log('GPT without a BIOS boot partition (EF02): UEFI only');
      return;
    }
    coreSector = bsp.start / SECTOR;
    room = bsp.size;
  }
  const boot = readFileSync(path.join(dir, 'boot.img'));
  const core = readFileSync(path.join(dir, 'core.img'));
  if (boot.length !== SECTOR)
    throw new DibError('DIB_E_HOOK_FAILED', `boot.img is ${boot.length} bytes, expected ${SECTOR}`, { location: { element: ctx.element, phase: 'disk' } });
  if (core.length > room) {
    throw new DibError(
      'DIB_E_IMAGE_TOO_SMALL',
      `GRUB core.img (${core.length} bytes) does not fit the ${room} bytes before the first partition / in the BIOS boot partition`,
      {
        location: { element: ctx.element, phase: 'disk' },
        hint: 'Start the first partition later (align 1MiB) or give the BIOS boot partition more room.',
      },
    );
  }
  boot.writeBigUInt64LE(BigInt(coreSector), KERNEL_SECTOR);
  boot.writeUInt16LE(0x9090, DRIVE_CHECK); // as grub-bios-setup: always trust the BIOS drive number
  core.writeBigUInt64LE(BigInt(coreSector + 1), BLOCKLIST); // the rest of core.img follows its first sector

  const fh = await open(ctx.disk.file, 'r+');
  try {
    await fh.write(boot, 0, MBR_CODE_END, 0);
    await fh.write(core, 0, core.length, coreSector * SECTOR);
  } finally {
    await fh.close();
  }
  ctx.log(`BIOS boot code written: boot.img to the MBR, core.img (${core.length} bytes) at sector ${coreSector}`);
}
