/** `dib cleanup`: releases what a killed build left behind (mounts, build directories), from its state file. */
import { existsSync, rmSync } from 'node:fs';
import { CommandRunner, findLeftovers, mountsUnder, releaseLeftoverMount } from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const CLEANUP_USAGE = `Usage: dib cleanup

Finds builds that ended without releasing their resources (killed with SIGKILL, power
loss) and releases them: unmounts their mounts and removes their build directories.`;

export const cleanupCommand = command(CLEANUP_USAGE, {}, async () => {
  const runner = new CommandRunner(() => {});
  const leftovers = findLeftovers();
  if (leftovers.length === 0) process.stdout.write('nothing to clean up\n');
  for (const state of leftovers) {
    process.stdout.write(`build ${state.file} (pid ${state.pid}, gone):\n`);
    for (const r of [...state.resources].reverse()) {
      if (r.kind === 'mount' || (r.kind === 'dir' && mountsUnder(r.path).length > 0)) {
        await releaseLeftoverMount(runner, r.path);
        process.stdout.write(`  unmounted ${r.path} and everything under it\n`);
      }
      if (r.kind !== 'mount' && existsSync(r.path) && mountsUnder(r.path).length === 0) {
        rmSync(r.path, { recursive: true, force: true });
        process.stdout.write(`  removed ${r.path}\n`);
      }
    }
    rmSync(state.file, { force: true });
  }
  return EXIT.ok;
});
