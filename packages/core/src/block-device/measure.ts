/** How much space a directory tree takes on a 4 KiB-block filesystem, skipping given subtrees. */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export interface TreeSize {
  bytes: number;
  entries: number;
}

const BLOCK = 4096;

export function measureTree(root: string, skip: readonly string[] = []): TreeSize {
  const skipped = new Set(skip.map((s) => path.resolve(s)));
  let bytes = 0;
  let entries = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (skipped.has(full)) continue;
      const st = lstatSync(full);
      entries++;
      if (st.isDirectory()) {
        bytes += BLOCK;
        walk(full);
      } else if (st.isFile()) {
        // Hard links count once; sparse files count what they use.
        if (st.nlink > 1 && seen(st.ino)) continue;
        bytes += Math.min(Math.ceil(st.size / BLOCK) * BLOCK, st.blocks * 512 || Math.ceil(st.size / BLOCK) * BLOCK);
      }
    }
  };
  const inodes = new Set<number>();
  const seen = (ino: number) => (inodes.has(ino) ? true : (inodes.add(ino), false));
  walk(root);
  return { bytes, entries };
}
