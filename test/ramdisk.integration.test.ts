/**
 * Ramdisks, proved by booting them under QEMU with -kernel/-initrd, as PXE hands them
 * over: a deploy ramdisk (debian-minimal + deploy + a test element) whose troubleshoot
 * shell answers, which refuses an image with a wrong checksum, and which writes a real
 * image from a loopback HTTP server to the disk its rule picks; that disk then boots on
 * its own. The image is a baremetal build, whose vmlinuz and initrd also boot its root.
 * The deploy ramdisk carries mellanox too, with one of its modules left out of the
 * ramdisk: /init logs that module and goes on.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootImage, hostState, leakedSince, runDib, type BootDisk, type DibRun, type HostState, serveDirectory, type FileServer } from '@dib/testing';
import { bootToMarker, buildEnv, isRoot, OUT, VIRTUAL_INITRAMFS } from './helpers.js';

const RAMDISK = path.join(OUT, 'deploy-ramdisk');
const IMAGE = path.join(OUT, 'baremetal');
const BOOT_TIMEOUT = 8 * 60_000;
// The ramdisk unpacks into RAM, and the deploy downloads the image into RAM too.
const MEMORY_MIB = 2048;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** A module mellanox loads, kept out of the ramdisk beside ramdisk-base's default exclusions. */
const ABSENT_MODULE = 'ib_umad';
const ramdiskEnv = async () => {
  const base = (await import('@dib/element-ramdisk-base')).default.env?.DIB_RAMDISK_MODULES_EXCLUDE?.default;
  if (base === undefined) throw new Error('ramdisk-base no longer has a default DIB_RAMDISK_MODULES_EXCLUDE');
  return buildEnv({ DIB_RAMDISK_MODULES_EXCLUDE: `${base} kernel/drivers/infiniband/core/${ABSENT_MODULE}.ko*` });
};

async function blankDisk(name: string, size: string): Promise<BootDisk> {
  const file = path.join(OUT, `${name}.qcow2`);
  rmSync(file, { force: true });
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', file, size]);
  return { file, format: 'qcow2', writable: true };
}

/** True when nothing was ever written to the disk (qcow2 allocates on write). */
async function unwritten(disk: BootDisk): Promise<boolean> {
  const map = JSON.parse((await execa('qemu-img', ['map', '--output=json', disk.file])).stdout) as { data: boolean }[];
  return map.every((extent) => !extent.data);
}

/** Runs cpio with ARGS on the unpacked zstd initramfs; its stdout. */
const cpioOf = async (file: string, ...args: string[]) =>
  (await execa('sh', ['-c', 'file=$1; shift; zstd -dc "$file" | cpio --quiet "$@"', 'cpio', file, ...args])).stdout;

