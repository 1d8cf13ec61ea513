import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Digests of a file in one read (outputs are often gigabytes): sha256 and md5 unless told which. */
export const digests = <A extends string = 'sha256' | 'md5'>(file: string, algorithms: readonly A[] = ['sha256', 'md5'] as unknown as A[]) =>
  new Promise<Record<A, string>>((resolve, reject) => {
    const hashes = algorithms.map((a) => [a, createHash(a)] as const);
    createReadStream(file)
      .on('data', (d) => hashes.forEach(([, h]) => h.update(d)))
      .on('error', reject)
      .on('end', () => resolve(Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')])) as Record<A, string>));
  });
