/** Digests of hook files and element packages: what a stage key is made of. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * sha256 of a file or directory tree as the build copies it: contents and names, links
 * followed (the hook tree is written with links dereferenced), and of the mode only the
 * run bit (the rest depends on the checkout's umask). `skip` leaves paths out (relative
 * to `root`).
 */
export function contentDigest(root: string, skip: (relative: string) => boolean = () => false): string {
  const hash = createHash('sha256');
  const walk = (relative: string) => {
    const full = path.join(root, relative);
    const st = statSync(full);
    hash.update(`${relative}\0${st.isDirectory() ? 'd' : st.mode & 0o111 ? 'x' : '-'}\0`);
    if (st.isFile()) hash.update(readFileSync(full));
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

/** Above this size a host file named by a variable is keyed by size and mtime, not read (a guest image of gigabytes). */
const READ_LIMIT = 64 * 2 ** 20;

/**
 * Host files a variable names (DIB_DEV_USER_AUTHORIZED_KEYS, DIB_LOCAL_IMAGE,
 * DIB_YUM_REPO_CONF lists): each absolute path in the value that is a regular file, with
 * its digest. Directories are left out: the image cache and lock directories are paths too.
 */
export function namedHostFiles(value: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const word of value.split(/[\s:,]+/)) {
    if (!word.startsWith('/')) continue;
    const st = statSync(word, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    found[word] = st.size > READ_LIMIT ? `size ${st.size} mtime ${st.mtimeMs}` : createHash('sha256').update(readFileSync(word)).digest('hex');
  }
  return found;
}
