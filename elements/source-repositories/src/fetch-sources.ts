/**
 * extra-data: fetches every source of the build whose install type is "source" into the
 * image, each cache entry under its own lock so parallel builds share the cache, and
 * records what was fetched (diskimage-builder's git manifest, dib's manifest of every
 * source, /etc/dib-source-repositories).
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cache as caches, type HostHookContext } from '@dib/core/element';
import { cacheEntry } from './cache-entry.js';
import { collectSources } from './collect.js';
import { copyFile, extractTar, sha256Of, updateDownloadCache } from './download-source.js';
import { checkoutGit, updateGitCache } from './git-source.js';
import { installTypeOf, type Source } from './source.js';

/** In the image: one destination per line, for people and for later elements. */
export const DESTINATIONS_FILE = 'etc/dib-source-repositories';

async function fetchOne(ctx: HostHookContext, s: Source): Promise<string> {
  const cache = cacheEntry(ctx.imageCache, s);
  const dest = path.join(ctx.targetRoot, s.destination);
  mkdirSync(path.dirname(cache), { recursive: true });
  return caches.withLock(cache, async () => {
    if (s.type === 'git') {
      await updateGitCache(ctx, s, cache);
      return checkoutGit(ctx, s, cache, dest);
    }
    await updateDownloadCache(ctx, s, cache);
    if (s.type === 'tar') await extractTar(ctx, s, cache, dest);
    else copyFile(cache, dest);
    return `sha256:${await sha256Of(cache)}`;
  });
}

export async function fetchSources(ctx: HostHookContext): Promise<void> {
  if (ctx.env.NO_SOURCE_REPOSITORIES) {
    ctx.log('source-repositories: NO_SOURCE_REPOSITORIES is set: nothing fetched');
    return;
  }
  const sources = await collectSources(ctx);
  const image = path.basename(ctx.env.IMAGE_NAME || 'image');
  const manifestDir = path.join(ctx.targetRoot, ctx.env.DIB_MANIFEST_IMAGE_DIR || '/etc/dib-manifests');
  const gitLines: string[] = [];
  const allLines: string[] = [];
  for (const s of sources) {
    if (s.type === 'package') {
      ctx.log(`source-repositories: ${s.name} is a package source: its element installs it from packages`);
      continue;
    }
    const installType = installTypeOf(s, ctx.env);
    if (installType !== 'source') {
      ctx.log(`source-repositories: ${s.name} skipped: install type ${installType}`);
      continue;
    }
    ctx.log(`source-repositories: ${s.name}: ${s.type} ${s.location} ${s.ref} -> ${s.destination}`);
    const revision = await fetchOne(ctx, s);
    const line = `${s.name} ${s.type} ${s.destination} ${s.location} ${revision}`;
    if (s.type === 'git') gitLines.push(line);
    allLines.push(line);
    mkdirSync(path.join(ctx.targetRoot, 'etc'), { recursive: true });
    appendFileSync(path.join(ctx.targetRoot, DESTINATIONS_FILE), `${s.destination}\n`);
  }
  if (allLines.length === 0) return;
  mkdirSync(manifestDir, { recursive: true });
  if (gitLines.length) writeFileSync(path.join(manifestDir, `dib-manifest-git-${image}`), `${gitLines.join('\n')}\n`);
  writeFileSync(path.join(manifestDir, `dib-manifest-source-repositories-${image}`), `${allLines.join('\n')}\n`);
}
