/** `dib cleanup`: releases what a killed build left behind (mounts, build directories, partial files), from its state file. */
import { existsSync, rmSync } from 'node:fs';
import { CommandRunner, DibError, findLeftovers, mountsUnder, releaseLeftoverMount, requireRoot, stateDir, stillRunning } from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const CLEANUP_USAGE = `Usage: dib cleanup

Finds builds that ended without releasing their resources (killed with SIGKILL, power
loss) and releases them: unmounts their mounts, removes their build directories and
partial output files. Only what is provably dib's is touched: a state file naming
anything else is reported and kept, and the command exits 1. Needs root.`;

export const cleanupCommand = command(CLEANUP_USAGE, {}, async (_values, positionals) => {
  if (positionals.length) throw new DibError('DIB_E_ARGUMENT', `dib cleanup takes no arguments, got "${positionals.join(' ')}"`);
  requireRoot('releasing the mounts of a killed build needs root', 'Run it as root: sudo dib cleanup.');
  const runner = new CommandRunner(() => {});
  const { builds, unreadable } = findLeftovers();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (builds.length === 0 && unreadable.length === 0) say('nothing to clean up');
  let clean = true;
  for (const { file, reason } of unreadable) {
    clean = false;
    say(`state ${file}: not a dib state file (${reason}); kept. Check for mounts under ${'${TMPDIR}'}/dib_build.* and remove the file by hand.`);
  }
  for (const build of builds) {
    say(`build ${build.file} (pid ${build.pid}, gone):`);
    for (const r of build.release) {
      if (r.kind === 'process') {
        const pid = stillRunning(r);
        if (pid) {
          killGroup(pid);
          say(`  killed process group ${pid}, still running for the killed build`);
        }
        continue;
      }
      if (r.kind === 'mount' || (r.kind === 'dir' && mountsUnder(r.path).length > 0)) {
        await releaseLeftoverMount(runner, r.path);
        say(`  unmounted ${r.path} and everything under it`);
      }
      if (r.kind !== 'mount' && existsSync(r.path) && mountsUnder(r.path).length === 0) {
        rmSync(r.path, { recursive: true, force: true });
        say(`  removed ${r.path}`);
      }
    }
    for (const { record, reason } of build.refused) say(`  left alone: ${record.kind} ${record.path}: ${reason}`);
    if (build.refused.length) clean = false;
    else rmSync(build.file, { force: true });
  }
  if (!clean) say(`some state files in ${stateDir()} were kept; see above`);
  return clean ? EXIT.ok : EXIT.failed;
});

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
