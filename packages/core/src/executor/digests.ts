import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digests of a file in one read (outputs are often gigabytes), by algorithm. */
export const digests = <A extends string>(file: string, algorithms: readonly A[]) =>
  new Promise<Record<A, string>>((resolve, reject) => {
    const hashes = algorithms.map((a) => [a, createHash(a)] as const);
    createReadStream(file)
      .on('data', (d) => hashes.forEach(([, h]) => h.update(d)))
      .on('error', reject)
      .on('end', () => resolve(Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) as Record<A, string>));
  });