describe.runIf(isRoot)('ramdisks: dib ramdisk, deploy, baremetal', () => {
  let before: HostState;
  let ramdisk: DibRun;
  let image: DibRun;
  let server: FileServer;
  let deployAppend: (checksum: string) => string;

  beforeAll(async () => {
    before = await hostState();
    ramdisk = await runDib(['ramdisk', '-o', RAMDISK, 'debian-minimal', 'deploy', 'ramdisk-marker', 'mellanox'], { env: await ramdiskEnv() });
    image = await runDib(['create', '-o', IMAGE, '-t', 'qcow2', '--checksum', 'debian-minimal', 'vm', 'baremetal', 'issue-marker'], {
      env: buildEnv(VIRTUAL_INITRAMFS),
    });
    server = await serveDirectory(OUT);
    deployAppend = (checksum) =>
      `console=ttyS0 dib.deploy.url=${server.guestUrl(`${path.basename(IMAGE)}.qcow2`)} dib.deploy.checksum=${checksum} dib.deploy.after=poweroff`;
  });
  afterAll(async () => server?.close());

  it('dib ramdisk writes the kernel and a zstd initramfs and prints their sizes', async () => {
    expect(ramdisk.exitCode, ramdisk.stderr + ramdisk.stdout.slice(-3000)).toBe(0);
    expect(ramdisk.stdout).toMatch(/deploy-ramdisk\.kernel \(\d+\.\d MiB\)/);
    expect(ramdisk.stdout).toMatch(/deploy-ramdisk\.initramfs \(\d+\.\d MiB\)/);
    expect((await execa('file', ['--brief', `${RAMDISK}.kernel`])).stdout).toMatch(/Linux kernel x86 boot executable/);
    expect(readFileSync(`${RAMDISK}.initramfs`).subarray(0, 4).toString('hex')).toBe('28b52ffd');
    console.log(
      `ramdisk: initramfs ${(statSync(`${RAMDISK}.initramfs`).size / 2 ** 20).toFixed(1)} MiB, kernel ${(statSync(`${RAMDISK}.kernel`).size / 2 ** 20).toFixed(1)} MiB`,
    );
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });

  it('holds binary-deps.d executables with their libraries, modules with indexes, and udev.d rules', async () => {
    const entries = (await cpioOf(`${RAMDISK}.initramfs`, '--list')).split('\n');
    for (const member of [
      'init',
      'usr/bin/busybox',
      'usr/bin/sh',
      'usr/bin/udevadm',
      'usr/bin/curl',
      'usr/bin/qemu-img',
      'usr/bin/lsblk',
      'etc/udev/rules.d/90-ramdisk-marker.rules',
    ]) {
      expect(entries, member).toContain(member);
    }
    // lsblk's own library, found by the image's ldd.
    expect(entries.some((e) => /^usr\/lib\/x86_64-linux-gnu\/libsmartcols\.so\.1/.test(e))).toBe(true);
    expect(entries.some((e) => /^usr\/lib\/modules\/[^/]+\/modules\.alias$/.test(e))).toBe(true);
    expect(entries.some((e) => /\/kernel\/drivers\/block\/virtio_blk\.ko/.test(e))).toBe(true);
    expect(entries.some((e) => /\/kernel\/sound\//.test(e))).toBe(false);
  });

  it('finds the dlopen libraries even when ldconfig -p prints more than a pipe holds (no SIGPIPE, status 141)', async () => {
    expect(readFileSync(`${RAMDISK}.log`, 'utf8')).toMatch(/ldconfig -p now prints \d{7,} bytes/);
    const entries = (await cpioOf(`${RAMDISK}.initramfs`, '--list')).split('\n');
    expect(entries.some((e) => /^usr\/lib\/x86_64-linux-gnu\/libkmod\.so\.2/.test(e))).toBe(true);
  });

  it('/init runs the init.d fragments in run-parts order, and is valid sh', async () => {
    const init = await cpioOf(`${RAMDISK}.initramfs`, '--extract', '--to-stdout', 'init');
    const order = ['10-ramdisk-network', '20-ramdisk-marker', '50-deploy'].map((f) => init.indexOf(`dib_fragment '${f} (element `));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const check = await execa('sh', ['-n'], { input: init, reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it('with troubleshoot on the command line, gives a shell on the console; the fragments run when it exits', async () => {
    const result = await bootImage({
      kernel: `${RAMDISK}.kernel`,
      initrd: `${RAMDISK}.initramfs`,
      append: 'console=ttyS0 troubleshoot dib.net=off',
      memoryMiB: MEMORY_MIB,
      timeoutMs: BOOT_TIMEOUT,
      steps: [
        { expect: 'dib-ramdisk# ', send: 'echo shell-says-$((6 * 7)) on $(uname -r)' },
        { expect: /shell-says-42 on \S+/, send: 'exit' },
        { expect: `mellanox: module ${ABSENT_MODULE} not available, skipped` },
        { expect: 'dib-test-marker: the init.d fragment of ramdisk-marker ran' },
        { expect: 'deploy: no dib.deploy.url on the kernel command line' },
      ],
    });
    expect(result.matched, result.console.slice(-4000)).toBe(true);
    // The other mellanox modules are in the ramdisk and load (udev or the fragment): no line for them.
    for (const module of ['mlx4_en', 'mlx4_ib', 'mlx5_ib', 'ib_ipoib', 'ib_uverbs'])
      expect(result.console).not.toContain(`mellanox: module ${module} not available`);
    console.log(`troubleshoot shell after ${seconds(result.marks[0])}, marker after ${seconds(result.marks[3])} (${result.accelerator})`);
  });

  // Both fail the build before any output is written, and leave nothing mounted.
  it.each([
    {
      what: 'a binary-deps.d name the image lacks fails the build, naming the element and the binary',
      element: 'ramdisk-missing-binary',
      code: 'DIB_E_RAMDISK_BINARY_MISSING',
      message: 'binary-deps.d/ramdisk-missing-binary of element "ramdisk-missing-binary" names "no-such-tool-dib-test", which is not on the PATH in the image',
      at: 'at: element ramdisk-missing-binary, phase post-root, script binary-deps.d/ramdisk-missing-binary',
    },
    {
      what: 'an init.d fragment that is not valid sh fails the build, naming it, instead of a ramdisk that panics',
      element: 'ramdisk-bad-fragment',
      code: 'DIB_E_HOOK_FAILED',
      message:
        'init.d/30-ramdisk-bad-fragment of element "ramdisk-bad-fragment" is not valid sh for the ramdisk\'s busybox:\n  init.d/30-ramdisk-bad-fragment: line 3: syntax error',
      at: 'at: element ramdisk-bad-fragment, phase cleanup, script init.d/30-ramdisk-bad-fragment',
    },
  ])('$what', async ({ element, code, message, at }) => {
    const output = path.join(OUT, element);
    const run = await runDib(['ramdisk', '-o', output, 'debian-minimal', 'ramdisk', element], { env: buildEnv() });
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain(`${code}: `);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(at);
    expect(existsSync(`${output}.initramfs`) || existsSync(`${output}.kernel`)).toBe(false);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });

  it('baremetal writes vmlinuz and initrd beside the image, and they boot its root filesystem', async () => {
    expect(image.exitCode, image.stderr + image.stdout.slice(-3000)).toBe(0);
    expect(statSync(`${IMAGE}.vmlinuz`).size).toBeGreaterThan(4_000_000);
    expect(statSync(`${IMAGE}.initrd`).size).toBeGreaterThan(4_000_000);
    // Through the CLI, as a user checks a PXE pair.
    const consoleFile = `${IMAGE}.direct-boot.console`;
    const boot = await bootToMarker(
      [`${IMAGE}.qcow2`, '--kernel', `${IMAGE}.vmlinuz`, '--initrd', `${IMAGE}.initrd`, '--append', 'root=LABEL=cloudimg-rootfs ro console=ttyS0'],
      BOOT_TIMEOUT,
      consoleFile,
    );
    expect(boot.exitCode, boot.stderr).toBe(0);
    // --console saved what the boot showed: the text boot-test waited for is in it. (Not a
    // longer line: an emulated serial port under load can drop a byte of the kernel's.)
    expect(readFileSync(consoleFile, 'utf8')).toContain('dib-test-image-marker');
    console.log(boot.stdout.trim());
  });

  it('refuses an image whose checksum does not match, and leaves the disk unwritten', async () => {
    const target = await blankDisk('deploy-refused', '4G');
    const result = await bootImage({
      kernel: `${RAMDISK}.kernel`,
      initrd: `${RAMDISK}.initramfs`,
      append: deployAppend(`sha256:${'0'.repeat(64)}`),
      disks: [target],
      memoryMiB: MEMORY_MIB,
      timeoutMs: BOOT_TIMEOUT,
      steps: [
        { expect: /FAILED: deploy: checksum mismatch for \S+: expected sha256 0{64}, got [0-9a-f]{64}; the target disk was not written/ },
        { expect: 'dib-ramdisk# ' },
      ],
    });
    expect(result.matched, result.console.slice(-4000)).toBe(true);
    expect(server.requests).toContain('baremetal.qcow2');
    expect(await unwritten(target)).toBe(true);
  });

  it('deploys the image to the smallest disk that holds it, powers off, and that disk boots on its own', async () => {
    const [sha256] = readFileSync(`${IMAGE}.qcow2.sha256`, 'utf8').split(/\s+/);
    // vda is too big to be the smallest, vdb too small for the image: the rule picks vdc.
    const disks = [await blankDisk('deploy-big', '8G'), await blankDisk('deploy-small', '64M'), await blankDisk('deploy-target', '4G')];
    const deploy = await bootImage({
      kernel: `${RAMDISK}.kernel`,
      initrd: `${RAMDISK}.initramfs`,
      append: deployAppend(`sha256:${sha256}`),
      disks,
      memoryMiB: MEMORY_MIB,
      timeoutMs: BOOT_TIMEOUT,
      steps: [{ expect: 'network: eth0 has' }, { expect: 'sha256 checksum matches' }, { expect: /dib-deploy: deploy done: \S+ written to \/dev\/vdc/ }],
      untilExit: true,
    });
    expect(deploy.matched, deploy.console.slice(-4000)).toBe(true);
    console.log(
      `deploy: network up ${seconds(deploy.marks[0])}, checksum ${seconds(deploy.marks[1])}, deploy done ${seconds(deploy.marks[2])} after power-on; powered off after ${seconds(deploy.elapsedMs)}`,
    );
    expect(await unwritten(disks[0])).toBe(true);
    expect(await unwritten(disks[1])).toBe(true);
    // The written disk holds the image's bytes; past its end, only zeros.
    const compare = await execa('qemu-img', ['compare', `${IMAGE}.qcow2`, disks[2].file], { reject: false });
    expect(compare.exitCode, compare.stdout + compare.stderr).toBe(0);

    const boot = await bootImage({ image: disks[2].file, timeoutMs: BOOT_TIMEOUT, expect: 'dib-test-image-marker' });
    expect(boot.matched, boot.console.slice(-4000)).toBe(true);
    console.log(`the deployed disk reached the image's marker in ${seconds(boot.elapsedMs)}`);
  });
});
