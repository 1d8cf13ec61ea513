/** enable-serial-console's scripts against scratch roots, one init system at a time, and the legacy GRUB fix. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const INSTALL = path.join(ELEMENT, 'install.d/20-enable-serial-console');
const GRUB = path.join(ELEMENT, 'cleanup.d/99-enable-serial-console-grub-legacy');

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'dib-serial-console-'));
  dirs.push(d);
  return d;
};
const install = (root: string, env: Record<string, string>) =>
  execa(INSTALL, [], { env: { PATH: '/usr/bin:/bin', ENABLE_SERIAL_CONSOLE_ROOT: root, ...env }, extendEnv: false, reject: false });

describe('install.d/20-enable-serial-console', () => {
  it('systemd: a udev rule that wants serial-getty@ for every port with a UART', async () => {
    const root = scratch();
    const r = await install(root, { DIB_INIT_SYSTEM: 'systemd' });
    expect(r.exitCode, r.stderr).toBe(0);
    const rules = readFileSync(path.join(root, 'etc/udev/rules.d/99-serial-console.rules'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(rules).toEqual([
      'SUBSYSTEM=="tty", ACTION=="add", ATTR{type}=="?*", ATTR{type}!="0", TAG+="systemd", ENV{SYSTEMD_WANTS}+="serial-getty@$name.service"',
    ]);
  });

  it('upstart: a ttySx job running agetty', async () => {
    const root = scratch();
    const r = await install(root, { DIB_INIT_SYSTEM: 'upstart' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'etc/init/ttySx.conf'), 'utf8')).toContain('exec /sbin/agetty -m "$port" 115200');
  });

  it.each([
    [{ DIB_BOOTLOADER_SERIAL_CONSOLE: 'ttyS1,57600n8' }, 's0:12345:respawn:/sbin/agetty -L 57600 ttyS1 vt100'],
    [{ ARCH: 'amd64' }, 's0:12345:respawn:/sbin/agetty -L 115200 ttyS0 vt100'],
    [{ ARCH: 'arm64' }, 's0:12345:respawn:/sbin/agetty -L 115200 ttyAMA0 vt100'],
    [{ ARCH: 'ppc64le' }, 's0:12345:respawn:/sbin/agetty -L 115200 hvc0 vt100'],
  ])('openrc %o: inittab gets "%s", once', async (env, line) => {
    const root = scratch();
    mkdirSync(path.join(root, 'etc'));
    writeFileSync(path.join(root, 'etc/inittab'), 'id:3:initdefault:\n');
    for (let i = 0; i < 2; i++) expect((await install(root, { DIB_INIT_SYSTEM: 'openrc', ...env })).exitCode).toBe(0);
    expect(readFileSync(path.join(root, 'etc/inittab'), 'utf8')).toBe(`id:3:initdefault:\n# dib enable-serial-console\n${line}\n`);
  });

  it('fails clearly without DIB_INIT_SYSTEM', async () => {
    const r = await install(scratch(), {});
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('enable-serial-console: DIB_INIT_SYSTEM is ""');
  });
});

describe('cleanup.d/99-enable-serial-console-grub-legacy', () => {
  it('sends a GRUB legacy menu to the serial port and drops splash, quiet and rhgb', async () => {
    const root = scratch();
    mkdirSync(path.join(root, 'boot/grub'), { recursive: true });
    const conf = path.join(root, 'boot/grub/grub.conf');
    writeFileSync(
      conf,
      'default=0\ntimeout=5\nsplashimage=(hd0,0)/grub/splash.xpm.gz\nhiddenmenu\ntitle CentOS\n\tkernel /vmlinuz ro root=LABEL=root rhgb quiet\n',
    );
    const r = await execa(GRUB, [], { env: { TARGET_ROOT: root }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(conf, 'utf8')).toBe(
      'default=0\nserial --unit=0 --speed=9600 --word=8 --parity=no --stop=1\nterminal --timeout=5 serial console\ntimeout=5\ntitle CentOS\n\tkernel /vmlinuz ro root=LABEL=root\n',
    );
  });

  it('leaves GRUB 2 images alone', async () => {
    const root = scratch();
    const r = await execa(GRUB, [], { env: { TARGET_ROOT: root }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'boot'))).toBe(false);
  });
});

it("plans with the bootloader's serial console passed on", async () => {
  const plan = await planBuild(['enable-serial-console', 'debian', 'bootloader'], { searchRoots: [REPO] });
  expect(plan.environment.DIB_BOOTLOADER_SERIAL_CONSOLE).toBe('ttyS0,115200');
  expect(plan.hooks.phases.install.map((h) => h.name)).toContain('20-enable-serial-console');
});
