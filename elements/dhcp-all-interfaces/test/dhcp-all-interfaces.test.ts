/**
 * dhcp-all-interfaces: the boot script on a made-up sysfs with stand-in ip, rdisc6 and
 * sleep; the install scripts against scratch roots; the plan on Debian.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { planBuild, scratchSpace, type StubCommands } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const BOOT = path.join(ELEMENT, 'static/usr/local/sbin/dhcp-all-interfaces.sh');
const INSTALL = path.join(ELEMENT, 'install.d/50-dhcp-all-interfaces');
const CLEANUP = path.join(ELEMENT, 'install.d/60-dhcp-all-interfaces-cleanup');
const MACHINE_ID = '0123456789abcdef0123456789abcdef';
const SLAAC = 'Hop limit                 :           64 (      0x40)\nStateful address conf.    :           No\nStateful other conf.      :           No\n';
const MANAGED = 'Stateful address conf.    :          Yes\nStateful other conf.      :          Yes\n';

const space = scratchSpace('dib-dhcp-all-interfaces');
let stubs: StubCommands | undefined;
afterEach(() => {
  space.clean();
  stubs = undefined;
});
const scratch = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'dib-dhcp-all-'));
  space.adopt(d);
  return d;
};
function write(root: string, rel: string, body: string) {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), body);
}

/** A Debian root with these interfaces: addr_assign_type and carrier of each (lo always). */
function debianRoot(interfaces: Record<string, { assign: number; carrier: number }>) {
  const root = scratch();
  write(root, 'etc/network/interfaces', 'auto lo\niface lo inet loopback\n\nsource /etc/network/interfaces.d/*\n\n');
  mkdirSync(path.join(root, 'etc/network/interfaces.d'));
  write(root, 'etc/machine-id', `${MACHINE_ID}\n`);
  write(root, 'etc/default/dhcp-all-interfaces', 'DHCP_TIMEOUT=3\n');
  for (const [name, { assign, carrier }] of Object.entries({ lo: { assign: 0, carrier: 1 }, ...interfaces })) {
    write(root, `sys/class/net/${name}/addr_assign_type`, `${assign}\n`);
    write(root, `sys/class/net/${name}/carrier`, `${carrier}\n`);
    write(root, `sys/class/net/${name}/type`, '1\n');
  }
  return root;
}
function boot(root: string, args: string[] = [], ra: string | null = SLAAC) {
  stubs = space.stub({ ip: ':', sleep: ':', ...(ra === null ? {} : { rdisc6: `printf '${ra.replace(/\n/g, '\\n')}'` }) });
  return execa('bash', [BOOT, ...args], { env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DHCP_ALL_INTERFACES_ROOT: root }, extendEnv: false, reject: false });
}
const interfaces = (root: string) => readFileSync(path.join(root, 'etc/network/interfaces'), 'utf8');

