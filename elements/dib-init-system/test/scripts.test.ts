/**
 * dib-init-system's shell side: bin/dib-init-system on made-up trees, the environment.d
 * fragment sourced by bash, and the chroot scripts run against a scratch root with the
 * hook tree they read.
 */
import { existsSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ELEMENT, 'bin');
const DETECT = path.join(BIN, 'dib-init-system');
const FRAGMENT = path.join(ELEMENT, 'environment.d/99-dib-init-system');
const PRE_INSTALL = path.join(ELEMENT, 'pre-install.d/04-dib-init-system');
const INSTALL = path.join(ELEMENT, 'install.d/20-dib-init-system-scripts');
const ENABLE = path.join(ELEMENT, 'post-install.d/10-dib-init-system-enable');

const space = scratchSpace('dib-init-system');
afterEach(space.clean);
let stubs: StubCommands | undefined;
const scratch = space.dir;
/** A tree with these files (content irrelevant) and links (name -> target). */
function tree(files: string[], links: Record<string, string> = {}) {
  const root = scratch('tree');
  for (const f of files) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    symlinkSync(target, path.join(root, name));
  }
  return root;
}

describe('bin/dib-init-system', () => {
  const detect = (root: string) => execa(DETECT, [root], { reject: false });

  it.each([
    ['Debian with systemd-sysv', () => tree(['lib/systemd/systemd'], { 'sbin/init': '/lib/systemd/systemd' }), 'systemd'],
    ['merged /usr', () => tree(['usr/lib/systemd/systemd'], { sbin: 'usr/sbin', 'usr/sbin/init': '../lib/systemd/systemd' }), 'systemd'],
    ['systemd without /sbin/init yet', () => tree(['usr/lib/systemd/systemd']), 'systemd'],
    ['sysvinit booting, systemd installed', () => tree(['sbin/init', 'lib/systemd/systemd']), 'sysv'],
    ['Gentoo', () => tree(['sbin/openrc-run', 'sbin/init']), 'openrc'],
    ['Ubuntu trusty', () => tree(['sbin/init', 'sbin/initctl', 'etc/init/tty1.conf']), 'upstart'],
  ])('%s', async (_what, root, expected) => {
    const r = await detect(root());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
  });

  it('fails and says what to set when the tree has no init', async () => {
    const r = await detect(tree(['etc/os-release']));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no init system found under');
    expect(r.stderr).toContain('set DIB_INIT_SYSTEM to systemd, openrc, sysv or upstart');
  });
});

