/** Whether a build uses the stage cache, and its limits: --no-cache and the DIB_STAGE_CACHE* variables. */
import path from 'node:path';
import { DibError } from '../errors.js';
import { parseSize } from '../block-device/size.js';
import { parseBreakpoints } from '../executor/breakpoints.js';
import { stagesDir } from './entries.js';

export interface StageCacheSettings {
  readonly enabled: boolean;
  /** Why it is off, for the dry-run and the log. */
  readonly why: string;
  /** DIB_IMAGE_CACHE/stages. */
  readonly dir: string;
  /** A stage is stored once this much build time would be saved by it. */
  readonly minSeconds: number;
  /** Least recently used entries are evicted beyond this size. */
  readonly maxBytes: number;
}

export const DEFAULT_STAGE_CACHE_MAX_SIZE = '20G';

export function stageCacheSettings(env: NodeJS.ProcessEnv, imageCache: string, noCache: boolean): StageCacheSettings {
  const minSeconds = env.DIB_STAGE_CACHE_MIN_SECONDS ?? '10';
  if (!/^\d+$/.test(minSeconds)) throw badValue('DIB_STAGE_CACHE_MIN_SECONDS', minSeconds, 'a whole number of seconds, e.g. 10');
  const maxBytes = parseSize(env.DIB_STAGE_CACHE_MAX_SIZE || DEFAULT_STAGE_CACHE_MAX_SIZE);
  if (maxBytes === undefined) throw badValue('DIB_STAGE_CACHE_MAX_SIZE', env.DIB_STAGE_CACHE_MAX_SIZE!, 'a size such as 20G or 500M');
  const flag = env.DIB_STAGE_CACHE ?? '1';
  if (!['0', '1'].includes(flag)) throw badValue('DIB_STAGE_CACHE', flag, '1 (use the stage cache, the default) or 0');
  const why = noCache ? '--no-cache' : flag === '0' ? 'DIB_STAGE_CACHE=0' : parseBreakpoints(env).size ? 'break points are set: every phase runs' : '';
  return { enabled: !why, why, dir: stagesDir(path.resolve(imageCache)), minSeconds: Number(minSeconds), maxBytes };
}

const badValue = (name: string, value: string, expected: string) =>
  new DibError('DIB_E_ARGUMENT', `${name}=${JSON.stringify(value)} is not ${expected}`, {
    location: { key: name },
    hint: `Set ${name} to ${expected}, or unset it.`,
  });
