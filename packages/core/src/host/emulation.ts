/**
 * What a build for a foreign architecture needs from the host: QEMU's user-mode
 * emulator for the target, registered with binfmt_misc so that the kernel runs the
 * target's programs through it, with the fix-binary (F) flag so that it also works
 * inside the image's chroot, where the emulator's path does not exist.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostTool } from '../contract/manifest.js';
import { DibError } from '../errors.js';

/** QEMU's names for dib's architectures (qemu-aarch64, /usr/lib/binfmt.d/qemu-aarch64.conf). */
const QEMU_NAMES: Readonly<Record<string, string>> = { amd64: 'x86_64', i386: 'i386', arm64: 'aarch64', armhf: 'arm', ppc64el: 'ppc64le', s390x: 's390x' };

const BINFMT = '/proc/sys/fs/binfmt_misc';
const BINFMT_CONF_DIRS = ['/usr/lib/binfmt.d', '/lib/binfmt.d', '/etc/binfmt.d'];

/** dib's name for the architecture this process runs on. */
export const hostArch = (): string =>
  ({ x64: 'amd64', arm64: 'arm64', ia32: 'i386', arm: 'armhf', ppc64: 'ppc64el', s390x: 's390x' })[process.arch as string] ?? process.arch;

/**
 * The host runs the target's programs itself: the same architecture, or the 32-bit one of
 * its family (i386 on amd64, armhf on arm64), for which Debian's qemu-user-static ships
 * no handler either.
 */
export const runsNatively = (arch: string, host = hostArch()): boolean =>
  arch === host || (arch === 'i386' && host === 'amd64') || (arch === 'armhf' && host === 'arm64');

/** The emulator a foreign build needs, as a host tool for the tool checks and `dib doctor`. */
export function emulationTools(arch: string, host = hostArch()): HostTool[] {
  const qemu = QEMU_NAMES[arch];
  if (runsNatively(arch, host) || !qemu) return [];
  return [{ anyOf: [`qemu-${qemu}-static`, `qemu-${qemu}`], apt: 'qemu-user-static', why: `running ${arch} programs of the image (binfmt_misc)` }];
}

export interface BinfmtState {
  arch: string;
  /** The handler's name in binfmt_misc (qemu-aarch64). */
  handler: string;
  /** What stops the host running the target's programs; undefined when nothing does. */
  problem?: string;
}

/** Whether binfmt_misc will run the target's programs; undefined when the host runs them natively. */
export function binfmtState(arch: string, host = hostArch(), root = BINFMT): BinfmtState | undefined {
  const qemu = QEMU_NAMES[arch];
  if (runsNatively(arch, host) || !qemu) return undefined;
  const handler = `qemu-${qemu}`;
  const state = (problem?: string): BinfmtState => ({ arch, handler, problem });
  if (!existsSync(path.join(root, 'status'))) return state(`binfmt_misc is not mounted at ${root}`);
  if (readFileSync(path.join(root, 'status'), 'utf8').trim() !== 'enabled') return state('binfmt_misc is disabled');
  const file = path.join(root, handler);
  if (!existsSync(file)) return state(`no binfmt_misc handler ${handler} is registered`);
  const entry = readFileSync(file, 'utf8');
  if (!/^enabled$/m.test(entry)) return state(`the binfmt_misc handler ${handler} is disabled`);
  // With F the kernel opened the emulator when the handler was registered: its path need
  // not exist here (a container whose host registered it), nor in the chroot.
  if (!/^flags:.*F/m.test(entry))
    return state(`the binfmt_misc handler ${handler} lacks the F (fix-binary) flag, so it cannot run programs inside the image's chroot`);
  return state();
}

/** Refuses a foreign build, before anything is created, when the host cannot run the target's programs. */
export function requireEmulation(arch: string): void {
  const state = binfmtState(arch);
  if (!state?.problem) return;
  throw new DibError('DIB_E_ARCH_EMULATION', `this ${hostArch()} host cannot run ${arch} programs: ${state.problem}`, {
    location: { key: 'arch' },
    hint: `Run \`dib doctor --fix -a ${arch}\` (installs qemu-user-static and registers ${state.handler}), or build on an ${arch} host.`,
  });
}

/**
 * Registers the target's handler as systemd-binfmt would, from the qemu-user-static
 * package's binfmt.d file: mounts binfmt_misc if needed, turns it on if it is off,
 * removes a handler registered badly (disabled, or without F), then writes the
 * package's line to `register`. Returns what it did, for `dib doctor --fix`.
 */
export async function enableEmulation(arch: string, mount: () => Promise<void>, root = BINFMT): Promise<string[]> {
  const done: string[] = [];
  const state = binfmtState(arch, hostArch(), root);
  if (!state?.problem) return done;
  if (!existsSync(path.join(root, 'status'))) {
    await mount();
    done.push(`mounted binfmt_misc at ${root}`);
  }
  if (readFileSync(path.join(root, 'status'), 'utf8').trim() !== 'enabled') {
    writeFileSync(path.join(root, 'status'), '1');
    done.push('turned binfmt_misc on');
  }
  if (!binfmtState(arch, hostArch(), root)?.problem) return done;
  const conf = BINFMT_CONF_DIRS.map((dir) => path.join(dir, `${state.handler}.conf`)).find((f) => existsSync(f));
  const line =
    conf &&
    readFileSync(conf, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(':'));
  if (!line)
    throw new DibError('DIB_E_ARCH_EMULATION', `no ${state.handler}.conf with a registration line in ${BINFMT_CONF_DIRS.join(', ')}`, {
      hint: 'apt-get install qemu-user-static',
    });
  const file = path.join(root, state.handler);
  if (existsSync(file)) {
    writeFileSync(file, '-1');
    done.push(`removed the old ${state.handler} handler`);
  }
  writeFileSync(path.join(root, 'register'), line);
  done.push(`registered ${state.handler} from ${conf}`);
  return done;
}
