import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ElementFinder, buildHookTree, parseLayout, resolveElements } from '@dib/core';
import type { ClassicElementSpec } from '@dib/testing';
import { writeHookTree, ENV_LOADER, RUNTIME_LIB } from '../src/executor/hook-tree-writer.js';
import { hooksAtPhaseStart, ADDED_DURING_BUILD } from '../src/hooks/phase-start.js';
import { classicVariables, dibEnvText } from '../src/classic/variables.js';
import { SCRIPT, useTempDirs, writeClassicElement } from './helpers.js';

const tempDir = useTempDirs();

/** Classic elements resolved from a temp ELEMENTS_PATH, their hook tree written to disk as a build does. */
async function writtenTree(elements: Record<string, ClassicElementSpec>) {
  const root = tempDir();
  // A space in the path: element directories reach scripts quoted.
  const elementsDir = path.join(root, 'my elements');
  for (const [name, spec] of Object.entries(elements)) writeClassicElement(elementsDir, name, spec);
  const finder = new ElementFinder({ elementsPath: [elementsDir], searchRoots: [root] });
  const resolved = await resolveElements(Object.keys(elements), finder, { addBase: false, requireOperatingSystem: false });
  const tree = buildHookTree(resolved);
  const hooksPath = path.join(root, 'hooks');
  writeHookTree(tree, hooksPath, resolved);
  return { root, elementsDir, tree, hooksPath, resolved };
}

/** Runs bash with the loader sourced, as every hook script is started. */
const withLoader = (hooksPath: string, script: string, env: Record<string, string> = {}) =>
  execa('/bin/bash', ['-c', `. "$TMP_HOOKS_PATH/${ENV_LOADER}"; ${script}`], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TMP_HOOKS_PATH: hooksPath, _LIB: path.join(hooksPath, RUNTIME_LIB), ...env },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
  });

describe('the whole classic element in the hook tree', () => {
  it('copies every directory and top-level file as DIB lays them out; directories of the same name merge', async () => {
    const { hooksPath } = await writtenTree({
      growroot: {
        files: {
          'init-scripts/systemd/growroot.service': '[Unit]\n',
          'static/usr/local/sbin/growroot': SCRIPT,
          'post-install.d/80-growroot': SCRIPT,
          'source-repository-growroot': 'growroot git /opt/growroot file:///srv/growroot.git\n',
        },
      },
      keys: { files: { 'init-scripts/systemd/ssh-keygen.service': '[Unit]\n', 'yum.repos.d/local.repo': '[local]\n', 'tests/test_x.py': 'x\n' } },
    });
    for (const file of [
      'init-scripts/systemd/growroot.service',
      'init-scripts/systemd/ssh-keygen.service',
      'static/usr/local/sbin/growroot',
      'source-repository-growroot',
      'yum.repos.d/local.repo',
    ])
      expect(existsSync(path.join(hooksPath, file)), file).toBe(true);
    // DIB leaves an element's tests out of the tree.
    expect(existsSync(path.join(hooksPath, 'tests'))).toBe(false);
  });

  it('data files with dots beside scripts (dhcp-all-interfaces.sh) are copied without a warning; a numbered 10-foo.sh still warns', async () => {
    const { tree, hooksPath } = await writtenTree({
      dhcp: { files: { 'install.d/50-dhcp': SCRIPT, 'install.d/dhcp-all-interfaces.sh': SCRIPT, 'install.d/10-oops.sh': SCRIPT } },
    });
    expect(tree.phases.install.map((h) => h.name)).toEqual(['50-dhcp']);
    expect(tree.warnings).toEqual([expect.stringContaining('dhcp: install.d/10-oops.sh is skipped')]);
    expect(existsSync(path.join(hooksPath, 'install.d/dhcp-all-interfaces.sh'))).toBe(true);
  });
});

