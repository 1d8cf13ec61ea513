/**
 * tar and file sources: downloaded into the image cache by the cache-url element's
 * command (which revalidates a cached copy against the server), then extracted or
 * copied into the image.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cache, ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS, failureText } from './errors.js';
import { where, type Source } from './source.js';

/** Brings the source's file into the cache; offline, the cached copy is used as it is. */
export async function updateDownloadCache(ctx: HostHookContext, s: Source, cache: string): Promise<void> {
  if (ctx.offline) {
    if (existsSync(cache)) return;
    throw new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_OFFLINE, `${s.name}: ${s.location} was never downloaded (cache ${cache}; ${where(s.origin)})`, {
      location: { file: s.origin.file },
    });
  }
  try {
    await ctx.run(path.join(ctx.hooksPath, 'bin', 'cache-url'), [s.location, cache]);
  } catch (e) {
    throw new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_FETCH, `${s.name}: ${s.type} ${s.location} (${where(s.origin)}): ${failureText(e)}`, {
      location: { file: s.origin.file },
    });
  }
}

/** sha256 of the cached file, recorded in the image's manifest as the revision fetched. */
export const sha256Of = (file: string): Promise<string> => cache.sha256File(file);

/**
 * Extracts the archive next to the image's /tmp, then copies into `dest` what the ref
 * selects: "." everything, "*" the contents of every top-level directory, else one directory.
 */
export async function extractTar(ctx: HostHookContext, s: Source, cache: string, dest: string): Promise<void> {
  const scratchParent = path.join(ctx.targetRoot, 'tmp');
  mkdirSync(scratchParent, { recursive: true });
  const scratch = mkdtempSync(path.join(scratchParent, 'dib-source-'));
  try {
    await ctx.run('tar', ['-C', scratch, '-xf', cache]);
    const from =
      s.ref === '.'
        ? [scratch]
        : s.ref === '*'
          ? readdirSync(scratch)
              .map((n) => path.join(scratch, n))
              .filter((p) => statSync(p).isDirectory())
          : [path.join(scratch, s.ref)];
    const missing = from.length === 0 || !from.every((p) => existsSync(p) && statSync(p).isDirectory());
    if (missing)
      throw new ElementError(
        ERRORS.DIB_E_SOURCE_REPOSITORY_TAR_PATH,
        `${s.name}: ${s.location} has no ${s.ref === '*' ? 'top-level directory' : `directory ${s.ref}`} (${where(s.origin)})`,
        { location: { file: s.origin.file } },
      );
    mkdirSync(dest, { recursive: true });
    // cp -a keeps the archive's owners, modes and links, as diskimage-builder's rsync -a does.
    for (const dir of from) await ctx.run('cp', ['-a', `${dir}/.`, dest]);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function copyFile(cache: string, dest: string): void {
  mkdirSync(path.dirname(dest), { recursive: true });
  cpSync(cache, dest);
}
