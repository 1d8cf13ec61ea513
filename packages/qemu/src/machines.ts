/**
 * How QEMU emulates each architecture dib builds for: the system emulator, the machine,
 * the CPU under software emulation, the serial console's name in the guest, and the
 * UEFI firmware files to look for. arm64 has no BIOS: its `virt` machine always boots
 * UEFI firmware (AAVMF).
 */
import { existsSync } from 'node:fs';
import { DibError } from '@dib/core';

export interface Machine {
  arch: string;
  /** System emulator binary, and the Debian package that has it. */
  qemu: string;
  qemuPackage: string;
  machine: string;
  /** CPU model under TCG (KVM uses the host's). */
  tcgCpu: string;
  /** The serial console's device in the guest, for a direct kernel boot's console=. */
  console: string;
  /** Boots through UEFI whatever --uefi says. */
  uefiOnly: boolean;
  /** UEFI firmware files, first found wins; DIB_OVMF (DIB_OVMF32 on i386, DIB_AAVMF on arm64) overrides. */
  firmware: readonly string[];
  firmwareVariable: string;
  /** What to do when the firmware is missing. */
  firmwareHint: string;
}

const X86_FIRMWARE = ['/usr/share/ovmf/OVMF.fd', '/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/qemu/OVMF.fd', '/usr/share/edk2/ovmf/OVMF_CODE.fd'];

export const MACHINES: Readonly<Record<string, Machine>> = {
  amd64: {
    arch: 'amd64',
    qemu: 'qemu-system-x86_64',
    qemuPackage: 'qemu-system-x86',
    machine: 'q35',
    tcgCpu: 'max',
    console: 'ttyS0',
    uefiOnly: false,
    firmware: X86_FIRMWARE,
    firmwareVariable: 'DIB_OVMF',
    firmwareHint: 'apt-get install ovmf, or set DIB_OVMF to the firmware file.',
  },
  i386: {
    arch: 'i386',
    qemu: 'qemu-system-i386',
    qemuPackage: 'qemu-system-x86',
    machine: 'q35',
    tcgCpu: 'max',
    console: 'ttyS0',
    uefiOnly: false,
    // Debian's ovmf-ia32 ships only a secure-boot build, which needs SMM and pflash
    // rather than -bios: a 32-bit OVMF built without it must be named.
    firmware: [],
    firmwareVariable: 'DIB_OVMF32',
    firmwareHint: "Set DIB_OVMF32 to a 32-bit OVMF built without secure boot (Debian's ovmf-ia32 has only the secure-boot build, which needs SMM).",
  },
  arm64: {
    arch: 'arm64',
    qemu: 'qemu-system-aarch64',
    qemuPackage: 'qemu-system-arm',
    machine: 'virt',
    // Without pointer authentication: the max CPU's emulated PAC makes TCG several times slower.
    tcgCpu: 'cortex-a72',
    console: 'ttyAMA0',
    uefiOnly: true,
    firmware: ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd', '/usr/share/edk2/aarch64/QEMU_EFI.fd'],
    firmwareVariable: 'DIB_AAVMF',
    firmwareHint: 'apt-get install qemu-efi-aarch64, or set DIB_AAVMF to the firmware file.',
  },
};

export const BOOTABLE_ARCHES = Object.keys(MACHINES);

/** The machine for an architecture; `from` says where the architecture came from, for the refusal. */
export function machineFor(arch: string, from = `-a ${arch}`): Machine {
  const machine = MACHINES[arch];
  if (!machine) {
    throw new DibError('DIB_E_ARGUMENT', `${from}: dib boot-test boots ${BOOTABLE_ARCHES.join(', ')} images, not ${arch}`, {
      location: { key: 'arch' },
      hint: `Boot the image on ${arch} hardware or with your own QEMU command line.`,
    });
  }
  return machine;
}

/** The UEFI firmware file for a machine, or undefined when none is installed. */
export function findFirmware(machine: Machine): string | undefined {
  return process.env[machine.firmwareVariable] ?? machine.firmware.find((f) => existsSync(f));
}
