/** The two commands against a scratch root (SYSCTL_ROOT) with a /proc/sys of the test's own. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const WRITE = path.join(ELEMENT, 'bin/sysctl-write-value');
const SET = path.join(ELEMENT, 'bin/sysctl-set-value');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'sysctl-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const run = (command: string, args: string[]) => execa(command, args, { env: { PATH: process.env.PATH, SYSCTL_ROOT: root }, extendEnv: false, reject: false });
const conf = (name: string) => path.join(root, 'etc/sysctl.d', `${name}.conf`);

describe('sysctl-write-value', () => {
  it('writes NAME = VALUE, after a comment, into /etc/sysctl.d/NAME.conf', async () => {
    const r = await run(WRITE, ['vm.swappiness', '7']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(conf('vm.swappiness'), 'utf8')).toBe('# Written by dib (sysctl element).\nvm.swappiness = 7\n');
    expect(r.stdout).toBe('sysctl: vm.swappiness = 7 in /etc/sysctl.d/vm.swappiness.conf');
  });

  it('takes a comment, and a value with spaces', async () => {
    const r = await run(WRITE, ['net.ipv4.ip_local_port_range', '32768 60999', 'ports for clients']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(conf('net.ipv4.ip_local_port_range'), 'utf8')).toBe('# ports for clients\nnet.ipv4.ip_local_port_range = 32768 60999\n');
  });

  it('accepts the same value again and refuses another one, showing the file', async () => {
    await run(WRITE, ['vm.swappiness', '7']);
    const again = await run(WRITE, ['vm.swappiness', '7', 'other comment']);
    expect(again.exitCode, again.stderr).toBe(0);
    // 70 starts like 7: only the whole line counts.
    const other = await run(WRITE, ['vm.swappiness', '70']);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('/etc/sysctl.d/vm.swappiness.conf already sets vm.swappiness otherwise; refusing "vm.swappiness = 70"');
    expect(other.stderr).toMatch(/^vm\.swappiness = 7$/m);
    expect(readFileSync(conf('vm.swappiness'), 'utf8')).toBe('# Written by dib (sysctl element).\nvm.swappiness = 7\n');
  });

  it('fails with its usage without a name or value, and on a name that cannot be a file name', async () => {
    for (const args of [[], ['vm.swappiness'], ['', '1']]) {
      const r = await run(WRITE, args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('Usage: sysctl-write-value NAME VALUE [COMMENT]');
    }
    const bad = await run(WRITE, ['../../etc/passwd', '1']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('is not a sysctl name usable here');
    expect(existsSync(path.join(root, 'etc/sysctl.d'))).toBe(false);
  });
});

describe('sysctl-set-value', () => {
  it("writes a parameter the kernel has, and leaves the kernel's value alone", async () => {
    mkdirSync(path.join(root, 'proc/sys/net/ipv4'), { recursive: true });
    writeFileSync(path.join(root, 'proc/sys/net/ipv4/ip_forward'), '0\n');
    const r = await run(SET, ['net.ipv4.ip_forward', '1', 'routing']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(conf('net.ipv4.ip_forward'), 'utf8')).toBe('# routing\nnet.ipv4.ip_forward = 1\n');
    expect(readFileSync(path.join(root, 'proc/sys/net/ipv4/ip_forward'), 'utf8')).toBe('0\n');
  });

  it('refuses a parameter the kernel does not have', async () => {
    const r = await run(SET, ['net.ipv4.no_such_thing', '1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('the kernel has no parameter "net.ipv4.no_such_thing" (no /proc/sys/net/ipv4/no_such_thing)');
    expect(existsSync(conf('net.ipv4.no_such_thing'))).toBe(false);
  });

  it('leaves a name already written to sysctl-write-value: same value fine, another refused', async () => {
    await run(WRITE, ['vm.swappiness', '7']);
    expect((await run(SET, ['vm.swappiness', '7'])).exitCode).toBe(0);
    expect((await run(SET, ['vm.swappiness', '9'])).exitCode).toBe(1);
  });

  it('fails with its usage without a name or value', async () => {
    const r = await run(SET, ['vm.swappiness']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Usage: sysctl-set-value NAME VALUE [COMMENT]');
  });
});

describe('the manifest', () => {
  it('puts both commands on the hooks PATH', async () => {
    const plan = await planBuild(['sysctl'], { searchRoots: [REPO] });
    const bins = plan.hooks.files.filter((f) => f.dir === 'bin' && f.entry.element === 'sysctl').map((f) => f.entry.name);
    expect(bins.sort()).toEqual(['sysctl-set-value', 'sysctl-write-value']);
  });
});
