/**
 * Manifest keys a classic DIB directory implies for disk images, mapped onto the same
 * keys a TypeScript element would set: its layout files (blockDevice,
 * blockDeviceByArch), a default for the virtual block-device it depends on
 * (defaultProviders, as dib's own vm), and DIB's no-final-image element (noFinalImage).
 */
import { readLayoutFiles } from '../block-device/layout-files.js';

/** What DIB adds when vm is built without a block-device-* element: MBR, but GPT with an ESP on arm64 (UEFI only). */
export const DEFAULT_BLOCK_DEVICE_ELEMENT = 'block-device-mbr';
export const DEFAULT_BLOCK_DEVICE_BY_ARCH = { arm64: { 'block-device': 'block-device-efi' } };
export const NO_FINAL_IMAGE_ELEMENT = 'no-final-image';

/** Unvalidated manifest keys; validateManifest checks them with the rest. */
export function classicDiskKeys(name: string, dir: string, dependencies: readonly string[]): Record<string, unknown> {
  const keys: Record<string, unknown> = { ...readLayoutFiles(dir, name) };
  if (dependencies.includes('block-device')) {
    keys.defaultProviders = { 'block-device': DEFAULT_BLOCK_DEVICE_ELEMENT };
    keys.defaultProvidersByArch = DEFAULT_BLOCK_DEVICE_BY_ARCH;
  }
  if (name === NO_FINAL_IMAGE_ELEMENT) keys.noFinalImage = true;
  return keys;
}
