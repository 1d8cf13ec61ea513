/**
 * Boots an image in QEMU and watches the serial console for a text (a marker, or a
 * login prompt), with a hard timeout; the guest is always powered off at the end.
 * KVM is used when /dev/kvm is usable, software emulation otherwise. UEFI boots use
 * OVMF from the host.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { DibError } from '@dib/core';

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
  /** Firmware: BIOS (SeaBIOS) or UEFI (OVMF). */
  uefi?: boolean;
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
}

export const LOGIN_PROMPT = /login: ?$/m;

const OVMF_CANDIDATES = ['/usr/share/ovmf/OVMF.fd', '/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/qemu/OVMF.fd', '/usr/share/edk2/ovmf/OVMF_CODE.fd'];

export function findOvmf(): string | undefined {
  return process.env.DIB_OVMF ?? OVMF_CANDIDATES.find((f) => existsSync(f));
}

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
  const forced = process.env.DIB_QEMU_ACCEL;
  if (forced === 'tcg' || forced === 'kvm') return attempt(options, forced);
  if (kvmUsable()) {
    // /dev/kvm can be there and still not work (nested or restricted hosts): QEMU then
    // dies at once with nothing on the console, and the boot is retried in software.
    const viaKvm = await attempt(options, 'kvm');
    if (viaKvm.matched || viaKvm.console.length > 0 || viaKvm.elapsedMs > 15_000) return viaKvm;
  }
  return attempt(options, 'tcg');
}

const driveArg = (d: BootDisk) => `file=${d.file},if=virtio,format=${d.format ?? formatOf(d.file)}${d.writable ? '' : ',snapshot=on'}`;

function qemuArgs(options: BootOptions, accelerator: 'kvm' | 'tcg'): string[] {
  const args = [
    '-machine',
    `q35,accel=${accelerator}`,
    '-cpu',
    accelerator === 'kvm' ? 'host' : 'max',
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
  if (options.uefi) {
    const ovmf = findOvmf();
    if (!ovmf) {
      throw new DibError('DIB_E_HOST_TOOL_MISSING', 'UEFI boot needs OVMF firmware, and none was found', {
        hint: 'apt-get install ovmf, or set DIB_OVMF to the firmware file.',
      });
    }
    args.push('-bios', ovmf);
  }
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

async function attempt(options: BootOptions, accelerator: 'kvm' | 'tcg'): Promise<BootResult> {
  const steps: readonly BootStep[] = options.steps ?? [{ expect: options.expect ?? LOGIN_PROMPT }];
  const timeoutMs = options.timeoutMs ?? 300_000;
  const started = Date.now();
  let output = '';
  // The console without escape sequences; each step looks only after the previous match.
  let seen = '';
  let from = 0;
  const marks: number[] = [];
  const allMatched = () => marks.length === steps.length;
  const child = execa('qemu-system-x86_64', qemuArgs(options, accelerator), { reject: false, stdin: 'pipe', buffer: false, stderr: 'pipe' });
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
    throw new DibError('DIB_E_BOOT_TEST_FAILED', `qemu-system-x86_64 exited with status ${result.exitCode}: ${stderr.trim()}`);
  }
  return { matched, elapsedMs, marks, exitCode: exited ? result.exitCode : undefined, console: output, accelerator };
}

/** The last lines of a console, for error messages. */
export const consoleTail = (text: string, lines = 30) => text.replace(/\r/g, '').split('\n').slice(-lines).join('\n');
