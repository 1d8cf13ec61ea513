/**
 * A digest kept beside a cached file (FILE.sha256), written when the file is made and
 * checked before each use, so a file damaged in place or cut short is found instead of
 * unpacked into an image.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
