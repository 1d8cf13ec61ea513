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

/** The file found, and `remember()`, to call once it served a build, so --offline builds use it. */
export interface ListedFile {
  name: string;
  remember(): void;
}

export async function newestListed(ctx: HostHookContext, query: ListingQuery): Promise<ListedFile> {
  const dir = path.join(ctx.imageCache, 'cloud-images', query.cacheName);
  mkdirSync(dir, { recursive: true });
  const record = path.join(dir, `${cache.keyOf(`${query.baseUrl}\n${query.pattern.source}`)}-listing`);
  const recorded = existsSync(record) ? readFileSync(record, 'utf8').trim() : undefined;
  if (ctx.offline) {
    if (!recorded) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_OFFLINE, `--offline, and no online build has used ${query.baseUrl}/ for ${query.title} yet`);
    }
    ctx.log(`--offline: using ${recorded}, found in ${query.baseUrl}/ by an earlier build`);
    return { name: recorded, remember: () => {} };
  }
  const page = `${record}.new-${process.pid}`;
  try {
    rmSync(page, { force: true });
    await download(ctx, `${query.baseUrl}/`, { to: page });
    const newest = linkedNames(readFileSync(page, 'utf8'))
      .filter((n) => query.pattern.test(n))
      .sort(byVersion)
      .at(-1);
    if (!newest) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_NOT_LISTED, `${query.baseUrl}/ links to no file matching ${query.pattern} (${query.title})`);
    }
    // The page is not signed: a mirror hiding newer files must not turn builds back to an older, still validly signed one.
    if (recorded && byVersion(newest, recorded) < 0) {
      throw new ElementError(
        ERRORS.DIB_E_CLOUD_IMAGE_NOT_LISTED,
        `${query.baseUrl}/ now offers ${newest}, older than ${recorded} which an earlier build used: refusing to go back (a mirror out of date, or one holding back updates). Use another mirror, or delete ${record} to accept the older file`,
      );
    }
    ctx.log(`${query.baseUrl}/: the newest file matching ${query.pattern} is ${newest}`);
    return {
      name: newest,
      remember: () => {
        writeFileSync(`${record}.new-${process.pid}`, `${newest}\n`);
        renameSync(`${record}.new-${process.pid}`, record);
      },
    };
  } finally {
    rmSync(page, { force: true });
  }
}
