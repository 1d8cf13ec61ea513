/**
 * A digest kept beside a cached file (FILE.sha256), written when the file is made and
 * checked before each use, so a file damaged in place or cut short is found instead of
 * unpacked into an image.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isProcessAlive } from '../host/process-alive.js';
import { sha256File } from './sha256.js';

/** sound: matches its digest; damaged: does not; unsealed: no digest (made before digests were kept). */
export type SealState = 'sound' | 'damaged' | 'unsealed';

const sealOf = (file: string) => `${file}.sha256`;

/** Records FILE's digest beside it; call before FILE is renamed to its final name, passing that name. */
export async function seal(file: string, finalName = file): Promise<void> {
  const tmp = `${sealOf(finalName)}.tmp-${process.pid}`;
  writeFileSync(tmp, `${await sha256File(file)}\n`);
  renameSync(tmp, sealOf(finalName));
}

export async function checkSeal(file: string): Promise<SealState> {
  if (!existsSync(sealOf(file))) return 'unsealed';
  const expected = readFileSync(sealOf(file), 'utf8').trim();
  return (await sha256File(file)) === expected ? 'sound' : 'damaged';
}

/** Removes FILE and its digest. */
export function discardSealed(file: string): void {
  rmSync(file, { force: true });
  rmSync(sealOf(file), { force: true });
}

/**
 * Removes `NAME.partial-PID` files in `dir` whose process is gone: what a build killed
 * while writing a cache entry left. Call it holding the entry's lock.
 */
export function sweepPartials(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const swept = names.filter((n) => {
    const pid = /\.partial-(\d+)$/.exec(n)?.[1];
    return pid !== undefined && !isProcessAlive(Number(pid));
  });
  for (const n of swept) rmSync(path.join(dir, n), { recursive: true, force: true });
  return swept;
}
