/** openssh-server: the enabling script with a stand-in systemctl, the hardening against scratch sshd_config files, and the plan. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuild, scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const ENABLE = path.join(ELEMENT, 'post-install.d/80-openssh-server');
const HARDEN = path.join(ELEMENT, 'post-install.d/99-openssh-server-hardening');

const space = scratchSpace('dib-openssh');
afterEach(space.clean);
let stubs: StubCommands | undefined;

describe('post-install.d/80-openssh-server', () => {
  const enable = (env: Record<string, string>) => {
    stubs = space.stub({ systemctl: ':', 'rc-update': ':' });
    return execa(ENABLE, [], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, ...env }, extendEnv: false, reject: false });
  };

  it.each([
    [{ DIB_INIT_SYSTEM: 'systemd', DISTRO_NAME: 'debian' }, ['systemctl enable ssh.service']],
    [{ DIB_INIT_SYSTEM: 'systemd', DISTRO_NAME: 'ubuntu' }, ['systemctl enable ssh.service']],
    [{ DIB_INIT_SYSTEM: 'systemd', DISTRO_NAME: 'fedora' }, ['systemctl enable sshd.service']],
    [{ DIB_INIT_SYSTEM: 'openrc', DISTRO_NAME: 'gentoo' }, ['rc-update add sshd default']],
    [{ DIB_INIT_SYSTEM: 'sysv', DISTRO_NAME: 'debian' }, []],
  ])('%o runs %o', async (env, calls) => {
    const r = await enable(env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(calls);
  });

  it('fails clearly without DIB_INIT_SYSTEM', async () => {
    const r = await enable({});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('openssh-server: DIB_INIT_SYSTEM is ""');
  });
});

describe('post-install.d/99-openssh-server-hardening', () => {
  const DEBIAN_CONFIG = 'Include /etc/ssh/sshd_config.d/*.conf\n\n#Port 22\nKbdInteractiveAuthentication no\nSubsystem sftp /usr/lib/openssh/sftp-server\n';
  const OLD_CONFIG = 'Port 22\nMACs hmac-md5\n\nMatch User backup\n    X11Forwarding no\n';

  function root(config: string) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-openssh-root-'));
    space.adopt(dir);
    mkdirSync(path.join(dir, 'etc/ssh'), { recursive: true });
    writeFileSync(path.join(dir, 'etc/ssh/sshd_config'), config, { mode: 0o644 });
    return dir;
  }
  const harden = (dir: string, hardening = '1') =>
    execa(HARDEN, [], { env: { PATH: '/usr/bin:/bin', OPENSSH_SERVER_ROOT: dir, DIB_OPENSSH_SERVER_HARDENING: hardening }, extendEnv: false, reject: false });
  const keywords = (text: string) => text.split('\n').filter((l) => /^(KexAlgorithms|Ciphers|MACs) /.test(l));

  it('writes a drop-in when sshd_config includes sshd_config.d, and leaves sshd_config alone', async () => {
    const dir = root(DEBIAN_CONFIG);
    const r = await harden(dir);
    expect(r.exitCode, r.stderr).toBe(0);
    const dropIn = readFileSync(path.join(dir, 'etc/ssh/sshd_config.d/40-dib-hardening.conf'), 'utf8');
    expect(keywords(dropIn).map((l) => l.split(' ')[0])).toEqual(['KexAlgorithms', 'Ciphers', 'MACs']);
    expect(dropIn).toContain('Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,');
    expect(dropIn).not.toMatch(/hmac-md5|hmac-sha1[,\n]/);
    expect(readFileSync(path.join(dir, 'etc/ssh/sshd_config'), 'utf8')).toBe(DEBIAN_CONFIG);
  });

  it('puts the settings at the top of sshd_config otherwise, before the older values and any Match block, once', async () => {
    const dir = root(OLD_CONFIG);
    expect((await harden(dir)).exitCode).toBe(0);
    expect((await harden(dir)).exitCode).toBe(0);
    const config = readFileSync(path.join(dir, 'etc/ssh/sshd_config'), 'utf8');
    const lines = keywords(config);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['KexAlgorithms', 'Ciphers', 'MACs', 'MACs']);
    expect(lines[3]).toBe('MACs hmac-md5');
    expect(config.indexOf('KexAlgorithms')).toBeLessThan(config.indexOf('Match User backup'));
    expect(config.endsWith(OLD_CONFIG)).toBe(true);
    expect(statSync(path.join(dir, 'etc/ssh/sshd_config')).mode & 0o777).toBe(0o644);
  });

  it('changes nothing with DIB_OPENSSH_SERVER_HARDENING=0', async () => {
    const dir = root(OLD_CONFIG);
    const r = await harden(dir, '0');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(dir, 'etc/ssh/sshd_config'), 'utf8')).toBe(OLD_CONFIG);
    expect(existsSync(path.join(dir, 'etc/ssh/sshd_config.d'))).toBe(false);
  });

  it('fails clearly when sshd_config is missing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-openssh-root-'));
    space.adopt(dir);
    const r = await harden(dir);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('sshd_config is missing; is the openssh-server package installed?');
  });
});

describe('in a build', () => {
  it('installs openssh-server and brings runtime-ssh-host-keys; hardening is on unless set to 0', async () => {
    const plan = await planBuild(['openssh-server', 'debian'], { searchRoots: [REPO] });
    expect(plan.elements.map((e) => e.name)).toEqual(expect.arrayContaining(['runtime-ssh-host-keys', 'dib-init-system', 'package-installs']));
    expect(plan.environment.DIB_OPENSSH_SERVER_HARDENING).toBe('1');
    const post = plan.hooks.phases['post-install'].map((h) => h.name);
    expect(post.indexOf('80-openssh-server')).toBeLessThan(post.indexOf('99-openssh-server-hardening'));
  });

  it('refuses a hardening value other than 0 or 1', async () => {
    await expect(planBuild(['openssh-server'], { searchRoots: [REPO], env: { DIB_OPENSSH_SERVER_HARDENING: 'yes' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });
});