describe('static/usr/local/sbin/dhcp-all-interfaces.sh', () => {
  it('configures each interface with a real MAC and a link for DHCP and SLAAC; skips virtual ones and ones without link', async () => {
    const root = debianRoot({ ens3: { assign: 0, carrier: 1 }, ens4: { assign: 0, carrier: 0 }, veth0: { assign: 1, carrier: 1 } });
    const r = await boot(root);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(interfaces(root)).toContain('auto ens3\niface ens3 inet dhcp\niface ens3 inet6 auto\n    dhcp 0\n');
    expect(interfaces(root)).not.toMatch(/ens4|veth0|iface lo inet dhcp/);
    expect(r.stdout).toContain('dhcp-all-interfaces: ens3 configured for DHCP (IPv6: slaac)');
    expect(r.stdout).toContain('no link on ens4 after 3s; skipped');
    expect(r.stdout).toContain('veth0 has a generated MAC address (virtual device); skipped');
    expect(stubs!.calls().filter((c) => c === 'ip link set dev ens4 up')).toHaveLength(3);
  });

  it("writes the DHCPv6 identity where Debian's dhclient reads it, making the directory (the Debian 12 fault of DIB 3.13)", async () => {
    const root = debianRoot({ ens3: { assign: 0, carrier: 1 } });
    const r = await boot(root, ['ens3'], MANAGED);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(interfaces(root)).toContain('iface ens3 inet6 dhcp\n');
    expect(readFileSync(path.join(root, 'var/lib/dhcp/dhclient6.ens3.leases'), 'utf8')).toBe(
      `default-duid "\\x00\\x04${MACHINE_ID.replace(/../g, '\\x$&')}";\n`,
    );
  });

  it('configures IPv4 only when no router answers or rdisc6 is missing', async () => {
    const root = debianRoot({ ens3: { assign: 0, carrier: 1 } });
    const r = await boot(root, ['ens3'], null);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(interfaces(root)).toContain('auto ens3\niface ens3 inet dhcp\n\n');
    expect(interfaces(root)).not.toContain('inet6');
    expect(existsSync(path.join(root, 'var/lib/dhcp'))).toBe(false);
  });

  it('leaves an interface that has a configuration, and writes each only once', async () => {
    const root = debianRoot({ ens3: { assign: 0, carrier: 1 }, ens4: { assign: 0, carrier: 1 } });
    write(root, 'etc/network/interfaces.d/ens4', 'iface ens4 inet static\n    address 192.0.2.4/24\n');
    expect((await boot(root)).exitCode).toBe(0);
    const r = await boot(root, ['ens3']);
    expect(r.stdout).toBe('dhcp-all-interfaces: ens3 has a configuration already; left as it is');
    expect(interfaces(root).match(/iface ens3 inet dhcp/g)).toHaveLength(1);
    expect(interfaces(root)).not.toContain('ens4');
  });

  it('configures a VLAN of a real interface', async () => {
    const root = debianRoot({ ens3: { assign: 0, carrier: 1 }, 'ens3.100': { assign: 2, carrier: 1 } });
    expect((await boot(root, ['ens3.100'], null)).exitCode).toBe(0);
    expect(interfaces(root)).toContain('iface ens3.100 inet dhcp');
  });

  it('writes an ifcfg file on Red Hat family', async () => {
    const root = scratch();
    mkdirSync(path.join(root, 'etc/sysconfig/network-scripts'), { recursive: true });
    for (const [f, v] of Object.entries({ addr_assign_type: '0', carrier: '1', type: '1' })) write(root, `sys/class/net/eth0/${f}`, `${v}\n`);
    const r = await boot(root, ['eth0'], null);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'etc/sysconfig/network-scripts/ifcfg-eth0'), 'utf8')).toBe(
      'DEVICE="eth0"\nBOOTPROTO="dhcp"\nONBOOT="yes"\nTYPE="Ethernet"\n',
    );
  });

  it('fails when the image has no network configuration it knows', async () => {
    const r = await boot(scratch());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unknown network configuration');
  });
});

