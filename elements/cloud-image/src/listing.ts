/**
 * The newest file a mirror's directory page links to that matches a pattern, for
 * publishers whose checksum file is named after a build only the directory tells
 * (Fedora-Cloud-43-1.6-x86_64-CHECKSUM). The name found is kept in the image cache, so
 * an offline build uses the one the last online build found.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cache, ElementError, type HostHookContext } from '@dib/core/element';
import { download } from './download.js';
import { ERRORS } from './errors.js';
import { byVersion } from './versions.js';

export interface ListingQuery {
  /** For messages. */
  title: string;
  /** Directory under DIB_IMAGE_CACHE/cloud-images. */
  cacheName: string;
  /** The directory's URL, without a trailing slash. */
  baseUrl: string;
  /** Matched against each linked file name (the last path segment of each href). */
  pattern: RegExp;
}

/** Every file name the page's links point at (hrefs, decoded, without directories or queries). */
export function linkedNames(html: string): string[] {
  const names = new Set<string>();
  for (const [, href] of html.matchAll(/href\s*=\s*["']([^"'#?]+)/gi)) {
    const last = href.replace(/\/+$/, '').split('/').at(-1);
    if (!last) continue;
    try {
      names.add(decodeURIComponent(last));
    } catch {
      names.add(last);
    }
  }
  return [...names];
}

export async function newestListed(ctx: HostHookContext, query: ListingQuery): Promise<string> {
  const dir = path.join(ctx.imageCache, 'cloud-images', query.cacheName);
  mkdirSync(dir, { recursive: true });
  const record = path.join(dir, `${cache.keyOf(`${query.baseUrl}\n${query.pattern.source}`)}-listing`);
  if (ctx.offline) {
    if (!existsSync(record)) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_OFFLINE, `--offline, and no online build has read ${query.baseUrl}/ for ${query.title} yet`);
    }
    const name = readFileSync(record, 'utf8').trim();
    ctx.log(`--offline: using ${name}, found in ${query.baseUrl}/ by an earlier build`);
    return name;
  }
  const page = `${record}.new-${process.pid}`;
  try {
    await download(ctx, `${query.baseUrl}/`, { to: page });
    const newest = linkedNames(readFileSync(page, 'utf8'))
      .filter((n) => query.pattern.test(n))
      .sort(byVersion)
      .at(-1);
    if (!newest) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_NOT_LISTED, `${query.baseUrl}/ links to no file matching ${query.pattern} (${query.title})`);
    }
    writeFileSync(page, `${newest}\n`);
    renameSync(page, record);
    ctx.log(`${query.baseUrl}/: the newest file matching ${query.pattern} is ${newest}`);
    return newest;
  } finally {
    rmSync(page, { force: true });
  }
}
