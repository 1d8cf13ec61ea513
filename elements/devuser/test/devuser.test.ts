/**
 * devuser's scripts: extra-data against a scratch hook tree and HOME, install with
 * stand-in useradd, getent, chpasswd, visudo and chown over a scratch root (DEVUSER_ROOT),
 * fed the environment a planned build gives them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild, stubCommands, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const EXTRA_DATA = path.join(ELEMENT, 'extra-data.d/50-devuser');
const INSTALL = path.join(ELEMENT, 'install.d/50-devuser');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDevKeyForTestsOnly dev@test\n';

let work: string;
let hooks: string;
let root: string;
let stubs: StubCommands | undefined;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'devuser-'));
  hooks = path.join(work, 'hooks');
  root = path.join(work, 'root');
  for (const d of [hooks, root, path.join(work, 'state')]) mkdirSync(d);
});
afterEach(() => {
  stubs?.remove();
  stubs = undefined;
  rmSync(work, { recursive: true, force: true });
});

/** The variables of a planned build with devuser and these caller variables. */
async function planned(env: Record<string, string> = {}) {
  const plan = await planBuild(['devuser'], { searchRoots: [REPO], env });
  return Object.fromEntries(Object.entries(plan.environment).filter(([k]) => k.startsWith('DIB_DEV_USER_')));
}

describe('extra-data.d/50-devuser', () => {
  const extraData = async (env: Record<string, string>, home = path.join(work, 'home')) =>
    execa(EXTRA_DATA, [], { env: { PATH: process.env.PATH, HOME: home, TMP_HOOKS_PATH: hooks, ...(await planned(env)) }, extendEnv: false, reject: false });
  const brought = () => path.join(hooks, 'devuser-ssh-authorized-keys');

  it('copies the file DIB_DEV_USER_AUTHORIZED_KEYS names', async () => {
    writeFileSync(path.join(work, 'keys'), KEY);
    const r = await extraData({ DIB_DEV_USER_AUTHORIZED_KEYS: path.join(work, 'keys') });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(brought(), 'utf8')).toBe(KEY);
    expect(r.stdout).toContain(`devuser: SSH keys for devuser from ${path.join(work, 'keys')}`);
  });

  it("falls back to the builder's first public key, RSA before the newer kinds", async () => {
    const ssh = path.join(work, 'home/.ssh');
    mkdirSync(ssh, { recursive: true });
    writeFileSync(path.join(ssh, 'id_ed25519.pub'), KEY);
    let r = await extraData({});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(brought(), 'utf8')).toBe(KEY);
    writeFileSync(path.join(ssh, 'id_rsa.pub'), 'ssh-rsa AAAAB3 rsa@test\n');
    r = await extraData({});
    expect(readFileSync(brought(), 'utf8')).toBe('ssh-rsa AAAAB3 rsa@test\n');
  });

  it('brings no keys for /dev/null or a missing file, and none without any', async () => {
    const ssh = path.join(work, 'home/.ssh');
    mkdirSync(ssh, { recursive: true });
    writeFileSync(path.join(ssh, 'id_rsa.pub'), KEY);
    for (const env of [{ DIB_DEV_USER_AUTHORIZED_KEYS: '/dev/null' }, { DIB_DEV_USER_AUTHORIZED_KEYS: path.join(work, 'nope') }]) {
      const r = await extraData(env);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(existsSync(brought())).toBe(false);
    }
    const r = await extraData({}, path.join(work, 'empty-home'));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('devuser: no SSH keys for devuser');
  });
});

