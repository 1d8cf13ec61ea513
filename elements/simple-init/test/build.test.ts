/**
 * simple-init in a build: install.d/50-simple-init against a scratch root with a
 * stand-in systemctl, the environment.d fragment, the root hook's checks, and what
 * package-installs installs for each backend.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, stubCommands, writeClassicElement, type StubCommands } from '@dib/testing';
import { collectPackages } from '@dib/element-package-installs';
import { distroFromEnv } from '@dib/element-pkg-map';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const INSTALL = path.join(ELEMENT, 'install.d/50-simple-init');
const FRAGMENT = path.join(ELEMENT, 'environment.d/15-simple-init.bash');

let root: string;
let stubs: StubCommands | undefined;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-simple-init-root-'));
});
afterEach(() => {
  stubs?.remove();
  stubs = undefined;
  rmSync(root, { recursive: true, force: true });
});
const at = (rel: string) => path.join(root, rel);

describe('install.d/50-simple-init', () => {
  async function install(networkManager: string) {
    stubs = stubCommands({ systemctl: ':' });
    const r = await execa('bash', [INSTALL], {
      env: { PATH: `${stubs.dir}:${process.env.PATH}`, SIMPLE_INIT_ROOT: root, DIB_SIMPLE_INIT_NETWORKMANAGER: networkManager },
      extendEnv: false,
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    return r;
  }

  it('installs the boot script and a unit that runs it before ifupdown, and enables both', async () => {
    mkdirSync(at('etc/network/interfaces.d'), { recursive: true });
    writeFileSync(at('etc/network/interfaces'), 'auto eth0\niface eth0 inet dhcp\n');
    writeFileSync(at('etc/network/interfaces.d/eth0'), 'iface eth0 inet dhcp\n');
    writeFileSync(at('etc/network/interfaces.d/mine'), 'keep\n');
    const r = await install('0');
    expect(statSync(at('usr/local/sbin/simple-init')).mode & 0o777).toBe(0o755);
    expect(readFileSync(at('usr/local/sbin/simple-init'), 'utf8')).toBe(readFileSync(path.join(ELEMENT, 'simple-init.d/simple-init'), 'utf8'));
    const unit = readFileSync(at('etc/systemd/system/simple-init.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/sbin/simple-init ifupdown\n');
    expect(unit).toMatch(/^Before=network-pre\.target networking\.service ssh\.service/m);
    expect(unit).toContain('WantedBy=multi-user.target');
    expect(readFileSync(at('etc/modules-load.d/simple-init.conf'), 'utf8')).toBe('8021q\n');
    expect(readFileSync(at('etc/network/interfaces'), 'utf8')).toContain('auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n');
    expect(existsSync(at('etc/network/interfaces.d/eth0'))).toBe(false);
    expect(existsSync(at('etc/network/interfaces.d/mine'))).toBe(true);
    expect(stubs!.calls()).toEqual(['systemctl enable simple-init.service networking.service']);
    expect(r.stdout).toContain('simple-init: /usr/local/sbin/simple-init (ifupdown) runs at every boot before networking.service');
  });

  it('uses NetworkManager when DIB_SIMPLE_INIT_NETWORKMANAGER is not 0', async () => {
    mkdirSync(at('etc/sysconfig/network-scripts'), { recursive: true });
    writeFileSync(at('etc/sysconfig/network-scripts/ifcfg-eth0'), 'DEVICE=eth0\n');
    await install('1');
    expect(readFileSync(at('etc/systemd/system/simple-init.service'), 'utf8')).toContain('ExecStart=/usr/local/sbin/simple-init networkmanager\n');
    expect(existsSync(at('etc/sysconfig/network-scripts/ifcfg-eth0'))).toBe(false);
    expect(existsSync(at('etc/network/interfaces'))).toBe(false);
    expect(stubs!.calls()).toEqual(['systemctl enable simple-init.service NetworkManager.service']);
  });
});

describe('environment.d', () => {
  const exported = async (env: Record<string, string>) =>
    (
      await execa('bash', ['-c', 'set -eu; source "$1"; echo "$DIB_SIMPLE_INIT_NETWORKMANAGER $DIB_CLOUD_INIT_DATASOURCES"', 'x', FRAGMENT], {
        env: { PATH: process.env.PATH, ...env },
        extendEnv: false,
      })
    ).stdout;

  it.each([
    [{ DISTRO_NAME: 'debian' }, '0 None'],
    [{ DISTRO_NAME: 'ubuntu' }, '0 None'],
    [{ DISTRO_NAME: 'fedora' }, '1 None'],
    [{ DISTRO_NAME: 'centos' }, '1 None'],
    [{ DISTRO_NAME: 'rocky' }, '1 None'],
    [{ DISTRO_NAME: 'debian', DIB_SIMPLE_INIT_NETWORKMANAGER: '1' }, '1 None'],
    [{ DISTRO_NAME: 'debian', DIB_CLOUD_INIT_DATASOURCES: 'Ec2' }, '0 None'],
  ])('%o gives %s', async (env, expected) => {
    expect(await exported(env)).toBe(expected);
  });
});

describe('the root hook', () => {
  const hook = async (env: Record<string, string>) => {
    const run = await runElementHook(await loadElement('simple-init', { searchRoots: [REPO] }), 'root', '02-simple-init', { targetRoot: root, env });
    rmSync(run.outputDir, { recursive: true, force: true });
    return run.log.join('\n');
  };

  it('says which backend the image gets, and that the glean variables are not used', async () => {
    const log = await hook({ DISTRO_NAME: 'debian', DIB_SIMPLE_INIT_NETWORKMANAGER: '0', DIB_REPOREF_glean: 'master', DIB_SIMPLE_INIT_GLEAN_EXTRA: 'x' });
    expect(log).toContain('the network will be configured at boot with ifupdown');
    expect(log).toContain("DIB_REPOREF_glean is set: it chooses how glean is installed, and dib's simple-init uses no glean; ignored");
    expect(log).toContain('DIB_SIMPLE_INIT_GLEAN_EXTRA is set');
    expect(await hook({ DISTRO_NAME: 'fedora', DIB_SIMPLE_INIT_NETWORKMANAGER: '1' })).toContain('with NetworkManager');
  });

  it('refuses ifupdown outside the Debian family, and init systems other than systemd', async () => {
    await expect(hook({ DISTRO_NAME: 'fedora', DIB_SIMPLE_INIT_NETWORKMANAGER: '0' })).rejects.toMatchObject({
      code: 'DIB_E_SIMPLE_INIT_UNSUPPORTED',
      message: expect.stringContaining('asks for ifupdown, which fedora (family redhat) does not have'),
    });
    await expect(hook({ DISTRO_NAME: 'debian', DIB_SIMPLE_INIT_NETWORKMANAGER: '0', DIB_INIT_SYSTEM: 'openrc' })).rejects.toMatchObject({
      code: 'DIB_E_SIMPLE_INIT_UNSUPPORTED',
      message: expect.stringContaining('DIB_INIT_SYSTEM=openrc'),
    });
  });
});

describe('the plan', () => {
  let elementsDir: string;
  beforeEach(() => {
    // dib-init-system and runtime-ssh-host-keys are other packages' elements: stand-ins here.
    elementsDir = mkdtempSync(path.join(os.tmpdir(), 'dib-simple-init-deps-'));
    for (const name of ['dib-init-system', 'runtime-ssh-host-keys']) writeClassicElement(elementsDir, name, { files: { README: name } });
  });
  afterEach(() => rmSync(elementsDir, { recursive: true, force: true }));
  const plan = (env: Record<string, string> = {}) =>
    planBuild(['debian-minimal', 'simple-init'], { searchRoots: [path.join(REPO, 'packages/cli')], elementsPath: [elementsDir], env });

  async function installs(env: Record<string, string>) {
    const p = await plan();
    const merged = { ...p.environment, ...env };
    return collectPackages(
      p.elements.filter((e) => e.name === 'simple-init'),
      merged,
      'amd64',
      distroFromEnv(merged),
    ).map((x) => x.name);
  }

  it('installs jq, dhclient and ifupdown for ifupdown, jq and NetworkManager otherwise', async () => {
    expect(await installs({ DIB_SIMPLE_INIT_NETWORKMANAGER: '0' })).toEqual(['jq', 'isc-dhcp-client', 'ifupdown']);
    expect(await installs({ DIB_SIMPLE_INIT_NETWORKMANAGER: '1' })).toEqual(['jq', 'network-manager']);
    expect(await installs({ DIB_SIMPLE_INIT_NETWORKMANAGER: '1', DISTRO_NAME: 'fedora', DIB_RELEASE: '40' })).toEqual(['jq', 'NetworkManager']);
  });

  it('brings cloud-init-datasources and its dependencies in, checks at root and installs after the packages', async () => {
    const p = await plan({ DIB_SIMPLE_INIT_NETWORKMANAGER: '0' });
    expect(p.elements.map((e) => e.name)).toEqual(
      expect.arrayContaining(['cloud-init-datasources', 'dib-init-system', 'runtime-ssh-host-keys', 'package-installs']),
    );
    expect(p.hooks.phases.root.map((h) => h.name)).toEqual(expect.arrayContaining(['01-cloud-init-datasources', '02-simple-init']));
    const install = p.hooks.phases.install.map((h) => h.name);
    expect(install.indexOf('50-simple-init')).toBeGreaterThan(install.indexOf('01-package-installs'));
    expect(p.hooks.files.some((f) => f.entry.element === 'simple-init' && f.dir === 'simple-init.d' && f.entry.name === 'simple-init')).toBe(true);
  });

  it('refuses a DIB_SIMPLE_INIT_NETWORKMANAGER that is not a number', async () => {
    await expect(plan({ DIB_SIMPLE_INIT_NETWORKMANAGER: 'yes' })).rejects.toMatchObject({ code: 'DIB_E_ENV_INVALID' });
  });
});
