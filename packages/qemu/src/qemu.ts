/**
 * Boots an image in QEMU and watches the serial console for a text (a marker, or a
 * login prompt), with a hard timeout; the guest is always powered off at the end.
 * KVM is used when /dev/kvm is usable and the guest's architecture is the host's,
 * software emulation otherwise. The machine and firmware follow the image's architecture
 * (machines.ts): OVMF for x86 UEFI, AAVMF on arm64's virt machine.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { DibError, runsNatively, which } from '@dib/core';
import { findFirmware, machineFor, MACHINES, type Machine } from './machines.js';

/** A disk attached to the guest. */
export interface BootDisk {
  file: string;
  /** Default from the file extension. */
  format?: string;
  /** Writes are kept (the default is snapshot=on: the guest never changes the file). */
  writable?: boolean;
}

/**
 * One step of a console conversation: wait for a text, then optionally type a line.
 * The guest echoes what is typed, so the next step's text should not appear in `send`
 * itself (type `echo $((6*7))` and expect `42`, not `echo ok` and `ok`).
 */
export interface BootStep {
  expect: string | RegExp;
  send?: string;
}

export interface BootOptions {
  /** The boot disk; optional when booting a kernel directly. */
  image?: string;
  /** More disks, after the boot disk (vdb, vdc, ... in a Linux guest). */
  disks?: readonly BootDisk[];
  /** Direct kernel boot (-kernel/-initrd/-append), as PXE would hand them over. */
  kernel?: string;
  initrd?: string;
  append?: string;
  /** Firmware: BIOS (SeaBIOS) or UEFI (OVMF); arm64 always boots UEFI. */
  uefi?: boolean;
  /** The image's architecture (dib's names); default amd64. Picks the emulator, machine and firmware. */
  arch?: string;
  /** Text (or pattern) on the serial console that means success. Default: a login prompt. */
  expect?: string | RegExp;
  /** A conversation instead of one expected text: each step waits for its text after the previous one. */
  steps?: readonly BootStep[];
  /** After the last step, wait for the guest to power off (it flushes its disks) instead of killing it. */
  untilExit?: boolean;
  timeoutMs?: number;
  memoryMiB?: number;
  /** qcow2, raw, vmdk, vhd (vpc); default from the file extension. */
  format?: string;
  /** Called with each chunk of console output. */
  onOutput?: (text: string) => void;
}

export interface BootResult {
  /** Every step matched (and, with untilExit, the guest powered off before the timeout). */
  matched: boolean;
  /** Milliseconds from start to the last expected text; with untilExit, to power-off (or the timeout). */
  elapsedMs: number;
  /** Milliseconds from start to each matched step. */
  marks: number[];
  /** QEMU's exit status when the guest powered off by itself. */
  exitCode?: number;
  /** Everything the guest printed on the serial console. */
  console: string;
  accelerator: 'kvm' | 'tcg';
  /** The emulator, machine and firmware used. */
  machine: { qemu: string; machine: string; cpu: string; firmware?: string };
}

export const LOGIN_PROMPT = /login: ?$/m;

/** x86 UEFI firmware (OVMF), or undefined when none is installed. */
export const findOvmf = (): string | undefined => findFirmware(MACHINES.amd64);

export function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const formatOf = (image: string) => ({ '.qcow2': 'qcow2', '.raw': 'raw', '.img': 'raw', '.vmdk': 'vmdk', '.vhd': 'vpc' })[path.extname(image)] ?? 'raw';

export async function bootImage(options: BootOptions): Promise<BootResult> {
  const machine = machineFor(options.arch ?? 'amd64');
  if (!(await which(machine.qemu))) {
    throw new DibError('DIB_E_HOST_TOOL_MISSING', `booting an ${machine.arch} image needs ${machine.qemu}, which is not installed`, {
      hint: `apt-get install ${machine.qemuPackage}`,
    });
  }
  const forced = process.env.DIB_QEMU_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') return attempt(options, machine, forced);
  if (runsNatively(machine.arch) && kvmUsable()) {
    // /dev/kvm can be there and still not work (nested or restricted hosts): QEMU then
    // dies at once with nothing on the console, and the boot is retried in software.
    const viaKvm = await attempt(options, machine, 'kvm');
    if (viaKvm.matched || viaKvm.console.length > 0 || viaKvm.elapsedMs > 15_000) return viaKvm;
  }
  return attempt(options, machine, 'tcg');
}

