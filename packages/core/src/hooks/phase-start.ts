/**
 * A phase's scripts as run-parts sees them when the phase starts: DIB runs whatever is in
 * the phase directory then, so scripts an earlier phase linked in (install-types links
 * `install.d/<element>-<type>-install/*` during extra-data) run, and scripts removed do not.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { PHASES, type PhaseName } from '../contract/phases.js';
import type { HookEntry, HookTree } from './hook-tree.js';
import { RUNNABLE_NAME, isExecutable, sortRunParts } from './run-parts.js';

/** Element of a script added during the build that is not a copy of a known file. */
export const ADDED_DURING_BUILD = '(added during the build)';

export function hooksAtPhaseStart(tree: HookTree, hooksPath: string, phase: PhaseName): HookEntry[] {
  const dir = PHASES[phase].dir;
  const full = path.join(hooksPath, dir);
  const planned = tree.phases[phase];
  const typescript = planned.filter((h) => h.hostHook);
  const byName = new Map(planned.filter((h) => !h.hostHook).map((h) => [h.name, h]));
  const onDisk = existsSync(full) ? readdirSync(full) : [];
  const scripts = onDisk
    .filter((name) => RUNNABLE_NAME.test(name) && isRunnableFile(path.join(full, name)))
    .map((name) => byName.get(name) ?? { name, element: ownerOf(tree, hooksPath, path.join(full, name)), source: path.join(full, name) });
  return sortRunParts([...typescript, ...scripts], (h) => h.name);
}

const isRunnableFile = (file: string): boolean => {
  try {
    return statSync(file).isFile() && isExecutable(file);
  } catch {
    return false; // a dangling link: run-parts passes over it too
  }
};

/** The element whose file a linked script resolves to: the owner of the tree entry that holds it. */
function ownerOf(tree: HookTree, hooksPath: string, file: string): string {
  let relative: string;
  try {
    relative = path.relative(realpathSync(hooksPath), realpathSync(file));
  } catch {
    return ADDED_DURING_BUILD;
  }
  const parts = relative.split(path.sep);
  for (let n = parts.length; n > 0; n--) {
    const dir = parts.slice(0, n - 1).join('/');
    const hit = tree.files.find((f) => f.dir === dir && f.entry.name === parts[n - 1]);
    if (hit) return hit.entry.element;
  }
  return ADDED_DURING_BUILD;
}
