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
  /** System emulator binary. */
  qemu: string;
  machine: string;
  /** CPU model under TCG (KVM uses the host's). */
  tcgCpu: string;
  /** The serial console's device in the guest, for a direct kernel boot's console=. */
  console: string;
  /** Boots through UEFI whatever --uefi says. */
  uefiOnly: boolean;
  /** UEFI firmware files, first found wins; DIB_OVMF (or DIB_AAVMF on arm64) overrides. */
  firmware: readonly string[];
  firmwareVariable: string;
  /** Debian package holding the emulator and the firmware, for hints. */
  packages: string;
}

const X86_FIRMWARE = ['/usr/share/ovmf/OVMF.fd', '/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/qemu/OVMF.fd', '/usr/share/edk2/ovmf/OVMF_CODE.fd'];

export const MACHINES: Readonly<Record<string, Machine>> = {
  amd64: {
    arch: 'amd64',
    qemu: 'qemu-system-x86_64',
    machine: 'q35',
    tcgCpu: 'max',
    console: 'ttyS0',
    uefiOnly: false,
    firmware: X86_FIRMWARE,
    firmwareVariable: 'DIB_OVMF',
    packages: 'qemu-system-x86 ovmf',
  },
  i386: {
    arch: 'i386',
    qemu: 'qemu-system-i386',
    machine: 'q35',
    tcgCpu: 'max',
    console: 'ttyS0',
    uefiOnly: false,
    firmware: ['/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd', '/usr/share/OVMF/OVMF32_CODE_4M.fd'],
    firmwareVariable: 'DIB_OVMF',
    packages: 'qemu-system-x86 ovmf-ia32',
  },
  arm64: {
    arch: 'arm64',
    qemu: 'qemu-system-aarch64',
    machine: 'virt',
    // Without pointer authentication: the max CPU's emulated PAC makes TCG several times slower.
    tcgCpu: 'cortex-a72',
    console: 'ttyAMA0',
    uefiOnly: true,
    firmware: ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/AAVMF/AAVMF_CODE.fd', '/usr/share/edk2/aarch64/QEMU_EFI.fd'],
    firmwareVariable: 'DIB_AAVMF',
    packages: 'qemu-system-arm qemu-efi-aarch64',
  },
};

export const BOOTABLE_ARCHES = Object.keys(MACHINES);

export function machineFor(arch: string): Machine {
  const machine = MACHINES[arch];
  if (!machine) {
    throw new DibError('DIB_E_ARGUMENT', `dib boot-test cannot boot ${arch} images; it boots ${BOOTABLE_ARCHES.join(', ')}`, {
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
