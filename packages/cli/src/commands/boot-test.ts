/** `dib boot-test IMAGE`: boots an image in QEMU and waits for a text on its serial console. */
import { canonicalArch, DibError } from '@dib/core';
import { bootImage, consoleTail, LOGIN_PROMPT, machineFor } from '@dib/qemu';
import { existsSync, writeFileSync } from 'node:fs';
import { command } from '../command.js';
import { recordedArch } from '../recorded-arch.js';
import { EXIT } from '../exit.js';

export const BOOT_TEST_USAGE = `Usage: dib boot-test IMAGE [-a ARCH] [--uefi] [--expect TEXT] [--timeout SECONDS]
       dib boot-test --kernel FILE [--initrd FILE] [--append TEXT] [IMAGE] [--disk FILE]...

Boots IMAGE (qcow2, raw, vmdk, vhd) in QEMU (KVM when available, software emulation
otherwise), or a kernel and ramdisk directly as PXE would, watches the serial console
until TEXT appears (default: a login prompt), then powers the guest off. Disks are
attached in snapshot mode: the files are never changed. Exits 0 when the text
appeared, 1 otherwise. The image's architecture picks the emulator: amd64 and i386
on the q35 machine (SeaBIOS, or OVMF with --uefi), arm64 on the virt machine with
the AAVMF UEFI firmware (qemu-system-arm and qemu-efi-aarch64).

Options:
  -a, --arch ARCH     the image's architecture, as dib create -a (default: the one
                      its build recorded in IMAGE.d/dib-packages, else amd64)
  --uefi              boot with OVMF (UEFI) instead of BIOS; arm64 always boots UEFI
  --kernel FILE       boot this kernel directly (e.g. OUTPUT.kernel of dib ramdisk)
  --initrd FILE       with --kernel: the initramfs
  --append TEXT       with --kernel: the kernel command line (default console=ttyS0,
                      console=ttyAMA0 on arm64)
  --disk FILE         attach another disk (repeatable)
  --memory MIB        guest RAM (default 1024; a ramdisk unpacks into it)
  --expect TEXT       text to wait for on the serial console
  --timeout SECONDS   give up after this long (default 300)
  --console FILE      write the whole serial console to FILE
  --json              print the result as JSON
  -h, --help          this help`;

const OPTIONS = {
  arch: { type: 'string', short: 'a' },
  uefi: { type: 'boolean' },
  kernel: { type: 'string' },
  initrd: { type: 'string' },
  append: { type: 'string' },
  disk: { type: 'string', multiple: true },
  memory: { type: 'string' },
  expect: { type: 'string' },
  timeout: { type: 'string' },
  console: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const bootTestCommand = command(BOOT_TEST_USAGE, OPTIONS, async (v, positionals, json) => {
  const [image] = positionals;
  if (positionals.length > 1 || (!image && !v.kernel)) throw new DibError('DIB_E_ARGUMENT', `name one image, or a kernel with --kernel\n\n${BOOT_TEST_USAGE}`);
  if (!v.kernel && (v.initrd || v.append)) throw new DibError('DIB_E_ARGUMENT', '--initrd and --append need --kernel');
  for (const file of [image, v.kernel, v.initrd, ...(v.disk ?? [])]) {
    if (file && !existsSync(file))
      throw new DibError('DIB_E_ARGUMENT', `${file} does not exist`, { hint: 'Check the path; relative paths are taken from the current directory.' });
  }
  const timeout = v.timeout === undefined ? 300 : Number(v.timeout);
  if (!(timeout > 0)) throw new DibError('DIB_E_ARGUMENT', `--timeout takes seconds, got "${v.timeout}"`);
  const memory = v.memory === undefined ? undefined : Number(v.memory);
  if (memory !== undefined && !(Number.isInteger(memory) && memory >= 128))
    throw new DibError('DIB_E_ARGUMENT', `--memory takes MiB (at least 128), got "${v.memory}"`);
  const recorded = v.arch ? undefined : recordedArch(image ?? v.kernel!);
  const arch = canonicalArch(v.arch ?? recorded?.arch ?? 'amd64');
  // One refusal for an architecture it cannot boot, in machineFor, saying where the name came from.
  const machine = machineFor(arch, v.arch ? `-a ${v.arch}` : recorded ? `${recorded.source} records ${arch}` : undefined);
  const result = await bootImage({
    arch,
    image,
    kernel: v.kernel,
    initrd: v.initrd,
    append: v.kernel ? (v.append ?? `console=${machine.console}`) : undefined,
    disks: (v.disk ?? []).map((file) => ({ file })),
    memoryMiB: memory,
    uefi: v.uefi,
    expect: v.expect ?? LOGIN_PROMPT,
    timeoutMs: timeout * 1000,
  });
  const booted = image ?? v.kernel!;
  const how = `${arch}, ${v.kernel ? 'direct kernel boot' : result.machine.firmware ? 'UEFI' : 'BIOS'}`;
  if (v.console) writeFileSync(v.console, result.console);
  const what = v.expect ? JSON.stringify(v.expect) : 'a login prompt';
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        image,
        kernel: v.kernel,
        arch,
        uefi: !!result.machine.firmware,
        expect: v.expect ?? 'login prompt',
        matched: result.matched,
        seconds: result.elapsedMs / 1000,
        accelerator: result.accelerator,
        ...result.machine,
      })}\n`,
    );
  } else if (result.matched) {
    process.stdout.write(`${booted}: reached ${what} after ${(result.elapsedMs / 1000).toFixed(1)}s (${how}, ${result.accelerator})\n`);
  }
  if (!result.matched) {
    throw new DibError(
      'DIB_E_BOOT_TEST_FAILED',
      `${booted} did not reach ${what} within ${timeout}s (${how}, ${result.accelerator}); last console lines:\n${consoleTail(result.console)}`,
    );
  }
  return EXIT.ok;
});
