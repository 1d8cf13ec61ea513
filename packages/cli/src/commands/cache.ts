/** `dib cache`: what the stage cache holds, and making room in it. */
import path from 'node:path';
import {
  DEFAULT_STAGE_CACHE_MAX_SIZE,
  DibError,
  defaultImageCache,
  listEntries,
  loadConfig,
  parseSize,
  pruneEntries,
  stagesDir,
  type ListedEntry,
} from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const CACHE_USAGE = `Usage: dib cache list [--json]
       dib cache prune [--all | --max-size SIZE | --older-than DAYS]

The stage cache holds the tree after the costly phases and scripts of each build and
the finished outputs, under DIB_IMAGE_CACHE/stages. A build with the same inputs
restores the latest stage instead of running its phases again (dib create --no-cache
runs them all).

  list                    entries, most recently used first: image, phase, size, last use
  prune                   remove entries: least recently used beyond --max-size (default
                          $DIB_STAGE_CACHE_MAX_SIZE or ${DEFAULT_STAGE_CACHE_MAX_SIZE}), unused for --older-than days,
                          or --all; damaged entries always. Entries in use are kept.

Options:
  --image-cache DIR       cache directory (default: the config file's imageCache,
                          $DIB_IMAGE_CACHE or ~/.cache/image-create)
  --json                  list: one JSON object per entry`;

const OPTIONS = {
  'image-cache': { type: 'string' },
  all: { type: 'boolean' },
  'max-size': { type: 'string' },
  'older-than': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
const describe = (e: ListedEntry) =>
  e.corrupt
    ? `damaged: ${e.corrupt}`
    : `${e.meta!.image}, ${e.meta!.kind === 'outputs' ? 'outputs' : `after ${e.meta!.phase}${e.meta!.script ? `/${e.meta!.script}` : ''}`}`;

export const cacheCommand = command(CACHE_USAGE, OPTIONS, async (v, positionals) => {
  const [action, ...extra] = positionals;
  if (!action || !['list', 'prune'].includes(action) || extra.length) {
    throw new DibError(
      'DIB_E_ARGUMENT',
      `dib cache takes list or prune, got ${positionals.length ? positionals.map((p) => JSON.stringify(p)).join(' ') : 'nothing'}`,
      {
        hint: 'Run dib cache list, or dib cache prune --help.',
      },
    );
  }
  const loaded = v['image-cache'] ? undefined : await loadConfig({ cwd: process.cwd() });
  // As dib create does: a config file beside the one used is named, not silently passed over.
  for (const w of loaded?.warnings ?? []) process.stderr.write(`dib: warning: ${w}\n`);
  const imageCache = v['image-cache'] ? path.resolve(v['image-cache']) : (loaded?.config.imageCache ?? defaultImageCache(process.env));
  const dir = stagesDir(imageCache);
  if (action === 'list') {
    const entries = listEntries(dir);
    if (v.json) {
      for (const e of entries)
        process.stdout.write(
          `${JSON.stringify({ key: e.key, dir: e.dir, bytes: e.bytes, lastUsed: e.lastUsed.toISOString(), ...(e.meta ? { image: e.meta.image, kind: e.meta.kind, phase: e.meta.phase ?? null, script: e.meta.script ?? null, created: e.meta.created } : { corrupt: e.corrupt }) })}\n`,
        );
      return EXIT.ok;
    }
    if (!entries.length) process.stdout.write(`the stage cache ${dir} is empty\n`);
    for (const e of entries) process.stdout.write(`${e.key}  ${mib(e.bytes).padStart(10)}  used ${e.lastUsed.toISOString()}  ${describe(e)}\n`);
    if (entries.length) process.stdout.write(`${entries.length} entries, ${mib(entries.reduce((n, e) => n + e.bytes, 0))} in ${dir}\n`);
    return EXIT.ok;
  }
  const chosen = [v.all, v['max-size'], v['older-than']].filter((o) => o !== undefined).length;
  if (chosen > 1) throw new DibError('DIB_E_ARGUMENT', 'dib cache prune takes one of --all, --max-size and --older-than');
  const maxSize = v['max-size'] ?? (chosen ? undefined : process.env.DIB_STAGE_CACHE_MAX_SIZE || DEFAULT_STAGE_CACHE_MAX_SIZE);
  const maxBytes = maxSize === undefined ? undefined : parseSize(maxSize);
  if (maxSize !== undefined && maxBytes === undefined) throw new DibError('DIB_E_ARGUMENT', `--max-size takes a size such as 20G or 500M, got "${maxSize}"`);
  const olderThan = v['older-than'];
  if (olderThan !== undefined && !/^\d+$/.test(olderThan))
    throw new DibError('DIB_E_ARGUMENT', `--older-than takes a whole number of days, got "${olderThan}"`);
  const removed = pruneEntries(dir, { all: v.all, maxBytes, olderThanDays: olderThan === undefined ? undefined : Number(olderThan) });
  for (const e of removed) process.stdout.write(`removed ${e.key} (${mib(e.bytes)}, ${describe(e)})\n`);
  process.stdout.write(`removed ${removed.length} entries, ${mib(removed.reduce((n, e) => n + e.bytes, 0))}\n`);
  return EXIT.ok;
});
