import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stubCommands, type StubCommands } from '@dib/testing';

const BIN = path.resolve(import.meta.dirname, '../bin');
const INPUTS = path.join(BIN, 'dib-initramfs-inputs');
const CACHE = path.join(BIN, 'dib-initramfs-cache');
const KERNEL = '6.1.0-99-amd64';
const KEY = 'a'.repeat(64);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dib-initramfs-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes FILE (relative to the tree) with CONTENT, making its directories. */
function put(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

const STATUS = (version: string) =>
  `Package: linux-image-${KERNEL}\nStatus: install ok installed\nArchitecture: amd64\nVersion: ${version}\nDescription: kernel\n\n`;

/** The files of a tree an initramfs is made from, as a Debian image has them. */
function makeTree(): string {
  const root = path.join(scratch, 'tree');
  put(root, 'var/lib/dpkg/status', STATUS('6.1.99-1'));
  put(root, 'etc/initramfs-tools/initramfs.conf', 'MODULES=most\nCOMPRESS=zstd\n');
  put(root, 'usr/share/initramfs-tools/hooks/udev', '#!/bin/sh\n');
  put(root, 'etc/fstab', 'LABEL=cloudimg-rootfs / ext4 defaults 0 1\n');
  put(root, `lib/modules/${KERNEL}/kernel/fs/ext4/ext4.ko`, 'module');
  put(root, `lib/modules/${KERNEL}/modules.dep`, 'kernel/fs/ext4/ext4.ko:\n');
  put(root, `boot/config-${KERNEL}`, 'CONFIG_EXT4_FS=m\n');
  return root;
}

const inputsOf = (root: string) => execa(INPUTS, [root, KERNEL], { reject: false, env: { MODULES: '' } });

describe('dib-initramfs-inputs: what decides an initramfs', () => {
  it('prints the same inputs for an unchanged tree, whatever the mtimes of files it reads whole', async () => {
    const root = makeTree();
    const first = await inputsOf(root);
    expect(first.exitCode, first.stderr).toBe(0);
    utimesSync(path.join(root, 'etc/fstab'), new Date(2000, 1, 1), new Date(2000, 1, 1));
    expect((await inputsOf(root)).stdout).toBe(first.stdout);
  });

  it.each([
    ['an edited fstab', (root: string) => put(root, 'etc/fstab', 'LABEL=root / xfs defaults 0 1\n')],
    ['a modprobe option', (root: string) => put(root, 'etc/modprobe.d/blacklist.conf', 'blacklist floppy\n')],
    ['another kernel package version', (root: string) => put(root, 'var/lib/dpkg/status', STATUS('6.1.99-2'))],
    ['a module built in the image', (root: string) => put(root, `lib/modules/${KERNEL}/updates/dkms/mlx5.ko`, 'module')],
    ['a new module index', (root: string) => put(root, `lib/modules/${KERNEL}/modules.dep`, 'kernel/fs/ext4/ext4.ko: crc16\n')],
    ['a firmware file', (root: string) => put(root, 'lib/firmware/bnx2/fw.bin', 'firmware')],
    ['a compression setting', (root: string) => put(root, 'etc/initramfs-tools/conf.d/compress', 'COMPRESS=xz\n')],
    ['a script of the initramfs', (root: string) => put(root, 'etc/initramfs-tools/scripts/init-top/x', '#!/bin/sh\n')],
  ])('prints other inputs after %s', async (_what, change) => {
    const root = makeTree();
    const before = (await inputsOf(root)).stdout;
    change(root);
    const after = await inputsOf(root);
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout).not.toBe(before);
  });

  it('refuses, naming it, a hook it does not know what it reads', async () => {
    const root = makeTree();
    put(root, 'etc/initramfs-tools/hooks/site-secrets', '#!/bin/sh\ncp /etc/site.key "$DESTDIR"\n');
    const r = await inputsOf(root);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('/etc/initramfs-tools/hooks/site-secrets');
  });

  it("refuses MODULES=dep, which takes the build host's hardware", async () => {
    const root = makeTree();
    put(root, 'etc/initramfs-tools/conf.d/modules', 'MODULES=dep\n');
    const r = await inputsOf(root);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/MODULES=dep/);
  });
});

