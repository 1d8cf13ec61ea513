/** dynamic-login: the boot helper against a scratch root with a made-up /proc/cmdline and a stand-in chpasswd; the enabling script; the plan. */
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuild, scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const HELPER = path.join(ELEMENT, 'static/usr/local/bin/dynamic-login');
const ENABLE = path.join(ELEMENT, 'install.d/70-dynamic-login');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDib operator@desk';
const HASH = '$6$salt$0123456789abcdefABCDEF./';

const space = scratchSpace('dib-dynamic-login');
let stubs: StubCommands | undefined;
afterEach(() => {
  space.clean();
  stubs = undefined;
});

/** Boots the helper with this kernel command line; chpasswd records what it was given on stdin. */
function boot(cmdline: string, root = mkdtempSync(path.join(os.tmpdir(), 'dib-dynamic-login-'))) {
  space.adopt(root);
  mkdirSync(path.join(root, 'proc'), { recursive: true });
  writeFileSync(path.join(root, 'proc/cmdline'), `${cmdline}\n`);
  stubs ??= space.stub({ chpasswd: `cat >> '${root}/chpasswd-input'` });
  const run = execa(HELPER, [], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DYNAMIC_LOGIN_ROOT: root }, extendEnv: false, reject: false });
  return { root, run };
}

describe('static/usr/local/bin/dynamic-login', () => {
  it('sets the hashed root password and adds the quoted SSH key, with safe modes', async () => {
    const { root, run } = boot(`BOOT_IMAGE=/vmlinuz root=LABEL=cloudimg-rootfs ro rootpwd="${HASH}" sshkey="${KEY}" quiet`);
    const r = await run;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(['chpasswd -e']);
    expect(readFileSync(path.join(root, 'chpasswd-input'), 'utf8')).toBe(`root:${HASH}\n`);
    expect(readFileSync(path.join(root, 'root/.ssh/authorized_keys'), 'utf8')).toBe(`${KEY}\n`);
    expect(statSync(path.join(root, 'root/.ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(root, 'root/.ssh/authorized_keys')).mode & 0o777).toBe(0o600);
  });

  it('takes an unquoted value, and keeps keys root had, adding the new one once over several boots', async () => {
    const first = boot(`ro rootpwd=${HASH}`);
    expect((await first.run).exitCode).toBe(0);
    expect(readFileSync(path.join(first.root, 'chpasswd-input'), 'utf8')).toBe(`root:${HASH}\n`);

    mkdirSync(path.join(first.root, 'root/.ssh'), { recursive: true });
    writeFileSync(path.join(first.root, 'root/.ssh/authorized_keys'), 'ssh-rsa AAAAold old@key\n');
    for (let i = 0; i < 2; i++) expect((await boot(`ro sshkey="${KEY}"`, first.root).run).exitCode).toBe(0);
    expect(readFileSync(path.join(first.root, 'root/.ssh/authorized_keys'), 'utf8')).toBe(`ssh-rsa AAAAold old@key\n${KEY}\n`);
  });

  it('changes nothing without the keys (and does not mistake other keys ending in them)', async () => {
    const { root, run } = boot('ro console=ttyS0 xsshkey=nope myrootpwd=nope');
    const r = await run;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(stubs!.calls()).toEqual([]);
    expect(() => statSync(path.join(root, 'root/.ssh'))).toThrow(/ENOENT/);
  });
});

describe('install.d/70-dynamic-login', () => {
  const enable = (system: string) => {
    stubs = space.stub({ systemctl: ':', 'update-rc.d': ':' });
    return execa(ENABLE, [], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DIB_INIT_SYSTEM: system }, extendEnv: false, reject: false });
  };

  it.each([
    ['systemd', ['systemctl enable dynamic-login.service']],
    ['sysv', ['update-rc.d dynamic-login defaults']],
  ])('%s: %o', async (system, calls) => {
    const r = await enable(system);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(calls);
  });

  it('fails clearly on an init system it has no script for', async () => {
    const r = await enable('upstart');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('dynamic-login starts at boot with systemd or sysv');
  });
});

it('brings openssh-server, and enables itself after dib-init-system installed the unit', async () => {
  const plan = await planBuild(['dynamic-login', 'debian'], { searchRoots: [REPO] });
  expect(plan.elements.map((e) => e.name)).toEqual(expect.arrayContaining(['openssh-server', 'install-static', 'dib-init-system']));
  const install = plan.hooks.phases.install.map((h) => h.name);
  expect(install.indexOf('20-dib-init-system-scripts')).toBeLessThan(install.indexOf('70-dynamic-login'));
});
