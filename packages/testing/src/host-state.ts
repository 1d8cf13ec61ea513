import { readFileSync } from 'node:fs';
import { execa } from 'execa';

/** Mounts and loop devices on the host, to compare before and after a build. */
export interface HostState {
  mounts: string[];
  loops: string[];
}

/**
 * With TEST_WORKER_TMPDIR set (test files running side by side, each with its own TMPDIR),
 * only mounts and loop devices under that directory count: every mount and loop device a
 * build makes is under its build directory, and the other file's are not this one's.
 */
const inScope = (entry: string, scope = process.env.TEST_WORKER_TMPDIR) => !scope || entry.includes(`${scope}/`);

export async function hostState(): Promise<HostState> {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[1]);
  const { stdout } = await execa('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { reject: false });
  return { mounts: mounts.filter((m) => inScope(m)), loops: stdout.split('\n').filter((l) => l && inScope(l)) };
}

/** What is mounted or attached now that was not in `before`. */
export async function leakedSince(before: HostState): Promise<HostState> {
  const now = await hostState();
  return { mounts: now.mounts.filter((m) => !before.mounts.includes(m)), loops: now.loops.filter((l) => !before.loops.includes(l)) };
}

/**
 * Processes whose command line matches `pattern` (as `pgrep -a -f` prints them), less,
 * with TEST_WORKER_TMPDIR set, those whose command line and environment never name it: a
 * build's tools work under its build directory, so the other file's builds are left out.
 */
export async function processesMatching(pattern: string): Promise<string[]> {
  const { stdout } = await execa('pgrep', ['-a', '-f', pattern], { reject: false });
  const scope = process.env.TEST_WORKER_TMPDIR;
  return stdout
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      if (!scope) return true;
      const pid = line.split(' ')[0];
      try {
        return [`/proc/${pid}/cmdline`, `/proc/${pid}/environ`].some((f) => inScope(readFileSync(f, 'latin1').replaceAll('\0', ' ')));
      } catch {
        return false; // gone already
      }
    });
}
