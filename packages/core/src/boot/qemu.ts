/**
 * Boots an image in QEMU and watches the serial console for a text (a marker, or a
 * login prompt), with a hard timeout; the guest is always powered off at the end.
 * KVM is used when /dev/kvm is usable, software emulation otherwise. UEFI boots use
 * OVMF from the host.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { DibError } from '../errors.js';

export interface BootOptions {
  image: string;
  /** Firmware: BIOS (SeaBIOS) or UEFI (OVMF). */
  uefi?: boolean;
  /** Text (or pattern) on the serial console that means success. Default: a login prompt. */
  expect?: string | RegExp;
  timeoutMs?: number;
  memoryMiB?: number;
  /** qcow2, raw, vmdk, vhd (vpc); default from the file extension. */
  format?: string;
  /** Called with each chunk of console output. */
  onOutput?: (text: string) => void;
}

export interface BootResult {
  matched: boolean;
  /** Milliseconds from start to the expected text (or to the timeout). */
  elapsedMs: number;
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

async function attempt(options: BootOptions, accelerator: 'kvm' | 'tcg'): Promise<BootResult> {
  const expect = options.expect ?? LOGIN_PROMPT;
  const matcher = typeof expect === 'string' ? (s: string) => s.includes(expect) : (s: string) => expect.test(s);
  const timeoutMs = options.timeoutMs ?? 300_000;
  const args = [
    '-machine', `q35,accel=${accelerator}`,
    '-cpu', accelerator === 'kvm' ? 'host' : 'max',
    '-m', String(options.memoryMiB ?? 1024),
    '-smp', '1',
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    '-no-reboot',
    '-nic', 'user,model=virtio-net-pci',
    // snapshot=on: the test never changes the image it boots.
    '-drive', `file=${options.image},if=virtio,format=${options.format ?? formatOf(options.image)},snapshot=on`,
  ];
  if (options.uefi) {
    const ovmf = findOvmf();
    if (!ovmf) {
      throw new DibError('DIB_E_HOST_TOOL_MISSING', 'UEFI boot needs OVMF firmware, and none was found', { hint: 'apt-get install ovmf, or set DIB_OVMF to the firmware file.' });
    }
    args.push('-bios', ovmf);
  }

  const started = Date.now();
  let output = '';
  let matched = false;
  const child = execa('qemu-system-x86_64', args, { reject: false, stdin: 'ignore', buffer: false, stderr: 'pipe' });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      const text = d.toString('utf8');
      output += text;
      options.onOutput?.(text);
      // eslint-disable-next-line no-control-regex
      if (!matched && matcher(output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''))) {
        matched = true;
        clearTimeout(timer);
        resolve();
      }
    });
    void child.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  const elapsedMs = Date.now() - started;
  child.kill('SIGKILL'); // power off: nothing in the guest needs a clean shutdown (snapshot=on)
  const result = await child;
  if (!matched && !output && accelerator === 'tcg' && result.exitCode) {
    throw new DibError('DIB_E_BOOT_TEST_FAILED', `qemu-system-x86_64 exited with status ${result.exitCode}: ${stderr.trim()}`);
  }
  return { matched, elapsedMs, console: output, accelerator };
}

/** The last lines of a console, for error messages. */
export const consoleTail = (text: string, lines = 30) => text.replace(/\r/g, '').split('\n').slice(-lines).join('\n');