describe('hooks found when their phase starts', () => {
  it('runs what install-types links into install.d during extra-data, attributed to the element that shipped it', async () => {
    const { tree, hooksPath } = await writtenTree({
      pip: {
        files: {
          'install.d/pip-source-install/04-install-pip': SCRIPT,
          'install.d/pip-package-install/04-install-pip': SCRIPT,
          'install.d/10-pip-conf': SCRIPT,
        },
      },
    });
    expect(hooksAtPhaseStart(tree, hooksPath, 'install').map((h) => h.name)).toEqual(['10-pip-conf']);
    // What install-types does with DIB_DEFAULT_INSTALLTYPE=source.
    symlinkSync('pip-source-install/04-install-pip', path.join(hooksPath, 'install.d', '04-install-pip'));
    writeFileSync(path.join(hooksPath, 'install.d', '05-made-up'), SCRIPT);
    chmodSync(path.join(hooksPath, 'install.d', '05-made-up'), 0o755);
    expect(hooksAtPhaseStart(tree, hooksPath, 'install').map((h) => `${h.name} ${h.element}`)).toEqual([
      '04-install-pip pip',
      `05-made-up ${ADDED_DURING_BUILD}`,
      '10-pip-conf pip',
    ]);
  });

  it('a script removed before its phase does not run; a dangling link is passed over', async () => {
    const { tree, hooksPath } = await writtenTree({ one: { files: { 'install.d/10-a': SCRIPT, 'install.d/20-b': SCRIPT } } });
    symlinkSync('nowhere', path.join(hooksPath, 'install.d', '15-dangling'));
    writeFileSync(path.join(hooksPath, 'install.d', '20-b'), '');
    chmodSync(path.join(hooksPath, 'install.d', '20-b'), 0o644);
    expect(hooksAtPhaseStart(tree, hooksPath, 'install').map((h) => h.name)).toEqual(['10-a']);
  });
});

