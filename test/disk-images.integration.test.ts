/**
 * Bootable disk images, proved by booting them: debian + vm (MBR) under BIOS, and
 * debian + vm + block-device-efi under UEFI and under BIOS. Also the GPT table as
 * sfdisk reads it, every disk output format, get-kernel, and a failing mkfs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootImage, findOvmf, hostState, leakedSince, runDib, type DibRun } from '@dib/testing';
import { openPage } from './browser.js';
import { buildEnv, isRoot, NO_INITRAMFS, OUT, VIRTUAL_INITRAMFS } from './helpers.js';
import { tableRows } from './html-tables.js';

const BOOT_TIMEOUT = 8 * 60_000;
const sfdiskJson = async (file: string) => JSON.parse((await execa('sfdisk', ['--json', file])).stdout).partitiontable;
/** The compression type in a qcow2's header, as qemu-img reads it. */
const qcow2Compression = async (file: string) =>
  JSON.parse((await execa('qemu-img', ['info', '--output=json', file])).stdout)['format-specific'].data['compression-type'];

describe.runIf(isRoot)('debian vm (MBR, BIOS)', () => {
  const output = path.join(OUT, 'vm-mbr');
  let run: DibRun;
  beforeAll(async () => {
    run = await runDib(['create', '-o', output, '-t', 'qcow2,raw', '--trace', `${output}.trace.json`, 'debian', 'vm'], { env: buildEnv(VIRTUAL_INITRAMFS) });
  });

  it('builds qcow2, compressed with zlib by default, and raw', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(existsSync(`${output}.qcow2`)).toBe(true);
    expect(statSync(`${output}.qcow2`).size).toBeLessThan(statSync(`${output}.raw`).size);
    expect(await qcow2Compression(`${output}.qcow2`)).toBe('zlib');
  });

  it('writes a report that headless Chromium renders without a script error: timeline, elements, packages, outputs', async () => {
    const report = `${output}.d/report.html`;
    const screenshot = path.join(OUT, 'report-debian-vm.png');
    const page = await openPage(report, screenshot);
    expect(page.console).toEqual([]);
    // The page's own script ran to its end.
    expect(page.dom).toContain('data-ready="1"');
    const rows = (id: string) => tableRows(page.dom, id);
    expect(rows('timeline').some((r) => r[0] === 'install' && r[1] === 'phase')).toBe(true);
    expect(rows('timeline').some((r) => r[0] === 'finalise/99-dpkg-manifest' && r[1] === 'dpkg')).toBe(true);
    expect(rows('elements').find((r) => r[0] === 'vm')?.[2]).toBe('requested');
    const kernel = rows('packages').find((r) => r[0].startsWith('linux-image-'));
    expect(kernel?.[3]).toMatch(/MiB$/);
    const qcow2 = rows('outputs').find((r) => r[0] === 'qcow2');
    expect(qcow2?.[1]).toBe(`${output}.qcow2`);
    expect(qcow2?.[3]).toBe((await execa('sha256sum', [`${output}.qcow2`])).stdout.split(' ')[0]);
    // Self-contained: nothing is fetched from anywhere.
    expect(readFileSync(report, 'utf8')).not.toMatch(/\b(src|href)=["']?(https?:|\/\/)/);
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('--trace writes the timeline in trace-event format: phases, scripts and host commands', () => {
    const trace = JSON.parse(readFileSync(`${output}.trace.json`, 'utf8')) as { traceEvents: { ph: string; cat?: string; name: string; dur?: number }[] };
    const complete = trace.traceEvents.filter((e) => e.ph === 'X');
    for (const cat of ['phase', 'script', 'command']) expect(complete.some((e) => e.cat === cat)).toBe(true);
    expect(complete.find((e) => e.cat === 'phase' && e.name === 'install')?.dur).toBeGreaterThan(0);
  });

  it('has one bootable Linux partition on an MBR table', async () => {
    const table = await sfdiskJson(`${output}.raw`);
    expect(table.label).toBe('dos');
    expect(table.partitions).toHaveLength(1);
    expect(table.partitions[0]).toMatchObject({ start: 2048, type: '83', bootable: true });
  });

  it('boots to a login prompt under BIOS', async () => {
    const result = await bootImage({ image: `${output}.qcow2`, timeoutMs: BOOT_TIMEOUT });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    expect(result.console).toContain('Linux version');
    console.log(`BIOS boot of ${output}.qcow2 reached login in ${(result.elapsedMs / 1000).toFixed(1)}s (${result.accelerator})`);
  });

  it('get-kernel extracts the kernel and initramfs', async () => {
    const r = await runDib(['get-kernel', `${output}.qcow2`, '-o', `${output}-boot`]);
    expect(r.exitCode, r.stderr).toBe(0);
    // file(1) is installed by .ci/run; reading the kernel's type is the check.
    expect((await execa('file', ['--brief', `${output}-boot.vmlinuz`])).stdout).toMatch(/Linux kernel/);
    expect(statSync(`${output}-boot.vmlinuz`).size).toBeGreaterThan(4_000_000);
    expect(statSync(`${output}-boot.initrd`).size).toBeGreaterThan(4_000_000);
    // DIB_DEBIAN_INITRAMFS_MODULES=virtual: Debian's default (most) makes about 30 MB.
    expect(statSync(`${output}-boot.initrd`).size).toBeLessThan(15_000_000);
  });

  it('keeps the initramfs module choice in the image, so a later kernel gets the same', async () => {
    // Read from the root filesystem at its offset, without mounting it.
    const root = `${output}.raw?offset=${2048 * 512}`;
    const cat = async (file: string) => (await execa('debugfs', ['-R', `cat ${file}`, root])).stdout;
    expect(await cat('/etc/initramfs-tools/conf.d/dib-modules')).toBe('MODULES=list');
    expect(await cat('/etc/initramfs-tools/hooks/dib-virtual-modules')).toContain('manual_add_modules virtio_pci virtio_blk');
  });
});

describe.runIf(isRoot)('debian vm block-device-efi (GPT: ESP + BIOS boot + root)', () => {
  const output = path.join(OUT, 'vm-efi');
  let run: DibRun;
  beforeAll(async () => {
    run = await runDib(['create', '-o', output, '-t', 'raw,qcow2,vhd,vmdk', '--qcow2-compression', 'zstd', 'debian', 'vm', 'block-device-efi'], {
      env: buildEnv(VIRTUAL_INITRAMFS),
    });
  });

  it('builds every requested disk format', async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    for (const [ext, format] of [
      ['qcow2', 'qcow2'],
      ['raw', 'raw'],
      ['vhd', 'vpc'],
      ['vmdk', 'vmdk'],
    ]) {
      const info = JSON.parse((await execa('qemu-img', ['info', '--output=json', `${output}.${ext}`])).stdout);
      expect(info.format).toBe(format);
    }
    expect(await qcow2Compression(`${output}.qcow2`)).toBe('zstd');
  });

  it('writes the GPT partition table the layout describes', async () => {
    const table = await sfdiskJson(`${output}.raw`);
    expect(table.label).toBe('gpt');
    expect(table.partitions.map((p: { name: string }) => p.name)).toEqual(['ESP', 'BSP', 'root']);
    expect(table.partitions.map((p: { type: string }) => p.type)).toEqual([
      'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
      '21686148-6449-6E6F-744E-656564454649',
      '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
    ]);
    expect(table.partitions[0]).toMatchObject({ start: 2048, size: 262144 });
    expect(table.partitions[1]).toMatchObject({ start: 2048 + 262144, size: 16384 });
    const { stdout } = await execa('blkid', ['--probe', '--offset', String(table.partitions[2].start * 512), `${output}.raw`]);
    expect(stdout).toContain('LABEL="cloudimg-rootfs"');
    expect(stdout).toContain('TYPE="ext4"');
  });

  it('puts the UEFI loader on the ESP (read with mtools, not mounted)', async () => {
    const table = await sfdiskJson(`${output}.raw`);
    const { stdout } = await execa('mdir', ['-i', `${output}.raw@@${table.partitions[0].start * 512}`, '-b', '::/EFI/BOOT']);
    expect(stdout).toMatch(/BOOTX64\.EFI/i);
  });

  // The three boots run side by side: each QEMU is one busy thread, and this host has two cores.
  // The qcow2 they boot is zstd-compressed (--qcow2-compression zstd): QEMU reads it.
  it.runIf(!!findOvmf()).concurrent('boots to a login prompt under UEFI', async () => {
    const result = await bootImage({ image: `${output}.qcow2`, uefi: true, timeoutMs: BOOT_TIMEOUT });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    console.log(`UEFI boot of ${output}.qcow2 reached login in ${(result.elapsedMs / 1000).toFixed(1)}s (${result.accelerator})`);
  });

  it.concurrent('boots to a login prompt under BIOS too', async () => {
    const result = await bootImage({ image: `${output}.qcow2`, timeoutMs: BOOT_TIMEOUT });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    console.log(`BIOS boot of ${output}.qcow2 reached login in ${(result.elapsedMs / 1000).toFixed(1)}s (${result.accelerator})`);
  });

  it.concurrent('dib boot-test reports a boot that never shows the expected text', async () => {
    const r = await runDib(['boot-test', `${output}.qcow2`, '--expect', 'text-that-never-appears', '--timeout', '20']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_BOOT_TEST_FAILED');
  });
});

describe.runIf(isRoot)('disk build failures', () => {
  it('a failing mkfs leaves no mount or loop device and no output', async () => {
    const before = await hostState();
    const output = path.join(OUT, 'mkfs-fails');
    const r = await runDib(['create', '-o', output, '-t', 'qcow2', '--mkfs-options', '-O no_such_feature', 'debian-minimal'], { env: buildEnv(NO_INITRAMFS) });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('mkfs.ext4');
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
    expect(existsSync(`${output}.qcow2`)).toBe(false);
    expect(readdirSync(OUT).filter((f) => f.startsWith('.mkfs-fails'))).toEqual([]);
  });
});