describe('environment.d/99-dib-init-system', () => {
  const source = (env: Record<string, string>) =>
    execa('bash', ['-c', 'set -eu; . "$1" || exit 7; echo "${DIB_INIT_SYSTEM-unset}"; env | grep -c "^DIB_INIT_SYSTEM=" || true', 'f', FRAGMENT], {
      env: { PATH: `${BIN}:/usr/bin:/bin`, ...env },
      extendEnv: false,
      reject: false,
    });

  it('keeps and exports the value the operating-system element or the user set', async () => {
    const r = await source({ DIB_INIT_SYSTEM: 'openrc', TARGET_ROOT: tree([], { 'sbin/init': '/lib/systemd/systemd' }) });
    expect(r.stdout.split('\n')).toEqual(['openrc', '1']);
  });

  it('detects the init of TARGET_ROOT on the host when nothing set it', async () => {
    const r = await source({ TARGET_ROOT: tree(['sbin/init']), TMP_HOOKS_PATH: '/build/hooks' });
    expect(r.stdout.split('\n')).toEqual(['sysv', '1']);
  });

  it('leaves it unset, without failing, before the image has an init', async () => {
    const r = await source({ TARGET_ROOT: tree([]) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['unset', '0']);
  });

  it('stops the script on a value it does not know', async () => {
    const r = await source({ DIB_INIT_SYSTEM: 'runit' });
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toContain('DIB_INIT_SYSTEM=runit is not an init system dib knows');
  });
});

describe('pre-install.d/04-dib-init-system', () => {
  it('writes /usr/local/bin/dib-init-system, which prints the build value', async () => {
    const root = scratch('root');
    const r = await execa(PRE_INSTALL, [], { env: { DIB_INIT_SYSTEM: 'systemd', INIT_SYSTEM_ROOT: root }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const file = path.join(root, 'usr/local/bin/dib-init-system');
    expect(statSync(file).mode & 0o777).toBe(0o755);
    expect((await execa(file)).stdout).toBe('systemd');
  });

  it('fails with a clear message when DIB_INIT_SYSTEM is unset', async () => {
    const r = await execa(PRE_INSTALL, [], { env: { INIT_SYSTEM_ROOT: scratch('root') }, extendEnv: false, reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_INIT_SYSTEM is not set');
  });
});

/** A hook tree with init-scripts for systemd and openrc, as the build merges it. */
function hooks() {
  const dir = scratch('hooks');
  const files: Record<string, [string, number]> = {
    'init-scripts/systemd/growroot.service': ['[Unit]\n', 0o644],
    'init-scripts/systemd/report.service': ['[Unit]\n', 0o644],
    'init-scripts/openrc/growroot': ['#!/sbin/openrc-run\n', 0o755],
  };
  for (const [rel, [body, mode]] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), body, { mode });
  }
  symlinkSync('report.service', path.join(dir, 'init-scripts/systemd/report-alias.service'));
  return dir;
}

describe('install.d/20-dib-init-system-scripts', () => {
  const install = (env: Record<string, string>) => execa(INSTALL, [], { env: { PATH: '/usr/bin:/bin', ...env }, extendEnv: false, reject: false });

  it('installs the systemd units of every element in /usr/lib/systemd/system, links kept as links', async () => {
    const root = scratch('root');
    const r = await install({ DIB_INIT_SYSTEM: 'systemd', TMP_HOOKS_PATH: hooks(), INIT_SYSTEM_ROOT: root });
    expect(r.exitCode, r.stderr).toBe(0);
    const units = path.join(root, 'usr/lib/systemd/system');
    expect(readFileSync(path.join(units, 'growroot.service'), 'utf8')).toBe('[Unit]\n');
    expect(readlinkSync(path.join(units, 'report-alias.service'))).toBe('report.service');
    expect(existsSync(path.join(units, 'growroot'))).toBe(false);
    expect(r.stdout).toContain('dib-init-system: /usr/lib/systemd/system/growroot.service');
  });

  it('installs openrc scripts in /etc/init.d with their modes', async () => {
    const root = scratch('root');
    const r = await install({ DIB_INIT_SYSTEM: 'openrc', TMP_HOOKS_PATH: hooks(), INIT_SYSTEM_ROOT: root });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(path.join(root, 'etc/init.d/growroot')).mode & 0o777).toBe(0o755);
  });

  it('does nothing when no element ships scripts for the init system', async () => {
    const root = scratch('root');
    const r = await install({ DIB_INIT_SYSTEM: 'upstart', TMP_HOOKS_PATH: hooks(), INIT_SYSTEM_ROOT: root });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'etc/init'))).toBe(false);
  });

  it('fails clearly when DIB_INIT_SYSTEM is unset', async () => {
    const r = await install({ TMP_HOOKS_PATH: hooks(), INIT_SYSTEM_ROOT: scratch('root') });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_INIT_SYSTEM is ""; expected systemd, openrc, sysv or upstart');
  });
});

describe('post-install.d/10-dib-init-system-enable', () => {
  const enable = (system: string) => {
    stubs = space.stub({ 'rc-update': ':' });
    return execa(ENABLE, [], {
      env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DIB_INIT_SYSTEM: system, TMP_HOOKS_PATH: hooks() },
      extendEnv: false,
      reject: false,
    });
  };

  it('adds the openrc scripts to the default runlevel', async () => {
    const r = await enable('openrc');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual(['rc-update add growroot default']);
  });

  it('leaves systemd units to their elements', async () => {
    const r = await enable('systemd');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(stubs!.calls()).toEqual([]);
  });
});
