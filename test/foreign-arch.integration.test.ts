/**
 * A foreign architecture end to end: `debian-minimal vm -a arm64` built on this amd64 host with
 * every program of the image run by qemu-user through binfmt_misc, then booted under
 * qemu-system-aarch64 (virt machine, AAVMF UEFI firmware, software emulation) to a
 * marker getty prints with the machine's architecture; an arm64 ramdisk booted with
 * -kernel/-initrd to its init fragment. Also the refusals: a host that cannot run the
 * target's programs, before anything is created.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { binfmtState, hostArch } from '@dib/core';
import { hostState, leakedSince, runDib, type DibRun } from '@dib/testing';
import { bootToMarker, buildEnv, isRoot, OUT, VIRTUAL_INITRAMFS } from './helpers.js';

const BOOT_TIMEOUT = 10 * 60_000;
const ARM64 = binfmtState('arm64');
/** The host runs arm64 programs (natively, or through a registered emulator). */
const runsArm64 = !ARM64?.problem;
const sfdiskJson = async (file: string) => JSON.parse((await execa('sfdisk', ['--json', file])).stdout).partitiontable;

/** The machine type in a PE/COFF header (0xaa64 for arm64, 0x8664 for x86_64). */
function peMachine(file: string): number {
  const bytes = readFileSync(file);
  const pe = bytes.readUInt32LE(0x3c);
  expect(bytes.subarray(pe, pe + 4).toString('latin1')).toBe('PE\0\0');
  return bytes.readUInt16LE(pe + 4);
}

