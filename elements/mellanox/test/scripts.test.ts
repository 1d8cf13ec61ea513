/** install.d/65-mellanox against a scratch root, and the ramdisk's init.d fragment with stand-in modprobes. */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const INSTALL = path.join(ELEMENT, 'install.d/65-mellanox');
const FRAGMENT = path.join(ELEMENT, 'init.d/05-mellanox');
const RULE = path.join(ELEMENT, 'udev.d/81-mellanox.rules');
const MODULES = ['mlx4_en', 'mlx4_ib', 'mlx5_ib', 'ib_ipoib', 'ib_umad', 'ib_uverbs'];

const space = scratchSpace('dib-mellanox');
let stubs: StubCommands | undefined;
afterEach(() => {
  space.clean();
  stubs = undefined;
});

/** Lines that are neither blank nor comments. */
const entries = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));

describe('install.d/65-mellanox', () => {
  const install = async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'dib-mellanox-root-'));
    space.adopt(root);
    const r = await execa('bash', [INSTALL], { env: { PATH: process.env.PATH, MELLANOX_ROOT: root }, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    return { root, r };
  };

  it('installs the udev rule and a modules-load.d file naming the six modules', async () => {
    const { root, r } = await install();
    expect(readFileSync(path.join(root, 'etc/udev/rules.d/81-mellanox.rules'), 'utf8')).toBe(readFileSync(RULE, 'utf8'));
    expect(entries(readFileSync(path.join(root, 'etc/modules-load.d/mellanox.conf'), 'utf8'))).toEqual(MODULES);
    expect(r.stdout).toContain('mellanox: /etc/modules-load.d/mellanox.conf and /etc/udev/rules.d/81-mellanox.rules written');
  });

  it('leaves one copy of each module when it runs again', async () => {
    const { root } = await install();
    await execa('bash', [INSTALL], { env: { MELLANOX_ROOT: root } });
    expect(entries(readFileSync(path.join(root, 'etc/modules-load.d/mellanox.conf'), 'utf8'))).toEqual(MODULES);
  });
});

describe('udev.d/81-mellanox.rules', () => {
  it('loads the same modules, for Mellanox PCI devices only', () => {
    const [rule, ...more] = entries(readFileSync(RULE, 'utf8'));
    expect(more).toEqual([]);
    expect(rule).toMatch(/^ACTION=="add", SUBSYSTEM=="pci", ATTR\{vendor\}=="0x15b3", /);
    expect(rule.match(/RUN\{builtin\}\+="kmod load ([^"]+)"$/)?.[1].split(' ')).toEqual(MODULES);
  });
});

describe('init.d/05-mellanox', () => {
  const fragment = readFileSync(FRAGMENT, 'utf8');

  it('loads each module with modprobe -q; a missing one is logged and skipped, and the fragment succeeds under set -e', async () => {
    // modprobe fails for mlx4_ib only, as on a kernel built without it.
    stubs = space.stub({ modprobe: '[ "$2" != mlx4_ib ]' });
    const r = await execa('bash', ['-e', FRAGMENT], { env: { PATH: `${stubs.dir}:${process.env.PATH}` }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['mellanox: module mlx4_ib not available, skipped']);
    expect(stubs.calls()).toEqual(MODULES.map((m) => `modprobe -q ${m}`));
  });

  it('runs as /init runs it: inside a function, with set -e shared, under a POSIX sh; init goes on afterwards', async () => {
    stubs = space.stub({ modprobe: '[ "$2" != ib_uverbs ]' });
    const init = `set -e\nfragment() {\n:\n${fragment}\n}\nfragment\necho init-goes-on\n`;
    const r = await execa('sh', ['-c', init], { env: { PATH: `${stubs.dir}:${process.env.PATH}` }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['mellanox: module ib_uverbs not available, skipped', 'init-goes-on']);
  });

  it('succeeds with no modprobe at all, logging every module', async () => {
    const r = await execa('/bin/bash', ['-e', FRAGMENT], { env: { PATH: '/nonexistent' }, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(MODULES.map((m) => `mellanox: module ${m} not available, skipped`));
  });

  it('names the same modules as the image loads at boot', () => {
    expect(fragment.match(/^for mellanox_module in (.+); do$/m)?.[1].split(' ')).toEqual(MODULES);
  });
});
