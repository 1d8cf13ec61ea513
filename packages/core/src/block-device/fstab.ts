/** /etc/fstab from the layout: by label where there is one, else by UUID. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Layout } from './layout.js';

/** A copy of the layout in which every filesystem has a label or a UUID to be found by. */
export function withIdentities(layout: Layout): Layout {
  return {
    ...layout,
    filesystems: layout.filesystems.map((fs) =>
      fs.label || fs.uuid
        ? { ...fs }
        : {
            ...fs,
            uuid:
              fs.type === 'vfat'
                ? randomBytes(4)
                    .toString('hex')
                    .toUpperCase()
                    .replace(/^(.{4})/, '$1-')
                : randomUUID(),
          },
    ),
  };
}

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
