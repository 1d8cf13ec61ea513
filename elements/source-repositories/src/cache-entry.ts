/**
 * Where a source is cached: DIB_IMAGE_CACHE/source-repositories/<name>_<sha1 of
 * "type_location">, the name diskimage-builder gives it, so the two tools find each
 * other's downloads.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { variableName, type Source } from './source.js';

export const CACHE_DIR = 'source-repositories';

export function cacheEntry(imageCache: string, source: Source): string {
  const digest = createHash('sha1').update(`${source.type}_${source.location}\n`).digest('hex');
  return path.join(imageCache, CACHE_DIR, `${variableName(source.name)}_${digest}`);
}
