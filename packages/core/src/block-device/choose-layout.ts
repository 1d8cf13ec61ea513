/**
 * Which block-device layout a build uses, first match wins: DIB_BLOCK_DEVICE_CONFIG
 * (inline YAML, a file path, or file://path), the config file's `blockDevice`, the
 * layout of the element providing block-device (then of any other element, as DIB
 * searches every element), or a bare root filesystem image (DIB's behaviour without vm).
 * An element's layout for the build's arch wins over its default one.
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
  arch: string,
): { layout: Layout; source: string } {
  const fromEnv = env.DIB_BLOCK_DEVICE_CONFIG;
  let nodes: unknown;
  let source: string;
  if (fromEnv) {
    const file = fromEnv.startsWith('file://') ? fromEnv.slice(7) : looksLikePath(fromEnv) ? fromEnv : undefined;
    if (file && !existsSync(file)) {
      throw new DibError('DIB_E_ENV_INVALID', `DIB_BLOCK_DEVICE_CONFIG names the file ${file}, which does not exist`, {
        location: { key: 'DIB_BLOCK_DEVICE_CONFIG' },
        hint: 'Give an existing layout file (a path or file://PATH) or the layout itself as YAML.',
      });
    }
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
    const fromElement = elementLayout(elements, arch);
    nodes = fromElement?.nodes ?? BARE_FILESYSTEM;
    source = fromElement?.source ?? 'default bare filesystem layout';
  }
  const layout = parseLayout(nodes, source);
  for (const fs of layout.filesystems) {
    // xfs labels hold 12 characters: DIB uses img-rootfs there unless told otherwise.
    if (fs.mountPoint === '/' && !fs.label) fs.label = fs.type === 'xfs' && rootLabel === DEFAULT_ROOT_LABEL ? 'img-rootfs' : rootLabel;
  }
  return { layout, source };
}

/** One line that is an existing file, or that reads as a path (a YAML layout is a list, never "/x" or "x.yaml"). */
const looksLikePath = (value: string) => !value.includes('\n') && (existsSync(value) || /^(\.{0,2}\/|~\/)/.test(value.trim()) || /\.ya?ml\s*$/.test(value));

/** DIB reads block-device-ppc64el.yaml for both names of little-endian POWER (and for ppc64). */
const layoutArch = (arch: string) => (['ppc64', 'ppc64le', 'ppc64el'].includes(arch) ? 'ppc64el' : arch);

/** The block-device provider's layout first, then any other element's, each preferring its layout for this arch. */
function elementLayout(elements: readonly ResolvedElement[], arch: string): { nodes: unknown[]; source: string } | undefined {
  const key = layoutArch(arch);
  const providers = elements.filter((e) => e.manifest.provides.includes('block-device'));
  for (const e of [...providers, ...elements.filter((e) => !providers.includes(e))]) {
    const forArch = e.manifest.blockDeviceByArch?.[key];
    if (forArch) return { nodes: forArch, source: `element ${e.name}: blockDeviceByArch.${key}` };
    if (e.manifest.blockDevice) return { nodes: e.manifest.blockDevice, source: `element ${e.name}: blockDevice` };
  }
  return undefined;
}
