/**
 * cleanup: turns the finished tree into the ramdisk. make-tree.sh copies executables,
 * libraries, modules and udev rules inside the chroot (the image's ldd and depmod
 * decide); /init and the elements' udev.d rules are added here; the stage is packed
 * as a newc cpio, compressed with what the kernel can unpack, and written with the
 * kernel as the element's outputs `initramfs` and `kernel`.
 */
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ElementError, newestKernel, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { resolveBinaries } from './check-binaries.js';
import { checkInitSyntax } from './check-init.js';
import { initScript, RAMDISK_FILES } from './init-script.js';
import { elementFiles } from './ramdisk-files.js';

/** Inside the image; removed when done, so it never reaches another output. */
const STAGE_IN_IMAGE = '/tmp/dib-ramdisk';

const COMPRESSORS = {
  zstd: { config: 'CONFIG_RD_ZSTD', command: 'zstd -q -T0 -12' },
  gzip: { config: 'CONFIG_RD_GZIP', command: 'gzip -6' },
  xz: { config: 'CONFIG_RD_XZ', command: 'xz -q -T0 --check=crc32' },
  none: { config: undefined, command: 'cat' },
} as const;
type Compression = keyof typeof COMPRESSORS;

/**
 * zstd when the kernel's config says it unpacks it (fast to unpack, small), else gzip,
 * which every kernel that takes an initramfs does.
 */
function chooseCompression(ctx: HostHookContext, kernelConfig: string | undefined): Compression {
  const asked = (ctx.env.DIB_RAMDISK_COMPRESSION ?? 'auto') as Compression | 'auto';
  const supports = (c: Compression) =>
    !COMPRESSORS[c].config || c === 'gzip' || (kernelConfig !== undefined && new RegExp(`^${COMPRESSORS[c].config}=y`, 'm').test(kernelConfig));
  if (asked !== 'auto') {
    if (!supports(asked)) ctx.log(`warning: the kernel's config has no ${COMPRESSORS[asked].config}=y; it may not unpack a ${asked} initramfs`);
    return asked;
  }
  return supports('zstd') ? 'zstd' : 'gzip';
}

export async function createRamdisk(ctx: HostHookContext): Promise<void> {
  const kernel = newestKernel(ctx.targetRoot);
  if (!kernel) {
    throw new ElementError(ERRORS.DIB_E_NO_KERNEL, 'the image has no kernel (/boot/vmlinuz-*) to boot the ramdisk with');
  }
  // Looked up again, not taken from post-root: finalise may have removed or moved one.
  const binaries = await resolveBinaries(ctx);
  const stage = path.join(ctx.targetRoot, STAGE_IN_IMAGE);
  rmSync(stage, { recursive: true, force: true });
  try {
    await ctx.runInImage('/bin/bash', ['-s', '--', STAGE_IN_IMAGE, kernel.version, ...new Set(binaries.map((b) => b.path))], {
      input: readFileSync(path.join(RAMDISK_FILES, 'make-tree.sh'), 'utf8'),
    });
    const fragments = elementFiles(ctx.hookFiles, 'init.d');
    writeFileSync(path.join(stage, 'init'), initScript(fragments));
    chmodSync(path.join(stage, 'init'), 0o755);
    await checkInitSyntax(ctx, `${STAGE_IN_IMAGE}/init`, fragments);
    for (const rule of elementFiles(ctx.hookFiles, 'udev.d')) copyFileSync(rule.file, path.join(stage, 'etc/udev/rules.d', rule.name));

    const configFile = path.join(ctx.targetRoot, 'boot', `config-${kernel.version}`);
    const compression = chooseCompression(ctx, existsSync(configFile) ? readFileSync(configFile, 'utf8') : undefined);
    const initramfs = path.join(ctx.outputDir, 'initramfs');
    // Sorted names and root ownership: the same tree gives the same archive.
    await ctx.run(
      '/bin/bash',
      [
        '-c',
        `set -o pipefail; find . -print0 | LC_ALL=C sort -z | cpio --null --create --format=newc --owner=0:0 --quiet | ${COMPRESSORS[compression].command} > "$1"`,
        'pack',
        initramfs,
      ],
      { cwd: stage },
    );
    copyFileSync(kernel.kernel, path.join(ctx.outputDir, 'kernel'));
    const mib = (f: string) => (statSync(f).size / 2 ** 20).toFixed(1);
    ctx.log(`ramdisk: kernel ${kernel.version} (${mib(kernel.kernel)} MiB), initramfs ${mib(initramfs)} MiB (${compression}), ${binaries.length} binaries`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