describe('install.d/50-devuser', () => {
  const STATE = () => path.join(work, 'state');
  /** useradd "creates" the user getent then reports, with its home under the scratch root; visudo's answer is given. */
  function commands(visudo = 'exit 0') {
    stubs = stubCommands({
      useradd: 'for a; do last=$a; done; touch "$STATE/$last"; mkdir -p "$DEVUSER_ROOT/home/$last"',
      getent: '[ -e "$STATE/$2" ] || exit 2; echo "$2:x:1001:1001::/home/$2:/bin/sh"',
      chpasswd: 'cat > "$STATE/chpasswd"',
      visudo,
      chown: ':',
    });
  }
  /** `env` goes through the plan; `raw` straight to the script (core variables such as DIB_DEBUG_TRACE). */
  const install = async (env: Record<string, string>, raw: Record<string, string> = {}) =>
    execa(INSTALL, [], {
      env: { PATH: `${stubs!.dir}:${process.env.PATH}`, STATE: STATE(), DEVUSER_ROOT: root, TMP_HOOKS_PATH: hooks, ...(await planned(env)), ...raw },
      extendEnv: false,
      reject: false,
    });

  it('adds devuser with a home and nothing else by default', async () => {
    commands();
    const r = await install({});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(['getent passwd devuser', 'useradd -m devuser', 'getent passwd devuser', `chown -R devuser: ${root}/home/devuser`]);
    expect(existsSync(path.join(root, 'etc/sudoers.d'))).toBe(false);
    expect(existsSync(path.join(STATE(), 'chpasswd'))).toBe(false);
  });

  it('gives shell, uid, password, password-less sudo and the keys brought in', async () => {
    commands();
    writeFileSync(path.join(hooks, 'devuser-ssh-authorized-keys'), KEY);
    const r = await install({
      DIB_DEV_USER_USERNAME: 'devtester',
      DIB_DEV_USER_SHELL: '/bin/bash',
      DIB_DEV_USER_UID: '1500',
      DIB_DEV_USER_PASSWORD: 'pa ss:word',
      DIB_DEV_USER_PWDLESS_SUDO: '1',
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toContain('useradd -m -s /bin/bash -u 1500 devtester');
    expect(readFileSync(path.join(STATE(), 'chpasswd'), 'utf8')).toBe('devtester:pa ss:word\n');
    const sudoers = path.join(root, 'etc/sudoers.d/devtester');
    expect(readFileSync(sudoers, 'utf8')).toBe('devtester ALL=(ALL) NOPASSWD:ALL\n');
    expect(statSync(sudoers).mode & 0o777).toBe(0o440);
    expect(stubs!.calls()).toContain(`visudo -c -q -f ${sudoers}`);
    const keys = path.join(root, 'home/devtester/.ssh/authorized_keys');
    expect(readFileSync(keys, 'utf8')).toBe(KEY);
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keys)).mode & 0o777).toBe(0o700);
    expect(r.stdout).not.toContain('pa ss:word');
  });

  it('keeps the password out of a traced run', async () => {
    commands();
    const r = await install({ DIB_DEV_USER_PASSWORD: 'hunter2' }, { DIB_DEBUG_TRACE: '1' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('useradd -m devuser');
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it.each(['0', 'no', 'FALSE', 'off'])('gives no sudo for DIB_DEV_USER_PWDLESS_SUDO=%s', async (value) => {
    commands();
    const r = await install({ DIB_DEV_USER_PWDLESS_SUDO: value });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'etc/sudoers.d/devuser'))).toBe(false);
  });

  it('removes a sudoers file visudo refuses, and fails', async () => {
    commands('echo "parse error" >&2; exit 1');
    const r = await install({ DIB_DEV_USER_PWDLESS_SUDO: 'yes' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('devuser: visudo refused');
    expect(existsSync(path.join(root, 'etc/sudoers.d/devuser'))).toBe(false);
  });

  it('fails clearly when the image has the user already', async () => {
    commands();
    writeFileSync(path.join(STATE(), 'devuser'), '');
    const r = await install({});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('devuser: the image has a user "devuser" already; set DIB_DEV_USER_USERNAME to another name');
    expect(stubs!.calls()).toEqual(['getent passwd devuser']);
  });
});

describe('the manifest', () => {
  it("has upstream's defaults and installs sudo", async () => {
    expect(await planned()).toEqual({
      DIB_DEV_USER_USERNAME: 'devuser',
      DIB_DEV_USER_SHELL: '',
      DIB_DEV_USER_PWDLESS_SUDO: '',
      DIB_DEV_USER_AUTHORIZED_KEYS: '',
      DIB_DEV_USER_PASSWORD: '',
      DIB_DEV_USER_UID: '',
    });
    const plan = await planBuild(['devuser'], { searchRoots: [REPO] });
    expect(Object.keys(plan.elements.find((e) => e.name === 'devuser')!.manifest.packages)).toEqual(['sudo']);
  });

  it.each([
    ['DIB_DEV_USER_USERNAME', 'Dev User'],
    ['DIB_DEV_USER_SHELL', 'bash'],
    ['DIB_DEV_USER_UID', 'abc'],
  ])('refuses %s=%s before the build starts', async (name, value) => {
    await expect(planBuild(['devuser'], { searchRoots: [REPO], env: { [name]: value } })).rejects.toMatchObject({ code: 'DIB_E_ENV_INVALID' });
  });
});
