import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { INIT_SYSTEM_NAMES, isInitSystem } from './init-systems.js';

/** The directory, in an element and in the hook tree, of the files each init system gets. */
export const INIT_SCRIPTS_DIR = 'init-scripts';

/** Paths of the files under `dir`, relative to it, sorted; symbolic links count as files. */
function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel))
    .sort()
    .flatMap((name) => {
      const relPath = path.posix.join(rel, name);
      return lstatSync(path.join(dir, relPath)).isDirectory() ? filesUnder(dir, relPath) : [relPath];
    });
}

/**
 * extra-data: brings the init-scripts/ directory of every package element into the hook
 * tree, where install.d/20-dib-init-system-scripts finds it in the chroot. The core
 * merges that directory for classic elements (an ELEMENTS_PATH directory, or a package
 * with classicTree) itself; those are left as they are.
 */
export function collectInitScripts(ctx: HostHookContext): void {
  const mergedByCore = new Set(ctx.hookFiles.filter((f) => f.dir === INIT_SCRIPTS_DIR).map((f) => f.element));
  const target = path.join(ctx.hooksPath, INIT_SCRIPTS_DIR);
  const owners = new Map<string, string>();
  for (const el of ctx.elements) {
    const source = path.join(el.directory, INIT_SCRIPTS_DIR);
    if (mergedByCore.has(el.name) || !existsSync(source) || !lstatSync(source).isDirectory()) continue;
    const files = filesUnder(source);
    for (const rel of files) {
      const system = rel.split('/')[0];
      if (!rel.includes('/') || !isInitSystem(system)) {
        throw new ElementError(
          ERRORS.DIB_E_INIT_SCRIPTS_INVALID,
          `${path.join(source, rel)} (element "${el.name}") is not in a directory named after an init system (${INIT_SYSTEM_NAMES.join(', ')})`,
        );
      }
      const dest = path.join(target, rel);
      if (existsSync(dest) || owners.has(rel)) {
        const other = owners.get(rel);
        throw new ElementError(
          ERRORS.DIB_E_INIT_SCRIPTS_COLLISION,
          `init-scripts/${rel} is shipped by element "${el.name}" and by ${other ? `element "${other}"` : 'a classic element of the build'}`,
        );
      }
      mkdirSync(path.dirname(dest), { recursive: true });
      const from = path.join(source, rel);
      if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), dest);
      else {
        copyFileSync(from, dest);
        chmodSync(dest, lstatSync(from).mode & 0o7777);
      }
      owners.set(rel, el.name);
    }
    if (files.length > 0) ctx.log(`dib-init-system: ${files.length} init script(s) of element "${el.name}": ${files.join(', ')}`);
  }
}
