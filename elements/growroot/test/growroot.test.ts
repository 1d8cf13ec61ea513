/**
 * growroot: the boot-time script with stand-in findmnt, growpart and resize tools and a
 * made-up sysfs; the post-install script with a stand-in systemctl; and the plan of a
 * build that uses it.
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const GROWROOT = path.join(ELEMENT, 'static/usr/local/sbin/growroot');
const ENABLE = path.join(ELEMENT, 'post-install.d/80-growroot');

const space = scratchSpace('dib-growroot');
afterEach(space.clean);
let stubs: StubCommands | undefined;
const scratch = space.dir;

/** A sysfs where vda1 is partition 1 of vda (as /sys/class/block links it), and sr0 a whole device. */
function sysfs() {
  const sys = scratch('sys');
  const devices = path.join(sys, 'devices/pci0000:00/virtio2/block');
  mkdirSync(path.join(devices, 'vda/vda1'), { recursive: true });
  writeFileSync(path.join(devices, 'vda/vda1/partition'), '1\n');
  mkdirSync(path.join(devices, 'sr0'), { recursive: true });
  mkdirSync(path.join(sys, 'class/block'), { recursive: true });
  for (const name of ['vda1', 'sr0'])
    symlinkSync(path.relative(path.join(sys, 'class/block'), path.join(devices, name === 'vda1' ? 'vda/vda1' : name)), path.join(sys, 'class/block', name));
  return sys;
}

/** Runs growroot with / on `source` of type `fstype`; growpart exits with `growpartStatus`. */
function growroot(source: string, fstype: string, growpartStatus = 0) {
  stubs = space.stub({
    findmnt: `case "$*" in *SOURCE*) echo '${source}' ;; *FSTYPE*) echo ${fstype} ;; esac`,
    growpart: `exit ${growpartStatus}`,
    resize2fs: ':',
    xfs_growfs: ':',
    btrfs: ':',
  });
  return execa('bash', [GROWROOT], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, GROWROOT_SYSFS: sysfs() }, extendEnv: false, reject: false });
}

describe('static/usr/local/sbin/growroot', () => {
  it('grows partition 1 of /dev/vda, then the ext4 filesystem', async () => {
    const r = await growroot('/dev/vda1', 'ext4');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls().filter((c) => !c.startsWith('findmnt'))).toEqual(['growpart /dev/vda 1', 'resize2fs /dev/vda1']);
    expect(r.stdout).toContain('growroot: partition 1 of /dev/vda grown');
    expect(r.stdout).toContain('growroot: ext4 on /dev/vda1 grown to fill partition 1');
  });

  it('grows xfs and btrfs (subvolume suffix dropped) with their own tools, on the mounted /', async () => {
    let r = await growroot('/dev/vda1', 'xfs');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls().filter((c) => !c.startsWith('findmnt'))).toEqual(['growpart /dev/vda 1', 'xfs_growfs /']);
    stubs!.remove();
    r = await growroot('/dev/vda1[/@rootfs]', 'btrfs');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls().filter((c) => !c.startsWith('findmnt'))).toEqual(['growpart /dev/vda 1', 'btrfs filesystem resize max /']);
  });

  it('still grows the filesystem when the partition fills the disk already (growpart NOCHANGE)', async () => {
    const r = await growroot('/dev/vda1', 'ext4', 1);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('already fills the disk');
    expect(stubs!.calls()).toContain('resize2fs /dev/vda1');
  });

  it('fails, and leaves the filesystem, when growpart fails', async () => {
    const r = await growroot('/dev/vda1', 'ext4', 2);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('growroot: growpart /dev/vda 1 failed (exit status 2)');
    expect(stubs!.calls().some((c) => c.startsWith('resize2fs'))).toBe(false);
  });

  it('does nothing when / is not on a partition', async () => {
    const r = await growroot('/dev/sr0', 'iso9660');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('/dev/sr0, which is not a partition of a disk; nothing to grow');
    expect(stubs!.calls().filter((c) => !c.startsWith('findmnt'))).toEqual([]);
  });

  it('grows the partition but leaves a filesystem it cannot grow', async () => {
    const r = await growroot('/dev/vda1', 'vfat');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls().filter((c) => !c.startsWith('findmnt'))).toEqual(['growpart /dev/vda 1']);
    expect(r.stdout).toContain('/ is vfat');
  });
});

describe('post-install.d/80-growroot', () => {
  const enable = (system: string) => {
    stubs = space.stub({ systemctl: ':' });
    return execa(ENABLE, [], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DIB_INIT_SYSTEM: system }, extendEnv: false, reject: false });
  };

  it('enables growroot.service on systemd', async () => {
    const r = await enable('systemd');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(['systemctl enable growroot.service']);
  });

  it('leaves openrc to dib-init-system', async () => {
    const r = await enable('openrc');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual([]);
  });

  it('fails clearly on sysv', async () => {
    const r = await enable('sysv');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('growroot runs at boot with systemd, openrc or upstart');
  });
});

describe('in a build', () => {
  it('brings dib-init-system and install-static, growpart from cloud-guest-utils on Debian, and its unit into the hook tree', async () => {
    const plan = await planBuild(['growroot', 'debian'], { searchRoots: [REPO] });
    expect(plan.elements.map((e) => e.name)).toEqual(expect.arrayContaining(['dib-init-system', 'install-static', 'package-installs']));
    expect(plan.hooks.phases['post-install'].map((h) => h.name)).toContain('80-growroot');
    const growroot = plan.elements.find((e) => e.name === 'growroot')!;
    expect(growroot.manifest.pkgMap?.family?.debian?.growpart).toBe('cloud-guest-utils');

    const root = scratch('root');
    const run = await runElementHook(await loadElement('dib-init-system', { searchRoots: [REPO] }), 'extra-data', '20-dib-init-system-scripts', {
      targetRoot: root,
      plan,
    });
    space.adopt(run.outputDir);
    const unit = readFileSync(path.join(run.outputDir, '.hooks/init-scripts/systemd/growroot.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/sbin/growroot');
    expect(unit).toContain('WantedBy=multi-user.target');
  });
});
