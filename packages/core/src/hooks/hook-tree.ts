/**
 * The merged hook tree: every element's hook directories as one set of named entries,
 * in run order, each knowing the element that owns it. Pure data: the builder copies
 * it to disk; the dry-run prints it.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { DibError } from '../errors.js';
import type { ResolvedElement } from '../elements/resolve.js';
import { isClassicTree } from '../elements/types.js';
import { PHASES, PHASE_NAMES, HOOK_DIRS, type PhaseName } from '../contract/phases.js';
import type { DiskHook, HostHook } from '../contract/manifest.js';
import { RUNNABLE_NAME, isExecutable, sortRunParts } from './run-parts.js';

export interface HookEntry {
  /** File name (or TypeScript hook name). */
  readonly name: string;
  readonly element: string;
  /** Absolute path of the file in the element; absent for TypeScript hooks. */
  readonly source?: string;
  /** Present for TypeScript hooks: host-phase hooks and disk steps. */
  readonly hostHook?: HostHook | DiskHook;
}

export interface HookTree {
  /** Runnable hooks of each phase, in run order. */
  readonly phases: Record<PhaseName, HookEntry[]>;
  /** environment.d files, in source order. */
  readonly environment: HookEntry[];
  /**
   * Every file-backed entry, copied into the tree on disk: phase dirs, environment.d, bin/,
   * static/, declared data dirs; for classic elements every directory and top-level file
   * (dir '' for the latter), as DIB lays its hook tree out.
   */
  readonly files: { dir: string; entry: HookEntry }[];
  readonly warnings: string[];
}

export function buildHookTree(elements: readonly ResolvedElement[]): HookTree {
  const owners = new Map<string, HookEntry>();
  const claim = (dir: string, entry: HookEntry) => {
    const key = `${dir}/${entry.name}`;
    const prior = owners.get(key);
    if (prior) {
      throw new DibError('DIB_E_HOOK_COLLISION', `${key} is shipped by both "${prior.element}" and "${entry.element}"`, {
        location: { element: entry.element, phase: dir, script: entry.name },
      });
    }
    owners.set(key, entry);
  };

  const phases = Object.fromEntries(PHASE_NAMES.map((p) => [p, [] as HookEntry[]])) as Record<PhaseName, HookEntry[]>;
  const environment: HookEntry[] = [];
  const files: { dir: string; entry: HookEntry }[] = [];
  const warnings: string[] = [];

  // Beside the core's directories, the data directories that elements in the build consume.
  const dirs = [...new Set([...HOOK_DIRS, ...elements.flatMap((el) => el.manifest.dataDirs)])];
  for (const el of elements) {
    const classic = isClassicTree(el);
    if (classic)
      for (const name of classicTopLevelFiles(el.directory)) files.push({ dir: '', entry: { name, element: el.name, source: path.join(el.directory, name) } });
    for (const dir of classic ? classicDirectories(el.directory) : dirs) {
      const full = path.join(el.directory, dir);
      if (!existsSync(full) || !statSync(full).isDirectory()) continue;
      for (const name of readdirSync(full)) {
        const source = path.join(full, name);
        const entry: HookEntry = { name, element: el.name, source };
        // Directories merge (static/usr, init-scripts/systemd, install.d/foo-source-install); only a file can collide.
        if (dir === 'static' || statSync(source).isDirectory()) {
          files.push({ dir, entry });
          continue;
        }
        claim(dir, entry);
        files.push({ dir, entry });
        const phase = PHASE_NAMES.find((p) => PHASES[p].dir === dir);
        if (dir === 'environment.d') environment.push(entry);
        else if (phase && statSync(source).isFile()) {
          // Elements keep data files (foo.conf, foo.sh) beside their scripts; only a name with a run-order number looks meant to run.
          if (!RUNNABLE_NAME.test(name)) {
            if (/^\d/.test(name)) warnings.push(`${el.name}: ${dir}/${name} is skipped: run-parts only runs names of letters, digits, "_" and "-"`);
          } else if (!isExecutable(source)) warnings.push(`${el.name}: ${dir}/${name} is skipped: it is not executable (chmod +x)`);
          else {
            requireInterpreterLine(source, el.name, phase, name);
            phases[phase].push(entry);
          }
        }
      }
    }
    for (const [phase, hooks] of Object.entries(el.manifest.hooks) as [PhaseName, HostHook[]][]) {
      for (const hook of hooks) {
        const entry: HookEntry = { name: hook.name, element: el.name, hostHook: hook };
        claim(PHASES[phase].dir, entry);
        phases[phase].push(entry);
      }
    }
  }
  for (const p of PHASE_NAMES) phases[p] = sortRunParts(phases[p], (e) => e.name);
  return { phases, environment: sortRunParts(environment, (e) => e.name), files, warnings };
}

/** A script without `#!` (and not a binary) fails with "Exec format error" when its phase comes; found here, before the build. */
function requireInterpreterLine(file: string, element: string, phase: PhaseName, script: string): void {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (head.subarray(0, 2).toString() === '#!' || head.toString('latin1') === '\x7fELF') return;
  throw new DibError('DIB_E_HOOK_NOT_RUNNABLE', `${PHASES[phase].dir}/${script} of element ${element} has no #! line`, {
    location: { element, phase, script },
  });
}

/** What DIB leaves out of an element when it builds the hook tree. */
const NOT_COPIED = new Set(['tests', '__pycache__']);

/** A classic element's subdirectories, all of them merged into the tree (DIB copies them whole). */
function classicDirectories(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !NOT_COPIED.has(name) && statSync(path.join(dir, name)).isDirectory())
    .sort();
}

/** A classic element's top-level files (source-repository-*, pkg-map, *.yaml...): copied to the tree's root, the last element's copy winning as in DIB. */
function classicTopLevelFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.pyc') && statSync(path.join(dir, name)).isFile())
    .sort();
}

/** The tree's files as TypeScript hooks see them (ctx.hookFiles): directory, name, owning element, source path. */
export const hookFilesOf = (tree: HookTree): { dir: string; name: string; element: string; source: string }[] =>
  tree.files.map(({ dir, entry }) => ({ dir, name: entry.name, element: entry.element, source: entry.source! }));
