import { existsSync, lstatSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';

/** As DIB's finalise: nothing left in /tmp, and every log file in /var/log emptied (the image's first boot starts clean). */
export function tidyTree(root: string): void {
  // lstat: a /tmp or /var/log that is a symlink may point at the host's own.
  const realDir = (p: string) => existsSync(p) && lstatSync(p).isDirectory();
  const tmp = path.join(root, 'tmp');
  if (realDir(tmp)) for (const name of readdirSync(tmp)) rmSync(path.join(tmp, name), { recursive: true, force: true });
  const truncateLogs = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) truncateLogs(file);
      else if (entry.isFile()) truncateSync(file);
    }
  };
  if (realDir(path.join(root, 'var/log'))) truncateLogs(path.join(root, 'var/log'));
}