describe('install.d', () => {
  const install = (root: string, env: Record<string, string>) => {
    stubs = space.stub({ 'update-rc.d': ':' });
    return execa(INSTALL, [], {
      env: { PATH: `${stubs.dir}:/usr/bin:/bin`, DHCP_ALL_INTERFACES_ROOT: root, DIB_DHCP_TIMEOUT: '30', ...env },
      extendEnv: false,
      reject: false,
    });
  };

  it('systemd: the per-interface unit, the udev rule, the timeout for the script and for dhclient', async () => {
    const root = scratch();
    write(root, 'etc/dhcp/dhclient.conf', 'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;\ntimeout 60;\n#retry 60;\n');
    for (let i = 0; i < 2; i++) expect((await install(root, { DIB_INIT_SYSTEM: 'systemd', DIB_DHCP_TIMEOUT: '45' })).exitCode).toBe(0);
    const unit = readFileSync(path.join(root, 'usr/lib/systemd/system/dhcp-interface@.service'), 'utf8');
    expect(unit).toContain('ExecStartPre=/usr/local/sbin/dhcp-all-interfaces.sh %i\nExecStart=/sbin/ifup %i\n');
    expect(unit).toContain('TimeoutStartSec=90s');
    expect(readFileSync(path.join(root, 'etc/udev/rules.d/99-dhcp-all-interfaces.rules'), 'utf8')).toContain(
      'SUBSYSTEM=="net", KERNEL!="lo", ACTION=="add", TAG+="systemd", ENV{SYSTEMD_WANTS}+="dhcp-interface@$name.service"',
    );
    expect(readFileSync(path.join(root, 'etc/default/dhcp-all-interfaces'), 'utf8')).toContain('DHCP_TIMEOUT=45\n');
    const dhclient = readFileSync(path.join(root, 'etc/dhcp/dhclient.conf'), 'utf8');
    expect(dhclient.split('\n').filter((l) => /^timeout /.test(l))).toEqual(['timeout 45;']);
    expect(dhclient).toContain('# (dib dhcp-all-interfaces) timeout 60;');
    expect(existsSync(path.join(root, 'etc/NetworkManager'))).toBe(false);
  });

  it('sets NetworkManager up when the image has it: dhclient on Red Hat family', async () => {
    const root = scratch();
    mkdirSync(path.join(root, 'etc/NetworkManager'), { recursive: true });
    write(root, 'etc/redhat-release', 'Rocky Linux release 9\n');
    expect((await install(root, { DIB_INIT_SYSTEM: 'systemd' })).exitCode).toBe(0);
    const conf = readFileSync(path.join(root, 'etc/NetworkManager/conf.d/00-main.conf'), 'utf8');
    expect(conf).toContain('dhcp=dhclient\n');
    expect(conf).toContain('ipv4.dhcp-timeout=30\n');
  });

  it('sysv: an init script run before networking', async () => {
    const root = scratch();
    expect((await install(root, { DIB_INIT_SYSTEM: 'sysv' })).exitCode).toBe(0);
    expect(readFileSync(path.join(root, 'etc/init.d/dhcp-all-interfaces'), 'utf8')).toContain('X-Start-Before:    networking');
    expect(stubs!.calls()).toEqual(['update-rc.d dhcp-all-interfaces defaults']);
  });

  it('fails clearly on an init system it does not support', async () => {
    const r = await install(scratch(), { DIB_INIT_SYSTEM: 'upstart' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('dhcp-all-interfaces runs at boot with systemd or sysv');
  });

  it("removes the base image's eth* configurations and keeps only loopback in /etc/network/interfaces", async () => {
    const root = scratch();
    write(root, 'etc/network/interfaces', 'auto lo\niface lo inet loopback\nauto eth0\niface eth0 inet dhcp\n');
    write(root, 'etc/network/interfaces.d/eth0', 'auto eth0\n');
    write(root, 'etc/network/interfaces.d/bond0', 'auto bond0\n');
    const r = await execa(CLEANUP, [], { env: { DHCP_ALL_INTERFACES_ROOT: root }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(interfaces(root)).toMatch(/^# .*\nauto lo\niface lo inet loopback\n\nsource \/etc\/network\/interfaces\.d\/\*\n\n$/);
    expect(existsSync(path.join(root, 'etc/network/interfaces.d/eth0'))).toBe(false);
    expect(existsSync(path.join(root, 'etc/network/interfaces.d/bond0'))).toBe(true);
  });
});

describe('in a build', () => {
  it('installs ifupdown, isc-dhcp-client and ndisc6 on Debian, with a 30 s timeout', async () => {
    const plan = await planBuild(['dhcp-all-interfaces', 'debian'], { searchRoots: [REPO] });
    expect(plan.environment.DIB_DHCP_TIMEOUT).toBe('30');
    const manifest = plan.elements.find((e) => e.name === 'dhcp-all-interfaces')!.manifest;
    expect(Object.keys(manifest.packages)).toEqual(['dhcp-client', 'ifupdown', 'ndisc6']);
    expect(manifest.pkgMap?.default?.['dhcp-client']).toBe('isc-dhcp-client');
    const install = plan.hooks.phases.install.map((h) => h.name);
    expect(install.indexOf('10-install-static')).toBeLessThan(install.indexOf('50-dhcp-all-interfaces'));
  });

  it('refuses a timeout that is not a number of seconds', async () => {
    await expect(planBuild(['dhcp-all-interfaces'], { searchRoots: [REPO], env: { DIB_DHCP_TIMEOUT: '30s' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });
});
