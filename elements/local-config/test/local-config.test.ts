/**
 * local-config's scripts against scratch trees: the keys from a scratch HOME through the
 * hook tree into LOCAL_CONFIG_ROOT, and the proxy settings written for apt, yum and zypper,
 * with a stand-in getent for the image's users.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild, stubCommands, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const EXTRA_DATA = path.join(ELEMENT, 'extra-data.d/62-local-config-keys');
const INSTALL = path.join(ELEMENT, 'install.d/62-local-config-keys');
const PROXY = path.join(ELEMENT, 'pre-install.d/02-local-config-proxy');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBuilderKeyForTests builder@test\n';

let work: string;
let hooks: string;
let root: string;
let stubs: StubCommands;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'local-config-'));
  hooks = path.join(work, 'hooks');
  root = path.join(work, 'root');
  for (const d of [hooks, root]) mkdirSync(d);
  // The image has a user "stack" (home /home/stack) and "alice"; no one else.
  stubs = stubCommands({
    getent: 'case "$2" in stack) echo "stack:x:1000:1000::/home/stack:/bin/bash" ;; alice) echo "alice:x:1001:1001::/home/alice:/bin/sh" ;; *) exit 2 ;; esac',
    chown: ':',
  });
});
afterEach(() => {
  stubs.remove();
  rmSync(work, { recursive: true, force: true });
});

const run = (script: string, env: Record<string, string>) =>
  execa(script, [], {
    env: { PATH: `${stubs.dir}:${process.env.PATH}`, TMP_HOOKS_PATH: hooks, LOCAL_CONFIG_ROOT: root, DIB_LOCAL_CONFIG_USERNAME: 'root', ...env },
    extendEnv: false,
    reject: false,
  });
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

describe('authorized keys', () => {
  const home = () => path.join(work, 'home');
  beforeEach(() => {
    mkdirSync(path.join(home(), '.ssh'), { recursive: true });
    writeFileSync(path.join(home(), '.ssh/authorized_keys'), KEY);
  });

  it("adds the builder's authorized_keys to root's, after the keys root has", async () => {
    mkdirSync(path.join(root, 'root/.ssh'), { recursive: true });
    writeFileSync(path.join(root, 'root/.ssh/authorized_keys'), 'ssh-rsa AAAAB3 existing@image\n');
    const brought = await run(EXTRA_DATA, { HOME: home() });
    expect(brought.exitCode, brought.stderr).toBe(0);
    const r = await run(INSTALL, {});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('root/.ssh/authorized_keys')).toBe(`ssh-rsa AAAAB3 existing@image\n${KEY}`);
    expect(statSync(path.join(root, 'root/.ssh/authorized_keys')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(root, 'root/.ssh')).mode & 0o777).toBe(0o700);
    expect(stubs.calls().filter((c) => c.startsWith('chown'))).toEqual([]);
  });

  it('puts them in /home/NAME for another user, and gives the directory to that user', async () => {
    await run(EXTRA_DATA, { HOME: home() });
    const r = await run(INSTALL, { DIB_LOCAL_CONFIG_USERNAME: 'alice' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('home/alice/.ssh/authorized_keys')).toBe(KEY);
    expect(stubs.calls()).toContain(`chown -R alice: ${root}/home/alice/.ssh`);
  });

  it('does nothing when the builder has no authorized_keys', async () => {
    const brought = await run(EXTRA_DATA, { HOME: path.join(work, 'empty-home') });
    expect(brought.exitCode, brought.stderr).toBe(0);
    expect(brought.stdout).toContain('no keys copied');
    const r = await run(INSTALL, {});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'root/.ssh'))).toBe(false);
  });
});

describe('proxy settings', () => {
  it("writes apt's proxies and DIRECT hosts, and the stack user's .profile", async () => {
    mkdirSync(path.join(root, 'etc/apt/apt.conf.d'), { recursive: true });
    mkdirSync(path.join(root, 'home/stack'), { recursive: true });
    const r = await run(PROXY, { http_proxy: 'http://proxy:3128', https_proxy: 'http://proxy:3129', no_proxy: 'localhost,10.0.0.1' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('etc/apt/apt.conf.d/02-use-http-proxy')).toBe('Acquire::http::Proxy "http://proxy:3128";\n');
    expect(read('etc/apt/apt.conf.d/02-use-https-proxy')).toBe('Acquire::https::Proxy "http://proxy:3129";\n');
    expect(read('etc/apt/apt.conf.d/02-no-proxy')).toBe(['localhost', '10.0.0.1', '192.0.2.1'].map((h) => `Acquire::http::Proxy::${h} "DIRECT";\n`).join(''));
    expect(read('home/stack/.profile')).toBe(
      'export http_proxy=http://proxy:3128\nexport https_proxy=http://proxy:3129\nexport no_proxy=localhost,10.0.0.1,192.0.2.1\n',
    );
  });

  it('without proxies, still sends 192.0.2.1 direct, and writes no proxy', async () => {
    mkdirSync(path.join(root, 'etc/apt'), { recursive: true });
    const r = await run(PROXY, {});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('etc/apt/apt.conf.d/02-no-proxy')).toBe('Acquire::http::Proxy::192.0.2.1 "DIRECT";\n');
    expect(existsSync(path.join(root, 'etc/apt/apt.conf.d/02-use-http-proxy'))).toBe(false);
    expect(existsSync(path.join(root, 'home/stack/.profile'))).toBe(false);
  });

  it("adds the proxy to yum.conf's [main]", async () => {
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, 'etc/yum.conf'), '[main]\ngpgcheck=1\n');
    const r = await run(PROXY, { http_proxy: 'http://u:p&w@proxy:3128' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('etc/yum.conf')).toBe('[main]\nproxy=http://u:p&w@proxy:3128\ngpgcheck=1\n');
  });

  it("sets zypper's /etc/sysconfig/proxy and turns it on", async () => {
    mkdirSync(path.join(root, 'etc/zypp'), { recursive: true });
    mkdirSync(path.join(root, 'etc/sysconfig'), { recursive: true });
    writeFileSync(path.join(root, 'etc/sysconfig/proxy'), 'PROXY_ENABLED="no"\nHTTP_PROXY=""\nHTTPS_PROXY=""\nNO_PROXY="localhost, 127.0.0.1"\n');
    const r = await run(PROXY, { http_proxy: 'http://proxy:3128', https_proxy: 'http://proxy:3129' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('etc/sysconfig/proxy')).toBe(
      'PROXY_ENABLED="yes"\nHTTP_PROXY="http://proxy:3128"\nHTTPS_PROXY="http://proxy:3129"\nNO_PROXY="localhost, 127.0.0.1, 192.0.2.1"\n',
    );
  });
});

describe('the manifest', () => {
  it('gives root the keys unless told otherwise, and lets the proxy variables through', async () => {
    const plan = await planBuild(['local-config'], { searchRoots: [REPO], env: { http_proxy: 'http://proxy:3128' } });
    expect(plan.environment.DIB_LOCAL_CONFIG_USERNAME).toBe('root');
    expect(plan.environment.http_proxy).toBe('http://proxy:3128');
    expect(plan.hooks.phases['pre-install'].map((h) => h.name)).toContain('02-local-config-proxy');
  });

  it('refuses a user name that is not one before the build starts', async () => {
    await expect(planBuild(['local-config'], { searchRoots: [REPO], env: { DIB_LOCAL_CONFIG_USERNAME: '../etc' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });
});
