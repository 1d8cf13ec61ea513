/** /etc/fstab from the layout: by label where there is one, else by UUID. */
import { createHash } from 'node:crypto';
import type { Layout } from './layout.js';

/**
 * A copy of the layout in which every filesystem has a label or a UUID to be found by.
 * UUIDs are derived from `seed` (the build's inputs), as systemd-repart derives them from
 * its seed: the same inputs give the same identities, so a rebuild can be served from
 * the stage cache and two builds of one config agree.
 */
export function withIdentities(layout: Layout, seed: string): Layout {
  const bytes = (name: string) => createHash('sha256').update(`${seed}\0${name}`).digest();
  return {
    ...layout,
    filesystems: layout.filesystems.map((fs) =>
      fs.label || fs.uuid ? { ...fs } : { ...fs, uuid: fs.type === 'vfat' ? volumeId(bytes(fs.name)) : uuidV4(bytes(fs.name)) },
    ),
  };
}

/** An RFC 4122 version 4 UUID made of the given bytes (version and variant bits set). */
function uuidV4(b: Buffer): string {
  const hex = Buffer.concat([b.subarray(0, 6), Buffer.from([(b[6] & 0x0f) | 0x40, b[7], (b[8] & 0x3f) | 0x80]), b.subarray(9, 16)]).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** A FAT volume id: eight hex digits, XXXX-XXXX. */
const volumeId = (b: Buffer) =>
  b
    .subarray(0, 4)
    .toString('hex')
    .toUpperCase()
    .replace(/^(.{4})/, '$1-');

export function fstabText(layout: Layout): string {
  const lines = ['# Written by dib from the block-device layout.', '# <file system> <mount point> <type> <options> <dump> <pass>'];
  const mounted = layout.filesystems.filter((f) => f.mountPoint || f.type === 'swap').sort((a, b) => (a.mountPoint ?? '').length - (b.mountPoint ?? '').length);
  for (const fs of mounted) {
    const spec = fs.label ? `LABEL=${fs.label}` : `UUID=${fs.uuid}`;
    const fstab = fs.fstab ?? { options: 'defaults', dump: 0, pass: fs.mountPoint === '/' ? 1 : 2 };
    if (fs.type === 'swap') lines.push(`${spec} none swap sw 0 0`);
    else
      lines.push(
        `${spec} ${fs.mountPoint} ${fs.type} ${fstab.options} ${fstab.dump} ${fs.type === 'vfat' || fs.type === 'xfs' || fs.type === 'btrfs' ? Math.min(fstab.pass, fs.type === 'vfat' ? 2 : 0) : fstab.pass}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
