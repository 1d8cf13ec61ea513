/**
 * runtime-ssh-host-keys: the boot script with the host's real ssh-keygen (and a failing
 * stand-in), the post-install and cleanup scripts against scratch roots, and the plan.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuild, scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const KEYGEN = path.join(ELEMENT, 'static/usr/local/sbin/runtime-ssh-host-keys.sh');
const ENABLE = path.join(ELEMENT, 'post-install.d/80-runtime-ssh-host-keys');
const CLEANUP = path.join(ELEMENT, 'cleanup.d/90-runtime-ssh-host-keys');

const space = scratchSpace('dib-ssh-host-keys');
afterEach(space.clean);
let stubs: StubCommands | undefined;
const scratch = space.dir;
const privateKeys = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /^ssh_host_\w+_key$/.test(f))
    .sort();

describe('static/usr/local/sbin/runtime-ssh-host-keys.sh', () => {
  it('makes the dsa, ecdsa, ed25519 and rsa host keys, each with its public half', async () => {
    const dir = scratch('ssh');
    const r = await execa(KEYGEN, [], { env: { SSH_HOST_KEYS_DIR: dir }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const made = privateKeys(dir);
    // OpenSSH 9.8 and later no longer make DSA keys; the host's ssh-keygen decides.
    expect(made).toEqual(expect.arrayContaining(['ssh_host_ecdsa_key', 'ssh_host_ed25519_key', 'ssh_host_rsa_key']));
    for (const key of made) expect(readFileSync(path.join(dir, `${key}.pub`), 'utf8')).toMatch(/^(ssh-|ecdsa-)/);
    expect(r.stdout).toContain(`runtime-ssh-host-keys: ${made.length} host key(s) made; ${made.length} in ${dir}`);
  }, 60_000);

  it('keeps keys the machine has, and makes only the missing ones', async () => {
    const dir = scratch('ssh');
    for (const t of ['dsa', 'ecdsa', 'rsa']) writeFileSync(path.join(dir, `ssh_host_${t}_key`), 'kept');
    stubs = space.stub({ 'ssh-keygen': 'for a; do f=$a; done; echo new > "$f"' });
    const r = await execa('bash', [KEYGEN], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, SSH_HOST_KEYS_DIR: dir }, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs.calls()).toEqual([expect.stringMatching(new RegExp(`^ssh-keygen -q -t ed25519 -N  -C root@\\S+ -f ${dir}/ssh_host_ed25519_key$`))]);
    expect(readFileSync(path.join(dir, 'ssh_host_rsa_key'), 'utf8')).toBe('kept');
  });

  it('skips a type ssh-keygen cannot make and succeeds with the others', async () => {
    const dir = scratch('ssh');
    stubs = space.stub({ 'ssh-keygen': '[ "$3" = dsa ] && exit 1; for a; do f=$a; done; echo new > "$f"' });
    const r = await execa('bash', [KEYGEN], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, SSH_HOST_KEYS_DIR: dir }, extendEnv: false, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('ssh-keygen could not make a dsa key; skipped');
    expect(privateKeys(dir)).toEqual(['ssh_host_ecdsa_key', 'ssh_host_ed25519_key', 'ssh_host_rsa_key']);
  });

  it('fails when no key could be made', async () => {
    stubs = space.stub({ 'ssh-keygen': 'exit 1' });
    const dir = scratch('ssh');
    const r = await execa('bash', [KEYGEN], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, SSH_HOST_KEYS_DIR: dir }, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`no SSH host key in ${dir}; the SSH server cannot start`);
  });
});

describe('post-install.d/80-runtime-ssh-host-keys', () => {
  const enable = (env: Record<string, string>) => {
    stubs = space.stub({ systemctl: ':' });
    const root = scratch('root');
    mkdirSync(path.join(root, 'usr/lib/systemd/system'), { recursive: true });
    writeFileSync(path.join(root, 'usr/lib/systemd/system/ssh-keygen.service'), '[Unit]\n');
    const run = execa(ENABLE, [], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, RUNTIME_SSH_HOST_KEYS_ROOT: root, ...env }, extendEnv: false, reject: false });
    return { run, unit: path.join(root, 'usr/lib/systemd/system/ssh-keygen.service') };
  };

  it('enables ssh-keygen.service on Debian with systemd', async () => {
    const { run, unit } = enable({ DIB_INIT_SYSTEM: 'systemd', DISTRO_NAME: 'debian' });
    expect((await run).exitCode).toBe(0);
    expect(stubs!.calls()).toEqual(['systemctl enable ssh-keygen.service']);
    expect(existsSync(unit)).toBe(true);
  });

  it('removes the unit where the distribution makes its own keys (Fedora)', async () => {
    const { run, unit } = enable({ DIB_INIT_SYSTEM: 'systemd', DISTRO_NAME: 'fedora' });
    const r = await run;
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual([]);
    expect(existsSync(unit)).toBe(false);
  });
});

describe('cleanup.d/90-runtime-ssh-host-keys', () => {
  it('removes every host key from the image and leaves the rest of /etc/ssh', async () => {
    const root = scratch('root');
    const ssh = path.join(root, 'etc/ssh');
    mkdirSync(ssh, { recursive: true });
    for (const f of ['ssh_host_rsa_key', 'ssh_host_rsa_key.pub', 'ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub', 'sshd_config', 'moduli'])
      writeFileSync(path.join(ssh, f), '');
    const r = await execa(CLEANUP, [], { env: { TARGET_ROOT: root }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(ssh).sort()).toEqual(['moduli', 'sshd_config']);
    expect(r.stdout).toBe('runtime-ssh-host-keys: 4 host key file(s) removed from /etc/ssh');
  });

  it('succeeds on an image without /etc/ssh', async () => {
    const r = await execa(CLEANUP, [], { env: { TARGET_ROOT: scratch('root') }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

it('plans its unit for dib-init-system and its script for install-static', async () => {
  const plan = await planBuild(['runtime-ssh-host-keys', 'debian'], { searchRoots: [REPO] });
  expect(plan.elements.map((e) => e.name)).toEqual(expect.arrayContaining(['dib-init-system', 'install-static']));
  expect(plan.hooks.phases['post-install'].map((h) => h.name)).toContain('80-runtime-ssh-host-keys');
  expect(plan.hooks.phases.cleanup.map((h) => h.name)).toContain('90-runtime-ssh-host-keys');
});
