/**
 * Which block-device layout a build uses, first match wins: DIB_BLOCK_DEVICE_CONFIG
 * (inline YAML, a file path, or file://path), the config file's `blockDevice`, the
 * layout of the element providing block-device, or a bare root filesystem image (DIB's
 * behaviour without vm).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { DibError } from '../errors.js';
import type { ResolvedElement } from '../elements/resolve.js';
import { DEFAULT_ROOT_LABEL } from '../contract/root-label.js';
import { parseLayout, type Layout } from './layout.js';

export const BARE_FILESYSTEM: unknown[] = [
  { local_loop: { name: 'image0' } },
  { mkfs: { name: 'mkfs_root', base: 'image0', type: 'ext4', mount: { mount_point: '/', fstab: { options: 'defaults', 'fsck-passno': 1 } } } },
];

export function chooseLayout(
  elements: readonly ResolvedElement[],
  configLayout: unknown[] | undefined,
  env: Readonly<Record<string, string>>,
  rootLabel: string,
): { layout: Layout; source: string } {
  const fromEnv = env.DIB_BLOCK_DEVICE_CONFIG;
  let nodes: unknown;
  let source: string;
  if (fromEnv) {
    const file = fromEnv.startsWith('file://') ? fromEnv.slice(7) : !fromEnv.includes('\n') && existsSync(fromEnv) ? fromEnv : undefined;
    source = file ?? 'DIB_BLOCK_DEVICE_CONFIG';
    try {
      nodes = parseYaml(file ? readFileSync(file, 'utf8') : fromEnv);
    } catch (cause) {
      throw new DibError('DIB_E_BLOCK_DEVICE_INVALID', `${source}: not valid YAML: ${(cause as Error).message}`, { location: { file: source }, cause });
    }
  } else if (configLayout) {
    nodes = configLayout;
    source = 'config file: blockDevice';
  } else {
    const provider = elements.find((e) => e.manifest.provides.includes('block-device') && e.manifest.blockDevice);
    nodes = provider?.manifest.blockDevice ?? BARE_FILESYSTEM;
    source = provider ? `element ${provider.name}: blockDevice` : 'default bare filesystem layout';
  }
  const layout = parseLayout(nodes, source);
  for (const fs of layout.filesystems) {
    // xfs labels hold 12 characters: DIB uses img-rootfs there unless told otherwise.
    if (fs.mountPoint === '/' && !fs.label) fs.label = fs.type === 'xfs' && rootLabel === DEFAULT_ROOT_LABEL ? 'img-rootfs' : rootLabel;
  }
  return { layout, source };
}
