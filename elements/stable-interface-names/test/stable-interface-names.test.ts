/**
 * install.d/02-stable-interface-names against a scratch root made to look like an image
 * with naming turned off, the environment.d fragment as bash sources it, and what
 * package-installs installs per family.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';
import { collectPackages } from '@dib/element-package-installs';
import { distroFromEnv } from '@dib/element-pkg-map';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const SCRIPT = path.join(ELEMENT, 'install.d/02-stable-interface-names');
const FRAGMENT = path.join(ELEMENT, 'environment.d/10-stable-interface-names.bash');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-ifnames-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const at = (rel: string) => path.join(root, rel);
function put(rel: string, content: string | { link: string }) {
  mkdirSync(path.dirname(at(rel)), { recursive: true });
  if (typeof content === 'string') writeFileSync(at(rel), content);
  else symlinkSync(content.link, at(rel));
}
const gone = (rel: string) => {
  try {
    lstatSync(at(rel));
    return false;
  } catch {
    return true;
  }
};
async function run() {
  const r = await execa('bash', [SCRIPT], { env: { PATH: process.env.PATH, STABLE_INTERFACE_NAMES_ROOT: root }, extendEnv: false, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}

describe('install.d/02-stable-interface-names', () => {
  it('removes the masks of the udev rules and of 99-default.link', async () => {
    put('etc/udev/rules.d/80-net-setup-link.rules', { link: '/dev/null' });
    put('etc/udev/rules.d/80-net-name-slot.rules', { link: '/dev/null' });
    put('etc/systemd/network/99-default.link', '');
    put('etc/udev/rules.d/70-mine.rules', 'KEEP\n');
    const r = await run();
    expect(gone('etc/udev/rules.d/80-net-setup-link.rules')).toBe(true);
    expect(gone('etc/udev/rules.d/80-net-name-slot.rules')).toBe(true);
    expect(gone('etc/systemd/network/99-default.link')).toBe(true);
    expect(readFileSync(at('etc/udev/rules.d/70-mine.rules'), 'utf8')).toBe('KEEP\n');
    expect(r.stdout).toContain('removed /etc/udev/rules.d/80-net-setup-link.rules, which masked interface naming');
  });

  it('keeps a .link file with content: it is an administrator’s own', async () => {
    put('etc/systemd/network/99-default.link', '[Match]\nOriginalName=*\n[Link]\nNamePolicy=path\n');
    await run();
    expect(existsSync(at('etc/systemd/network/99-default.link'))).toBe(true);
  });

  it('takes net.ifnames=0 and biosdevname=0 out of the grub defaults and /etc/kernel/cmdline, and nothing else', async () => {
    put(
      'etc/default/grub',
      'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet net.ifnames=0"\nGRUB_CMDLINE_LINUX="net.ifnames=0 biosdevname=0 console=ttyS0"\n# net.ifnames=0 in a comment stays\n',
    );
    put('etc/kernel/cmdline', 'root=LABEL=x net.ifnames=0 ro\n');
    const r = await run();
    expect(readFileSync(at('etc/default/grub'), 'utf8')).toBe(
      'GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT="quiet"\nGRUB_CMDLINE_LINUX="console=ttyS0"\n# net.ifnames=0 in a comment stays\n',
    );
    expect(readFileSync(at('etc/kernel/cmdline'), 'utf8')).toBe('root=LABEL=x ro\n');
    expect(r.stdout).toContain('removed net.ifnames=0 / biosdevname=0 from /etc/default/grub');
  });

  it('leaves an image that has naming on as it is, and succeeds', async () => {
    put('etc/default/grub', 'GRUB_CMDLINE_LINUX="net.ifnames=1"\n');
    const r = await run();
    expect(readFileSync(at('etc/default/grub'), 'utf8')).toBe('GRUB_CMDLINE_LINUX="net.ifnames=1"\n');
    expect(r.stdout).not.toContain('removed');
    expect(r.stdout).toContain("udev's interface naming is on");
  });
});

describe('environment.d', () => {
  const source = (env: Record<string, string>) =>
    execa('bash', ['-c', 'set -eu; source "$1"; echo "[${DIB_BOOTLOADER_DEFAULT_CMDLINE-unset}]"', 'x', FRAGMENT], {
      env: { PATH: process.env.PATH, ...env },
      extendEnv: false,
    });

  it("takes the words that turn naming off out of the bootloader's command line", async () => {
    expect((await source({ DIB_BOOTLOADER_DEFAULT_CMDLINE: 'nofb net.ifnames=0 nomodeset biosdevname=0' })).stdout).toBe('[nofb nomodeset]');
    expect((await source({ DIB_BOOTLOADER_DEFAULT_CMDLINE: 'nofb nomodeset gfxpayload=text' })).stdout).toBe('[nofb nomodeset gfxpayload=text]');
  });

  it('does not set the variable when no element does', async () => {
    expect((await source({})).stdout).toBe('[unset]');
  });
});

describe('packages', () => {
  async function installList(env: Record<string, string>, arch = 'amd64') {
    const plan = await planBuild(['debian-minimal', 'stable-interface-names'], { searchRoots: [path.join(REPO, 'packages/cli')] });
    const element = plan.elements.filter((e) => e.name === 'stable-interface-names');
    const merged = { ...plan.environment, ...env };
    return collectPackages(element, merged, arch, distroFromEnv(merged)).map((p) => p.name);
  }

  it('installs nothing on Debian, which has no biosdevname', async () => {
    expect(await installList({})).toEqual([]);
  });

  it('installs biosdevname on the redhat family and Ubuntu, on x86 only', async () => {
    expect(await installList({ DISTRO_NAME: 'centos', DIB_RELEASE: '9-stream' })).toEqual(['biosdevname']);
    expect(await installList({ DISTRO_NAME: 'ubuntu', DIB_RELEASE: 'noble' })).toEqual(['biosdevname']);
    expect(await installList({ DISTRO_NAME: 'centos', DIB_RELEASE: '9-stream' }, 'arm64')).toEqual([]);
  });

  it('runs its script after the packages of install', async () => {
    const plan = await planBuild(['debian-minimal', 'stable-interface-names'], { searchRoots: [path.join(REPO, 'packages/cli')] });
    const names = plan.hooks.phases.install.map((h) => h.name);
    expect(names.indexOf('02-stable-interface-names')).toBeGreaterThan(names.indexOf('01-package-installs'));
  });
});