describe('dib-initramfs-cache: entries appear whole and are checked before use', () => {
  const cache = () => path.join(scratch, 'cache');
  const run = (...args: string[]) => execa(CACHE, args, { reject: false, env: { DIB_INITRAMFS_CACHE_KEEP: '2' } });

  it('gives back what was stored, byte for byte', async () => {
    const made = path.join(scratch, 'initrd.img');
    writeFileSync(made, 'initramfs bytes');
    expect((await run('put', cache(), KEY, made)).exitCode).toBe(0);
    const copy = path.join(scratch, 'copy.img');
    const r = await run('get', cache(), KEY, copy);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(copy, 'utf8')).toBe('initramfs bytes');
    expect(readdirSync(scratch).filter((f) => f.includes('dib-cache'))).toEqual([]);
  });

  it('answers "none" for a key never stored', async () => {
    expect((await run('get', cache(), KEY, path.join(scratch, 'x'))).exitCode).toBe(1);
  });

  it('names, removes and does not use an entry damaged in place', async () => {
    const made = path.join(scratch, 'initrd.img');
    writeFileSync(made, 'initramfs bytes');
    await run('put', cache(), KEY, made);
    const [entry] = readdirSync(cache());
    writeFileSync(path.join(cache(), entry!), 'initramfs BYTES');
    const target = path.join(scratch, 'out.img');
    const r = await run('get', cache(), KEY, target);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(entry);
    expect(readdirSync(cache())).toEqual([]);
    expect(readdirSync(scratch)).not.toContain('out.img');
  });

  it('keeps the most recently used entries and drops the rest', async () => {
    const made = path.join(scratch, 'initrd.img');
    const keys = ['1', '2'].map((c) => c.repeat(64));
    for (const [i, key] of keys.entries()) {
      writeFileSync(made, `initramfs ${i}`);
      await run('put', cache(), key, made);
      // mtimes order the entries; a second apart so the order is unambiguous.
      const [entry] = readdirSync(cache()).filter((f) => f.startsWith(key));
      utimesSync(path.join(cache(), entry!), new Date(2020, 0, 1, 0, 0, i), new Date(2020, 0, 1, 0, 0, i));
    }
    expect((await run('get', cache(), keys[0]!, path.join(scratch, 'x'))).exitCode).toBe(0);
    writeFileSync(made, 'initramfs 3');
    await run('put', cache(), '3'.repeat(64), made);
    expect(
      readdirSync(cache())
        .map((f) => f[0])
        .sort(),
    ).toEqual(['1', '3']);
  });

  it('refuses a key that is not a digest, so no path is built from it', async () => {
    const r = await run('get', cache(), '../../etc', path.join(scratch, 'x'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/not a sha256/);
  });
});

describe('dib-mkinitramfs: the mkinitramfs update-initramfs runs while the cache is on', () => {
  const WRAPPER = path.join(BIN, 'dib-mkinitramfs');
  let stubs: StubCommands;
  beforeEach(() => {
    // Inputs of a fixed tree (dib-initramfs-inputs reads the image's /, tested above); mkinitramfs writes a marker.
    stubs = stubCommands({
      'dib-initramfs-inputs': 'printf "package linux-image 6.1.99-1\\n"',
      mkinitramfs: 'while [ $# -gt 1 ]; do [ "$1" = -o ] && out=$2; shift; done; echo made > "$out"',
    });
  });
  afterEach(() => stubs.remove());

  const wrapper = (cache: string, output: string) =>
    execa(WRAPPER, ['-o', output, KERNEL], {
      reject: false,
      env: { PATH: `${stubs.dir}:${BIN}:${process.env.PATH}`, DIB_INITRAMFS_CACHE_DIR: cache, DIB_REAL_MKINITRAMFS: path.join(stubs.dir, 'mkinitramfs') },
    });

  it('with an empty cache, makes the initramfs and stores it; the next time, reuses it without making one', async () => {
    const cache = path.join(scratch, 'cache');
    mkdirSync(cache);
    const first = await wrapper(cache, path.join(scratch, 'initrd.1'));
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain(`dib: initramfs of ${KERNEL} stored in the cache`);
    expect(readFileSync(path.join(scratch, 'initrd.1'), 'utf8')).toBe('made\n');
    const second = await wrapper(cache, path.join(scratch, 'initrd.2'));
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(`dib: initramfs of ${KERNEL} reused from the cache`);
    expect(readFileSync(path.join(scratch, 'initrd.2'), 'utf8')).toBe('made\n');
    expect(stubs.calls().filter((c) => c.startsWith('mkinitramfs'))).toHaveLength(1);
  });
});
