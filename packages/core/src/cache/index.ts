/**
 * Cache helpers for elements: content-addressed keys, and a lock so concurrent builds
 * sharing DIB_IMAGE_CACHE do not write the same entry at once.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../host/process-alive.js';

/** Stable key for a set of inputs: same inputs, same key. */
export const keyOf = (inputs: unknown): string => createHash('sha256').update(stableJson(inputs)).digest('hex').slice(0, 16);

/** JSON with object keys sorted at every depth, so equal inputs give equal text. */
const stableJson = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(stableJson).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : (JSON.stringify(v) ?? 'null');

export { sha256File } from './sha256.js';

/** Runs fn holding an exclusive lock named by `file` (a directory `file.lock`); waits for other holders, breaks stale locks. */
export async function withLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 30 * 60_000): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let holder = 0;
      try {
        holder = Number(readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        // being created right now
      }
      if (holder && !isProcessAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for cache lock ${lock} held by pid ${holder}`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export { seal, checkSeal, discardSealed, sweepPartials, type SealState } from './seal.js';
