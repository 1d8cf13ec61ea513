/**
 * simple-init.d/simple-init, the script simple-init.service runs at boot, against a
 * scratch root, a fake /sys/class/net and a fake config drive (the directory tree a
 * config-2 filesystem holds).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../simple-init.d/simple-init');

const NETWORK_DATA = {
  links: [
    { id: 'tap1', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:00:01', mtu: 1450 },
    { id: 'vlan0', type: 'vlan', vlan_link: 'tap1', vlan_id: 42, vlan_mac_address: 'fa:16:3e:00:00:01' },
    { id: 'bond0', type: 'bond', bond_links: ['tap1'] },
    { id: 'tap9', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:00:09' },
  ],
  networks: [
    {
      id: 'net0',
      type: 'ipv4',
      link: 'tap1',
      ip_address: '10.0.0.5',
      netmask: '255.255.255.0',
      routes: [
        { network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.0.0.1' },
        { network: '192.168.0.0', netmask: '255.255.0.0', gateway: '10.0.0.254' },
      ],
    },
    {
      id: 'net1',
      type: 'ipv6',
      link: 'tap1',
      ip_address: '2001:db8::5',
      netmask: 'ffff:ffff:ffff:ffff::',
      routes: [{ network: '::', netmask: '::', gateway: '2001:db8::1' }],
    },
    { id: 'net2', type: 'ipv4_dhcp', link: 'vlan0' },
    { id: 'net3', type: 'infiniband', link: 'tap1' },
  ],
  services: [
    { type: 'dns', address: '192.0.2.53' },
    { type: 'dns', address: '2001:db8::53' },
  ],
};
const META_DATA = { hostname: 'web1.example.org', public_keys: { k1: 'ssh-ed25519 AAAAk1 k1@x\n', k2: 'ssh-rsa AAAAk2 k2@x' } };

let work: string;
let root: string;
let sys: string;
let drive: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'dib-simple-init-'));
  [root, sys, drive] = ['root', 'sys', 'drive'].map((d) => path.join(work, d));
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  // Two NICs (the first in upper case, as some drivers report it), loopback and a veth.
  nic('ens3', 'FA:16:3E:00:00:01');
  nic('ens4', 'fa:16:3e:00:00:02');
  nic('lo', '00:00:00:00:00:00', { type: '772', device: false });
  nic('veth0', 'aa:aa:aa:aa:aa:aa', { device: false });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function nic(name: string, mac: string, { type = '1', device = true } = {}) {
  mkdirSync(path.join(sys, name), { recursive: true });
  writeFileSync(path.join(sys, name, 'address'), `${mac}\n`);
  writeFileSync(path.join(sys, name, 'type'), `${type}\n`);
  if (device) mkdirSync(path.join(sys, name, 'device'));
}
function configDrive(files: { network?: unknown; meta?: unknown }) {
  const dir = path.join(drive, 'openstack/latest');
  mkdirSync(dir, { recursive: true });
  if (files.network) writeFileSync(path.join(dir, 'network_data.json'), JSON.stringify(files.network));
  if (files.meta) writeFileSync(path.join(dir, 'meta_data.json'), JSON.stringify(files.meta));
}
async function boot(backend: 'ifupdown' | 'networkmanager') {
  const r = await execa('bash', [SCRIPT, backend], {
    env: { PATH: process.env.PATH, SIMPLE_INIT_ROOT: root, SIMPLE_INIT_SYSFS: sys, SIMPLE_INIT_CONFIG_DRIVE: drive },
    extendEnv: false,
    reject: false,
  });
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}
const read = (rel: string) => readFileSync(path.join(root, rel), 'utf8');
const listing = (rel: string) => (existsSync(path.join(root, rel)) ? readdirSync(path.join(root, rel)).sort() : []);

describe('with a config drive, ifupdown', () => {
  it('configures the described interfaces statically, the VLAN by DHCP, and the others by DHCP', async () => {
    configDrive({ network: NETWORK_DATA, meta: META_DATA });
    const r = await boot('ifupdown');
    expect(listing('etc/network/interfaces.d')).toEqual(['simple-init-ens3', 'simple-init-ens3.42', 'simple-init-ens4']);
    expect(read('etc/network/interfaces.d/simple-init-ens3')).toBe(
      [
        '# Written at boot by simple-init from the config drive (link tap1).',
        'auto ens3',
        'iface ens3 inet static',
        '    mtu 1450',
        '    address 10.0.0.5/24',
        '    gateway 10.0.0.1',
        '    up ip route add 192.168.0.0/16 via 10.0.0.254 dev ens3',
        'iface ens3 inet6 static',
        '    address 2001:db8::5/64',
        '    gateway 2001:db8::1',
        '',
      ].join('\n'),
    );
    expect(read('etc/network/interfaces.d/simple-init-ens3.42')).toContain(
      'auto ens3.42\niface ens3.42 inet dhcp\n    pre-up ip link add link ens3 name ens3.42 type vlan id 42 2>/dev/null || true\n',
    );
    expect(read('etc/network/interfaces.d/simple-init-ens4')).toContain('auto ens4\niface ens4 inet dhcp\n');
    expect(read('etc/resolv.conf')).toContain('nameserver 192.0.2.53\nnameserver 2001:db8::53\n');
    expect(r.stdout).toContain('simple-init: link bond0 (bond) left out: bonds are not supported');
    expect(r.stdout).toContain('simple-init: link tap9 (phy) left out: no interface of this image matches it');
    expect(r.stdout).toContain('simple-init: network net3 of type infiniband left out: not supported');
  });

  it('sets the hostname and adds root’s keys from meta_data.json, once however often it boots', async () => {
    configDrive({ network: NETWORK_DATA, meta: META_DATA });
    writeFileSync(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 debian\n');
    await boot('ifupdown');
    const again = await boot('ifupdown');
    expect(read('etc/hostname')).toBe('web1\n');
    expect(read('etc/hosts')).toBe('127.0.0.1 localhost\n127.0.1.1 web1.example.org web1\n');
    expect(read('root/.ssh/authorized_keys')).toBe('ssh-ed25519 AAAAk1 k1@x\nssh-rsa AAAAk2 k2@x\n');
    expect(statSync(path.join(root, 'root/.ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(root, 'root/.ssh/authorized_keys')).mode & 0o777).toBe(0o600);
    expect(again.stdout).toContain('simple-init: 0 SSH key(s) added for root');
  });

  it('takes prefix lengths written in the address, and IPv4 netmasks of any length', async () => {
    configDrive({
      network: {
        links: [{ id: 'a', type: 'phy', ethernet_mac_address: 'fa:16:3e:00:00:02' }],
        networks: [
          { id: 'n4', type: 'ipv4', link: 'a', ip_address: '172.16.1.9', netmask: '255.255.240.0' },
          { id: 'n6', type: 'ipv6', link: 'a', ip_address: '2001:db8:1::9/56' },
        ],
      },
    });
    await boot('ifupdown');
    const text = read('etc/network/interfaces.d/simple-init-ens4');
    expect(text).toContain('    address 172.16.1.9/20\n');
    expect(text).toContain('    address 2001:db8:1::9/56\n');
    expect(text).not.toContain('gateway');
    // No static DNS given: resolv.conf is dhclient's, not ours.
    expect(existsSync(path.join(root, 'etc/resolv.conf'))).toBe(false);
  });
});

describe('with a config drive, NetworkManager', () => {
  it('writes keyfiles only root can read, with addresses, gateway, routes and DNS', async () => {
    configDrive({ network: NETWORK_DATA });
    await boot('networkmanager');
    const dir = 'etc/NetworkManager/system-connections';
    expect(listing(dir)).toEqual(['simple-init-ens3.42.nmconnection', 'simple-init-ens3.nmconnection', 'simple-init-ens4.nmconnection']);
    for (const f of listing(dir)) expect(statSync(path.join(root, dir, f)).mode & 0o777).toBe(0o600);
    const ens3 = read(`${dir}/simple-init-ens3.nmconnection`);
    expect(ens3).toContain('[connection]\nid=simple-init ens3\ntype=ethernet\ninterface-name=ens3\n');
    expect(ens3).toContain('[ethernet]\nmtu=1450\n');
    expect(ens3).toContain('[ipv4]\nmethod=manual\naddress1=10.0.0.5/24\ngateway=10.0.0.1\nroute1=192.168.0.0/16,10.0.0.254\ndns=192.0.2.53;\n');
    expect(ens3).toContain('[ipv6]\nmethod=manual\naddress1=2001:db8::5/64\ngateway=2001:db8::1\n');
    expect(read(`${dir}/simple-init-ens3.42.nmconnection`)).toContain(
      'type=vlan\ninterface-name=ens3.42\n\n[vlan]\nparent=ens3\nid=42\n\n[ipv4]\nmethod=auto\n',
    );
    expect(read(`${dir}/simple-init-ens4.nmconnection`)).toContain('[ipv4]\nmethod=auto\n');
    // NetworkManager keeps DNS itself.
    expect(existsSync(path.join(root, 'etc/resolv.conf'))).toBe(false);
  });
});

describe('without a config drive', () => {
  it('gives every Ethernet interface with hardware behind it DHCP, and leaves hostname and keys alone', async () => {
    const r = await boot('ifupdown');
    expect(listing('etc/network/interfaces.d')).toEqual(['simple-init-ens3', 'simple-init-ens4']);
    expect(read('etc/network/interfaces.d/simple-init-ens3')).toBe('# Written at boot by simple-init: DHCP.\nauto ens3\niface ens3 inet dhcp\n');
    expect(existsSync(path.join(root, 'etc/hostname'))).toBe(false);
    expect(existsSync(path.join(root, 'root/.ssh'))).toBe(false);
    expect(r.stdout).toContain('simple-init: no config drive: DHCP on every interface');
  });

  it('also when the config drive has no network_data.json', async () => {
    configDrive({ meta: { hostname: 'solo' } });
    await boot('networkmanager');
    expect(listing('etc/NetworkManager/system-connections')).toEqual(['simple-init-ens3.nmconnection', 'simple-init-ens4.nmconnection']);
    expect(read('etc/hostname')).toBe('solo\n');
    expect(read('etc/hosts')).toBe('127.0.1.1 solo\n');
  });

  it("removes an earlier boot's files for interfaces that are gone", async () => {
    await boot('ifupdown');
    rmSync(path.join(sys, 'ens4'), { recursive: true });
    await boot('ifupdown');
    expect(listing('etc/network/interfaces.d')).toEqual(['simple-init-ens3']);
  });
});

it('refuses an unknown backend', async () => {
  const r = await execa('bash', [SCRIPT, 'networkd'], { env: { PATH: process.env.PATH, SIMPLE_INIT_ROOT: root }, extendEnv: false, reject: false });
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain('usage: simple-init ifupdown|networkmanager');
});
