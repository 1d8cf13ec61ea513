/** Digests of hook files and element packages: what a stage key is made of. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/**
 * sha256 of a file, symlink or directory tree: contents, names, modes and link targets,
 * so a chmod -x or a renamed file changes it too. `skip` leaves top-level names of a
 * directory out (relative to `root`).
 */
export function contentDigest(root: string, skip: (relative: string) => boolean = () => false): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const full = path.join(root, relative);
    const st = lstatSync(full);
    hash.update(`${relative}\0${st.mode & 0o170777}\0`);
    if (st.isSymbolicLink()) hash.update(readlinkSync(full));
    else if (st.isFile()) hash.update(readFileSync(full));
    else if (st.isDirectory()) {
      for (const name of readdirSync(full).sort()) {
        const child = relative ? `${relative}/${name}` : name;
        if (!skip(child)) walk(child);
      }
    }
    hash.update('\0');
  };
  walk('');
  return hash.digest('hex');
}
