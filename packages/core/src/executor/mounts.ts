/** Mounts registered with the resource stack, so each one is always released. */
import { mkdirSync, readFileSync, readlinkSync, readdirSync } from 'node:fs';
import type { CommandRunner } from './runner.js';
import type { ResourceStack } from './resources.js';

/** Mount points currently under a directory, deepest first (from /proc/mounts). */
export function mountsUnder(dir: string): string[] {
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_, o) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => unescape(l.split(' ')[1] ?? ''))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Kills processes whose root or working directory is inside `dir` (daemons a hook started in the chroot). */
export function killProcessesUnder(dir: string): number {
  const pids = processesUnder(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return pids.length;
}

/** Processes whose root or working directory is `dir` or below it: what a hook left running in the image. */
export function processesUnder(dir: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    for (const link of ['root', 'cwd']) {
      try {
        const target = readlinkSync(`/proc/${pid}/${link}`);
        if (target === dir || target.startsWith(`${dir}/`)) {
          found.push(Number(pid));
          break;
        }
      } catch {
        // process gone or not ours to read
      }
    }
  }
  return found;
}

export async function unmount(runner: CommandRunner, target: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!mountsUnder(target).includes(target)) return;
    try {
      await runner.run('umount', [target], { label: 'umount', cleanup: true });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  // Still busy: detach lazily so nothing stays visible in /proc/mounts.
  await runner.run('umount', ['--lazy', target], { label: 'umount', cleanup: true });
}

/** Mounts and registers the release. `args` are mount(8) arguments before the target. */
export async function mountRegistered(runner: CommandRunner, resources: ResourceStack, args: readonly string[], target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  await runner.run('mount', [...args, target], { label: 'mount' });
  resources.push({ kind: 'mount', path: target }, () => unmount(runner, target));
}

/** Releases what `dib cleanup` finds: mounts (deepest first) and directories. */
export async function releaseLeftoverMount(runner: CommandRunner, target: string): Promise<void> {
  killProcessesUnder(target);
  for (const m of mountsUnder(target)) await unmount(runner, m);
}

/**
 * Mounts under the image that dib did not make: a hook made and left them (a tmpfs on
 * /mnt). Unmounted with a warning, so their content reaches no output and the build
 * directory can be removed. Run when the chroot closes and after every host phase.
 */
export async function releaseStrayMounts(root: string, runner: CommandRunner, resources: ResourceStack, warn: (message: string) => void): Promise<void> {
  for (const stray of mountsUnder(root)) {
    if (resources.holds('mount', stray)) continue;
    warn(`a hook left ${stray.slice(root.length) || '/'} mounted in the image; dib unmounted it (its content is not in the image)`);
    await unmount(runner, stray);
  }
}
