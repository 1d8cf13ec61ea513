/**
 * Which kernel of a tree to use: the newest `vmlinuz-VERSION` in /boot, compared as
 * version numbers (6.1.0-10 after 6.1.0-9), with the initramfs of the same version.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const newestVersion = (versions: readonly string[]): string | undefined =>
  [...versions].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).at(-1);

export interface TreeKernel {
  version: string;
  /** Absolute host paths inside the tree. */
  kernel: string;
  /** Absent when no initramfs was made for this version. */
  initrd?: string;
}

export function newestKernel(root: string): TreeKernel | undefined {
  const boot = path.join(root, 'boot');
  if (!existsSync(boot)) return undefined;
  const version = newestVersion(
    readdirSync(boot)
      .filter((f) => f.startsWith('vmlinuz-'))
      .map((f) => f.slice('vmlinuz-'.length)),
  );
  if (!version) return undefined;
  const initrd = ['initrd.img-', 'initramfs-'].map((p) => path.join(boot, `${p}${version}${p === 'initramfs-' ? '.img' : ''}`)).find((f) => existsSync(f));
  return { version, kernel: path.join(boot, `vmlinuz-${version}`), initrd };
}
