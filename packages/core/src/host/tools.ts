/** The host tools a build needs: the core's own, the emulator of a foreign architecture, each element's, and each output format's. */
import type { HostTool } from '../contract/manifest.js';
import { OUTPUT_FORMATS } from '../outputs/formats.js';
import { DibError } from '../errors.js';
import type { Layout } from '../block-device/layout.js';
import { MKFS_TOOLS, MTOOLS } from '../block-device/mkfs.js';
import { emulationTools } from './emulation.js';

export type NeededTool = HostTool & { neededBy: string };

const CORE_TOOLS: HostTool[] = [
  { anyOf: ['chroot'], apt: 'coreutils', why: 'running in-image phases' },
  { anyOf: ['mount'], apt: 'mount', why: 'mounting /proc, /sys, /dev and tmpfs' },
];

export function collectHostTools(
  elements: readonly { name: string; manifest: { hostTools: HostTool[] } }[],
  types: readonly string[],
  layout?: Layout,
  arch = 'amd64',
): NeededTool[] {
  const all: NeededTool[] = [
    ...CORE_TOOLS.map((t) => ({ ...t, neededBy: 'dib' })),
    ...emulationTools(arch).map((t) => ({ ...t, neededBy: `-a ${arch}` })),
    ...elements.flatMap((el) => el.manifest.hostTools.map((t) => ({ ...t, neededBy: el.name }))),
    ...types.flatMap((type) => {
      const format = OUTPUT_FORMATS[type];
      if (!format) throw new DibError('DIB_E_OUTPUT_FORMAT', `output type "${type}" is not available; choose from ${Object.keys(OUTPUT_FORMATS).join(', ')}`);
      return format.hostTools.map((t) => ({ ...t, neededBy: `output ${type}` }));
    }),
    ...(layout
      ? [
          ...(layout.table ? [{ anyOf: ['sfdisk'], apt: 'fdisk', why: 'writing the partition table', neededBy: 'block-device' }] : []),
          ...layout.filesystems.flatMap((f) => [
            { ...MKFS_TOOLS[f.type], neededBy: 'block-device' },
            ...(f.type === 'vfat' ? [{ ...MTOOLS, neededBy: 'block-device' }] : []),
          ]),
        ]
      : []),
  ];
  const seen = new Set<string>();
  return all.filter((t) => {
    const key = t.anyOf.join('|');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
