/**
 * The layout files of a classic element directory, as DIB looks for them:
 * `block-device-default.yaml`, and `block-device-ARCH.yaml` for one architecture.
 * Each is checked when the element loads, so a layout dib cannot build fails with the
 * file named, before any build starts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DibError } from '../errors.js';
import { parseLayout } from './layout.js';

export const DEFAULT_LAYOUT_FILE = 'block-device-default.yaml';
const ARCH_LAYOUT_FILE = /^block-device-(.+)\.yaml$/;

export interface LayoutFiles {
  /** From block-device-default.yaml. */
  blockDevice?: unknown[];
  /** From block-device-ARCH.yaml, keyed by ARCH. */
  blockDeviceByArch?: Record<string, unknown[]>;
}

const UNSUPPORTED_HINT =
  'dib writes partitions and filesystems into the disk file without device-mapper, so LVM and logical MBR partitions cannot be built. ' +
  'Use a layout without them (block-device-mbr, block-device-gpt or block-device-efi), or set DIB_BLOCK_DEVICE_CONFIG to one.';

/** Reads one layout file and checks it as a build would; errors name the file and the element. */
function readLayoutFile(file: string, element: string): unknown[] {
  let nodes: unknown;
  try {
    nodes = parseYaml(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new DibError('DIB_E_BLOCK_DEVICE_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, {
      location: { file, element },
      cause,
      hint: `Fix the YAML syntax of ${path.basename(file)} in element ${element}.`,
    });
  }
  try {
    parseLayout(nodes, file);
  } catch (e) {
    if (!(e instanceof DibError)) throw e;
    const hint =
      e.code === 'DIB_E_BLOCK_DEVICE_UNSUPPORTED'
        ? UNSUPPORTED_HINT
        : `Fix the key named above in ${path.basename(file)} of element ${element}; docs/block-device.md describes the format.`;
    throw new DibError(e.code as 'DIB_E_BLOCK_DEVICE_INVALID', e.message, { location: { ...e.location, element }, cause: e, hint });
  }
  return nodes as unknown[];
}

/** The layouts a classic element directory ships; empty when it has none. */
export function readLayoutFiles(dir: string, element: string): LayoutFiles {
  const out: LayoutFiles = {};
  const defaultFile = path.join(dir, DEFAULT_LAYOUT_FILE);
  if (existsSync(defaultFile)) out.blockDevice = readLayoutFile(defaultFile, element);
  for (const name of readdirSync(dir).sort()) {
    const arch = ARCH_LAYOUT_FILE.exec(name)?.[1];
    if (!arch || name === DEFAULT_LAYOUT_FILE) continue;
    out.blockDeviceByArch = { ...out.blockDeviceByArch, [arch]: readLayoutFile(path.join(dir, name), element) };
  }
  return out;
}