describe.runIf(isRoot && runsArm64)('debian-minimal vm -a arm64 (qemu-user build, qemu-system-aarch64 boot)', () => {
  const output = path.join(OUT, 'arm64-vm');
  let run: DibRun;
  beforeAll(async () => {
    const started = Date.now();
    // raw only: the suite's time is short, and a qcow2 conversion proves nothing arm64.
    // debian-minimal: every program runs emulated, and debian's cloud-init with its Python
    // stack took 245 s of a 300 s build and half of the boot; nothing in it is arm64's own.
    run = await runDib(['create', '-a', 'aarch64', '-o', output, '-t', 'raw', 'debian-minimal', 'vm', 'issue-marker'], {
      env: buildEnv(VIRTUAL_INITRAMFS),
    });
    console.log(`arm64 build on ${hostArch()}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  });

  it('builds, with block-device-efi chosen for vm as DIB chooses it on arm64', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    const elements = readFileSync(`${output}.d/dib-element-list`, 'utf8');
    expect(elements).toMatch(/\bblock-device-efi\b/);
    expect(elements).not.toMatch(/\bblock-device-mbr\b/);
  });

  it("installs the arm64 kernel and GRUB's arm64 EFI modules, and no x86 boot code", () => {
    const packages = readFileSync(`${output}.d/dib-packages`, 'utf8');
    // name, architecture, version, KiB
    expect(packages).toMatch(/^linux-image-arm64\tarm64\t/m);
    expect(packages).toMatch(/^grub-efi-arm64-bin\tarm64\t/m);
    expect(packages).not.toMatch(/^grub-pc-bin\t/m);
    expect(packages).not.toMatch(/\tamd64\t/);
  });

  it('puts an arm64 GRUB at the removable-media path of the ESP (BOOTAA64.EFI)', async () => {
    const table = await sfdiskJson(`${output}.raw`);
    expect(table.label).toBe('gpt');
    expect(table.partitions[0].name).toBe('ESP');
    const esp = `${output}.raw@@${table.partitions[0].start * 512}`;
    const { stdout } = await execa('mdir', ['-i', esp, '-b', '::/EFI/BOOT']);
    expect(stdout).toMatch(/BOOTAA64\.EFI/i);
    expect(stdout).not.toMatch(/BOOTX64\.EFI/i);
    const loader = path.join(OUT, 'arm64-vm.BOOTAA64.EFI');
    await execa('mcopy', ['-o', '-i', esp, '::/EFI/BOOT/BOOTAA64.EFI', loader]);
    expect(peMachine(loader).toString(16)).toBe('aa64');
  });

  it('boots under qemu-system-aarch64 (virt, AAVMF), the architecture read from the build, to the marker getty prints with the machine: aarch64', async () => {
    const consoleFile = `${output}.boot.console`;
    // No -a: boot-test takes the architecture the build recorded in arm64-vm.d/dib-packages.
    // The issue line ends "on aarch64" (getty's \m): waiting for that end keeps the whole line in the console.
    const boot = await bootToMarker([`${output}.raw`, '--json'], BOOT_TIMEOUT, consoleFile, ' on aarch64');
    expect(boot.exitCode, boot.stderr).toBe(0);
    const result = JSON.parse(boot.stdout);
    expect(result).toMatchObject({ arch: 'arm64', uefi: true, matched: true, qemu: 'qemu-system-aarch64', machine: 'virt' });
    expect(result.firmware).toMatch(/AAVMF|QEMU_EFI/);
    const text = readFileSync(consoleFile, 'utf8');
    expect(text).toMatch(/dib-test-image-marker [^\n]* on aarch64/);
    console.log(`arm64 boot to the marker: ${result.seconds}s (${result.accelerator}, ${result.cpu})`);
  });
});

describe.runIf(isRoot && runsArm64)('dib ramdisk -a arm64', () => {
  const output = path.join(OUT, 'arm64-ramdisk');
  let run: DibRun;
  beforeAll(async () => {
    const started = Date.now();
    run = await runDib(['ramdisk', '-a', 'arm64', '-o', output, 'debian-minimal', 'ramdisk-marker'], { env: buildEnv() });
    console.log(`arm64 ramdisk build on ${hostArch()}: ${((Date.now() - started) / 1000).toFixed(1)}s`);
  });

  it("holds the arm64 kernel (an Image: 'ARM\\x64' at 0x38) and the image's arm64 busybox", async () => {
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readFileSync(`${output}.kernel`).subarray(0x38, 0x3c).toString('latin1')).toBe('ARMd');
    const busybox = await execa('sh', [
      '-c',
      'zstd -dc "$1" | cpio --quiet -i --to-stdout usr/bin/busybox | head -c 20 | od -An -tx1',
      'sh',
      `${output}.initramfs`,
    ]);
    // ELF, 64-bit, little-endian; e_machine 0xb7 (AArch64) at offset 18.
    expect(busybox.stdout.replace(/\s+/g, ' ').trim()).toMatch(/^7f 45 4c 46 02 01 .* b7 00$/);
  });

  it('boots with -kernel/-initrd under qemu-system-aarch64 (no firmware, console ttyAMA0) to its init.d fragment', async () => {
    const boot = await runDib(['boot-test', '--kernel', `${output}.kernel`, '--initrd', `${output}.initramfs`, '--expect', 'dib-test-marker', '--json']);
    expect(boot.exitCode, boot.stderr).toBe(0);
    const result = JSON.parse(boot.stdout);
    expect(result).toMatchObject({ arch: 'arm64', uefi: false, matched: true, qemu: 'qemu-system-aarch64', machine: 'virt' });
    console.log(`arm64 ramdisk boot to its init fragment: ${result.seconds}s (${result.accelerator})`);
  });
});

describe.runIf(isRoot)('architectures the host cannot run', () => {
  // s390x: no test registers its handler; on a host that has one, there is nothing to refuse.
  const s390x = binfmtState('s390x');

  it.runIf(!!s390x?.problem)('refuses a build before anything is created, naming what is missing and the fix', async () => {
    const before = await hostState();
    const output = path.join(OUT, 'refused-s390x');
    // A tree: vm's bootloader would refuse s390x first, when the build is planned (below).
    const result = await runDib(['create', '-a', 's390x', '-o', output, '-t', 'tar', 'debian']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/DIB_E_ARCH_EMULATION/);
    expect(result.stderr).toContain('s390x');
    expect(result.stderr).toMatch(/dib doctor --fix -a s390x/);
    expect(readdirSync(OUT).filter((f) => f.startsWith('refused-s390x'))).toEqual([]);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });

  it('refuses a bootable disk for an architecture the bootloader has no boot code for, when planned', async () => {
    const result = await runDib(['create', '--dry-run', '-a', 's390x', '-o', path.join(OUT, 'refused-s390x-vm'), 'debian', 'vm']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('DIB_E_ARCH_UNSUPPORTED');
    expect(result.stderr).toContain('element bootloader does not work on s390x; it supports amd64, i386, arm64');
    expect(result.stderr).toContain('dependency of vm');
  });

  it('refuses an architecture dib does not know, before planning', async () => {
    const result = await runDib(['create', '-a', 'sparc', '-o', path.join(OUT, 'refused-sparc'), 'debian', 'vm']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/not an architecture dib builds for: "sparc"; use amd64, arm64/);
    expect(existsSync(path.join(OUT, 'refused-sparc.qcow2'))).toBe(false);
  });

  it.runIf(hostArch() !== 'arm64')('lists the emulator and its handler in dib doctor -a arm64 --json', async () => {
    const result = await runDib(['doctor', '-a', 'arm64', '--json', 'debian', 'vm']);
    const rows = JSON.parse(result.stdout) as { tools: string[]; found: string | null; neededBy: string }[];
    expect(rows.find((r) => r.tools.includes('qemu-aarch64-static'))).toMatchObject({ neededBy: '-a arm64' });
    expect(rows.find((r) => r.tools[0] === 'binfmt_misc:qemu-aarch64')).toMatchObject({ neededBy: '-a arm64', found: runsArm64 ? 'qemu-aarch64' : null });
  });
});