const driveArg = (d: BootDisk) => `file=${d.file},if=virtio,format=${d.format ?? formatOf(d.file)}${d.writable ? '' : ',snapshot=on'}`;

/** The UEFI firmware the boot needs, or undefined for a BIOS boot. */
function firmwareFor(options: BootOptions, machine: Machine): string | undefined {
  // QEMU loads a kernel given with -kernel itself, on the virt machine too.
  if (!options.uefi && (!machine.uefiOnly || options.kernel)) return undefined;
  const firmware = findFirmware(machine);
  if (!firmware) {
    throw new DibError('DIB_E_HOST_TOOL_MISSING', `a UEFI boot of an ${machine.arch} image needs its firmware, and none was found`, {
      hint: machine.firmwareHint,
    });
  }
  return firmware;
}

function qemuArgs(options: BootOptions, machine: Machine, accelerator: 'kvm' | 'tcg', firmware: string | undefined): string[] {
  const args = [
    '-machine',
    `${machine.machine},accel=${accelerator}`,
    '-cpu',
    accelerator === 'kvm' ? 'host' : machine.tcgCpu,
    '-m',
    String(options.memoryMiB ?? 1024),
    '-smp',
    '1',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
    '-nic',
    'user,model=virtio-net-pci',
  ];
  for (const d of [...(options.image ? [{ file: options.image, format: options.format }] : []), ...(options.disks ?? [])]) args.push('-drive', driveArg(d));
  if (options.kernel) args.push('-kernel', options.kernel);
  if (options.initrd) args.push('-initrd', options.initrd);
  if (options.append) args.push('-append', options.append);
  if (firmware) args.push('-bios', firmware);
  return args;
}

// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
/** Where the expected text ends in `text`, or -1. search() ignores a RegExp's g/y state. */
function matchEnd(expect: string | RegExp, text: string): number {
  if (typeof expect === 'string') {
    const at = text.indexOf(expect);
    return at < 0 ? -1 : at + expect.length;
  }
  const m = new RegExp(expect.source, expect.flags.replace(/[gy]/g, '')).exec(text);
  return m ? m.index + m[0].length : -1;
}

async function attempt(options: BootOptions, machine: Machine, accelerator: 'kvm' | 'tcg'): Promise<BootResult> {
  const steps: readonly BootStep[] = options.steps ?? [{ expect: options.expect ?? LOGIN_PROMPT }];
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = Date.now();
  let output = '';
  // The console without escape sequences; each step looks only after the previous match.
  let seen = '';
  let from = 0;
  const marks: number[] = [];
  const allMatched = () => marks.length === steps.length;
  const firmware = firmwareFor(options, machine);
  const child = execa(machine.qemu, qemuArgs(options, machine, accelerator, firmware), { reject: false, stdin: 'pipe', buffer: false, stderr: 'pipe' });
  let stderr = '';
  let exited = false;
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      output += text;
      seen += plain(text);
      options.onOutput?.(text);
      while (marks.length < steps.length) {
        const step = steps[marks.length];
        const end = matchEnd(step.expect, seen.slice(from));
        if (end < 0) break;
        marks.push(Date.now() - started);
        from += end;
        if (step.send !== undefined) child.stdin?.write(`${step.send}\n`);
      }
      if (allMatched() && !options.untilExit) done();
    });
    void child.then(() => {
      exited = true;
      done();
    });
  });
  const elapsedMs = allMatched() && !options.untilExit ? marks.at(-1)! : Date.now() - started;
  child.kill('SIGKILL'); // power off: nothing in the guest needs a clean shutdown (snapshot=on)
  const result = await child;
  const matched = allMatched() && (!options.untilExit || exited);
  if (!matched && !output && accelerator === 'tcg' && result.exitCode) {
    throw new DibError('DIB_E_BOOT_TEST_FAILED', `${machine.qemu} exited with status ${result.exitCode}: ${stderr.trim()}`);
  }
  const used = { qemu: machine.qemu, machine: machine.machine, cpu: accelerator === 'kvm' ? 'host' : machine.tcgCpu, firmware };
  return { matched, elapsedMs, marks, exitCode: exited ? result.exitCode : undefined, console: output, accelerator, machine: used };
}

/** The last lines of a console, for error messages. */
export const consoleTail = (text: string, lines = 30) => text.replace(/\r/g, '').split('\n').slice(-lines).join('\n');
