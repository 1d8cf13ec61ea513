import { readFileSync } from 'node:fs';
import { execa } from 'execa';

/** Mounts and loop devices on the host, to compare before and after a build. */
export interface HostState {
  mounts: string[];
  loops: string[];
}

export async function hostState(): Promise<HostState> {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[1]);
  const { stdout } = await execa('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { reject: false });
  return { mounts, loops: stdout.split('\n').filter(Boolean) };
}

/** What is mounted or attached now that was not in `before`. */
export async function leakedSince(before: HostState): Promise<HostState> {
  const now = await hostState();
  return { mounts: now.mounts.filter((m) => !before.mounts.includes(m)), loops: now.loops.filter((l) => !before.loops.includes(l)) };
}