describe('the runtime library ($_LIB) and the loader', () => {
  it('die is exported to scripts: prints to stderr and exits with the failed status, 1 after a success', async () => {
    const { hooksPath } = await writtenTree({ one: { files: {} } });
    const script = path.join(hooksPath, 'try-die');
    writeFileSync(script, '#!/bin/bash\nfalse || die "no luck here"\n');
    chmodSync(script, 0o755);
    const r = await withLoader(hooksPath, `exec ${script}`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('no luck here');
    const afterStatus = await withLoader(hooksPath, 'bash -c "(exit 7) || die bad seven"');
    expect(afterStatus.exitCode).toBe(7);
    const afterSuccess = await withLoader(hooksPath, 'bash -c "true; die still fails"');
    expect(afterSuccess.exitCode).toBe(1);
  });

  it('get_image_element_array rebuilds the element -> directory map in a child script, paths with spaces included', async () => {
    const { hooksPath, elementsDir } = await writtenTree({ first: { files: {} }, plain: { files: {} } });
    const r = await withLoader(
      hooksPath,
      `bash -c 'eval declare -A els=\\($(get_image_element_array)\\); for k in "\${!els[@]}"; do echo "$k=\${els[$k]}"; done | sort'`,
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([`first=${path.join(elementsDir, 'first')}`, `plain=${path.join(elementsDir, 'plain')}`]);
  });

  it('select_boot_kernel_initrd picks the newest kernel by version with its initramfs, and fails clearly without one', async () => {
    const { root, hooksPath } = await writtenTree({ one: { files: {} } });
    const image = path.join(root, 'image');
    mkdirSync(path.join(image, 'boot'), { recursive: true });
    for (const f of ['vmlinuz-6.1.0-9-amd64', 'initrd.img-6.1.0-9-amd64', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64', 'vmlinuz-6.1.0-30-amd64-dbg'])
      writeFileSync(path.join(image, 'boot', f), '');
    const pick = (extra = '') =>
      withLoader(hooksPath, `source "$_LIB/img-functions"; ${extra} select_boot_kernel_initrd "${image}" && echo "$KERNEL $RAMDISK"`);
    // The newest kernel with an initramfs: -30-amd64-dbg has none, and 28 is newer than 9 by version.
    expect((await pick()).stdout).toBe('vmlinuz-6.1.0-28-amd64 initrd.img-6.1.0-28-amd64');
    const patterned = await pick('DIB_BAREMETAL_KERNEL_PATTERN="vmlinuz-6.1.0-9-*" DIB_BAREMETAL_INITRD_PATTERN="initrd.img-6.1.0-9-*"');
    expect(patterned.stdout).toBe('vmlinuz-6.1.0-9-amd64 initrd.img-6.1.0-9-amd64');
    rmSync(path.join(image, 'boot'), { recursive: true });
    mkdirSync(path.join(image, 'boot'));
    const none = await pick();
    expect(none.exitCode).not.toBe(0);
    expect(none.stderr).toContain(`select_boot_kernel_initrd: no kernel with an initramfs in ${image}/boot`);
  });

  it('img-defaults fills in what a script run outside dib would miss, and keeps what dib set', async () => {
    const { hooksPath } = await writtenTree({ one: { files: {} } });
    const r = await withLoader(hooksPath, 'source "$_LIB/img-defaults"; echo "$ARCH $DIB_CHECKSUM $FS_TYPE $IMAGE_NAME"', {
      ARCH: 'arm64',
      IMAGE_NAME: '/out/web',
    });
    expect(r.stdout).toBe('arm64 0 ext4 /out/web');
    expect(readFileSync(path.join(hooksPath, RUNTIME_LIB, 'common-functions'), 'utf8')).toContain('mount_dev_pts_options()');
  });

  it('mount_dev_pts_options gives the host /dev/pts options; tmpfs_check compares RAM with the asked GiB and honours DIB_NO_TMPFS', async () => {
    const { hooksPath } = await writtenTree({ one: { files: {} } });
    const options = await withLoader(hooksPath, 'source "$_LIB/common-functions"; mount_dev_pts_options');
    const host = (await execa('findmnt', ['--first-only', '--noheadings', '--output', 'OPTIONS', '/dev/pts'])).stdout.trim();
    expect(options.stdout).toBe(`-o ${host}`);
    const check = (args: string, env: Record<string, string> = {}) =>
      withLoader(hooksPath, `source "$_LIB/common-functions"; tmpfs_check ${args} && echo yes || echo no`, env).then((r) => r.stdout);
    expect(await check('1')).toBe('yes');
    expect(await check('100000')).toBe('no');
    expect(await check('1', { DIB_NO_TMPFS: '1' })).toBe('no');
  });
});

describe('the variables DIB scripts set', () => {
  const base = { elements: [], elementsPath: ['/a', '/b'], checksum: false, argv: ['dib', 'create', 'x'] };

  it('install type: DIB_DEFAULT_INSTALLTYPE wins over --install-type, which wins over source', () => {
    expect(classicVariables({ ...base, given: {} }).DIB_DEFAULT_INSTALLTYPE).toBe('source');
    expect(classicVariables({ ...base, given: {}, installType: 'package' }).DIB_DEFAULT_INSTALLTYPE).toBe('package');
    expect(classicVariables({ ...base, given: { DIB_DEFAULT_INSTALLTYPE: 'source' }, installType: 'package' }).DIB_DEFAULT_INSTALLTYPE).toBe('source');
  });

  it('a caller value is kept for DIB_PYTHON_VERSION and DIB_LOCKFILES; defaults otherwise', () => {
    const defaults = classicVariables({ ...base, given: {} });
    expect(defaults).toMatchObject({
      DIB_PYTHON_VERSION: '3',
      ELEMENTS_PATH: '/a:/b',
      DIB_CHECKSUM: '0',
      DIB_ARGS: 'dib create x',
      DIB_ROOT_FSTYPE: 'ext4',
      DIB_MOUNTPOINTS: '/',
    });
    expect(defaults.DIB_LOCKFILES).toMatch(/\/\.cache\/dib\/lockfiles$/);
    expect(classicVariables({ ...base, given: { DIB_PYTHON_VERSION: '2', DIB_LOCKFILES: '/run/locks' } })).toMatchObject({
      DIB_PYTHON_VERSION: '2',
      DIB_LOCKFILES: '/run/locks',
    });
  });

  it("DIB_MOUNTPOINTS and DIB_ROOT_FSTYPE come from the layout; DIB_ENV lists DIB_* in bash's export form", () => {
    const layout = parseLayout(
      [
        { local_loop: { name: 'image0' } },
        {
          partitioning: {
            base: 'image0',
            label: 'gpt',
            partitions: [
              { name: 'ESP', size: '64MiB' },
              { name: 'root', size: '100%' },
            ],
          },
        },
        { mkfs: { name: 'fs_esp', base: 'ESP', type: 'vfat', mount: { mount_point: '/boot/efi' } } },
        { mkfs: { name: 'fs_root', base: 'root', type: 'xfs', mount: { mount_point: '/' } } },
      ],
      'test',
    );
    expect(classicVariables({ ...base, given: {}, layout })).toMatchObject({ DIB_ROOT_FSTYPE: 'xfs', DIB_MOUNTPOINTS: '/boot/efi|/' });
    expect(dibEnvText({ DIB_B: 'two words', DIB_A: 'say "hi"', OTHER: 'x' })).toBe('declare -x DIB_A="say \\"hi\\""\ndeclare -x DIB_B="two words"');
  });
});
