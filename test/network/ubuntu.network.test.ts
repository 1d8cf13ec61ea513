/**
 * Opt-in, for machines that reach Ubuntu's hosts (`DIB_TEST_NETWORK=1 npm run
 * test:network`, as root): the real noble cloud image and the real archive, checked
 * with the keys ubuntu-common ships, built into disks that boot. No fixture stands in
 * for anything here; the default suite covers the same code against loopback servers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootImage, runDib } from '@dib/testing';
import { isRoot, OUT } from '../helpers.js';

const BOOT_TIMEOUT = 10 * 60_000;

describe.runIf(isRoot)('ubuntu vm from the real noble cloud image', () => {
  const output = path.join(OUT, 'network-ubuntu');

  it('builds with the signed checksum checked, and boots to a login prompt', async () => {
    const r = await runDib(['create', '-o', output, '-t', 'qcow2', 'ubuntu', 'vm'], { env: { DIB_RELEASE: 'noble' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(`${output}.log`, 'utf8')).toMatch(/SHA256SUMS is signed by a key in .*ubuntu-cloudimage-keyring\.gpg/);
    const boot = await bootImage({ image: `${output}.qcow2`, timeoutMs: BOOT_TIMEOUT });
    expect(boot.matched, boot.console.slice(-3000)).toBe(true);
    console.log(`real noble cloud image: booted to login in ${(boot.elapsedMs / 1000).toFixed(1)}s (${boot.accelerator})`);
  });

  it('a second build revalidates the checksum file and downloads no image', async () => {
    const r = await runDib(['create', '-o', `${output}-again`, '-t', 'tar', 'ubuntu'], { env: { DIB_RELEASE: 'noble', DIB_DEBIAN_INITRAMFS: 'skip' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const log = readFileSync(`${output}-again.log`, 'utf8');
    expect(log).toContain('it matches the signed checksum');
    expect(log).not.toContain('downloading https://');
  });
});

describe.runIf(isRoot)("ubuntu-minimal vm from the real archive, checked with Ubuntu's archive key", () => {
  const output = path.join(OUT, 'network-ubuntu-minimal');

  it('builds and boots to a login prompt', async () => {
    const r = await runDib(['create', '-o', output, '-t', 'qcow2', 'ubuntu-minimal', 'vm'], { env: { DIB_RELEASE: 'noble' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const boot = await bootImage({ image: `${output}.qcow2`, timeoutMs: BOOT_TIMEOUT });
    expect(boot.matched, boot.console.slice(-3000)).toBe(true);
    console.log(`real noble archive: booted to login in ${(boot.elapsedMs / 1000).toFixed(1)}s (${boot.accelerator})`);
  });
});
