/**
 * The stage cache on disk: DIB_IMAGE_CACHE/stages/KEY/ holds one stage (the tree after a
 * phase, as one archive) or one build's finished outputs, with meta.json listing every
 * file's size and sha256. An entry is made in a temporary directory and renamed into
 * place whole, so a killed build leaves no entry a later build could take; its files are
 * checked against meta.json before use. meta.json's mtime is the entry's last use.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PHASE_NAMES } from '../contract/phases.js';
import { isProcessAlive } from '../host/process-alive.js';
import { sha256File } from '../cache/index.js';
import { STAGE_FORMAT } from './keys.js';

const FileSchema = z.object({ name: z.string().min(1), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

export const StageMetaSchema = z
  .object({
    format: z.literal(STAGE_FORMAT),
    /** `tree`: the build directory after `phase`; `outputs`: the files a build wrote. */
    kind: z.enum(['tree', 'outputs']),
    key: z.string().min(1),
    image: z.string(),
    phase: z.enum(PHASE_NAMES as [string, ...string[]]).optional(),
    /** A tree stored within `phase`: after its first `scripts` scripts, the last of them `script`. */
    scripts: z.number().int().positive().optional(),
    script: z.string().optional(),
    created: z.string(),
    /** Seconds the build had spent when the entry was made: what a restore saves. */
    buildSeconds: z.number().nonnegative(),
    files: z.array(FileSchema).min(1),
    /** URL -> status:sha256 when the entry was made (see probes.ts). */
    probes: z.record(z.string(), z.string()),
  })
  .strict();
export type StageMeta = z.output<typeof StageMetaSchema>;

export interface StageEntry {
  readonly dir: string;
  readonly meta: StageMeta;
}

export const stagesDir = (imageCache: string) => path.join(imageCache, 'stages');
const META = 'meta.json';
const TEMP_PREFIX = '.tmp-';

/** The entry for `key`: undefined when there is none; `corrupt` when its meta.json cannot be read. */
export function readEntry(cacheDir: string, key: string): StageEntry | { dir: string; corrupt: string } | undefined {
  const dir = path.join(cacheDir, key);
  if (!existsSync(dir)) return undefined;
  try {
    const meta = StageMetaSchema.parse(JSON.parse(readFileSync(path.join(dir, META), 'utf8')));
    if (meta.key !== key) return { dir, corrupt: `meta.json names the key ${meta.key}` };
    return { dir, meta };
  } catch (e) {
    return { dir, corrupt: `meta.json unreadable (${(e as Error).message.split('\n')[0]})` };
  }
}

/** Why an entry's files do not match its meta.json, or undefined when they do. */
export async function verifyEntry(entry: StageEntry): Promise<string | undefined> {
  for (const f of entry.meta.files) {
    const file = path.join(entry.dir, f.name);
    if (!existsSync(file)) return `${f.name} is missing`;
    const bytes = statSync(file).size;
    if (bytes !== f.bytes) return `${f.name} has ${bytes} bytes, ${f.bytes} were stored`;
    if ((await sha256File(file)) !== f.sha256) return `${f.name} does not match its sha256`;
  }
  return undefined;
}

/** A file `fill` wrote: its name, with its sha256 when the build already read the bytes it copied. */
export type FilledFile = string | { readonly name: string; readonly sha256: string };

/**
 * Makes the entry for `key`: `fill` writes its files into a temporary directory, then
 * meta.json is written and the directory renamed into place. When another build stored
 * the same key meanwhile, that entry is kept and ours dropped.
 */
export async function commitEntry(
  cacheDir: string,
  key: string,
  fill: (dir: string) => Promise<Omit<StageMeta, 'format' | 'key' | 'created' | 'files'> & { files: FilledFile[] }>,
): Promise<StageEntry | undefined> {
  mkdirSync(cacheDir, { recursive: true });
  const tmp = mkdtempSync(path.join(cacheDir, `${TEMP_PREFIX}${key}-${process.pid}-`));
  try {
    const { files, ...rest } = await fill(tmp);
    const meta: StageMeta = {
      format: STAGE_FORMAT,
      key,
      created: new Date().toISOString(),
      ...rest,
      files: await Promise.all(
        files.map(async (f) => {
          const file = path.join(tmp, typeof f === 'string' ? f : f.name);
          // A copy's sha256 is its source's; a damaged copy fails verifyEntry() when restored.
          return { name: path.basename(file), bytes: statSync(file).size, sha256: typeof f === 'string' ? await sha256File(file) : f.sha256 };
        }),
      ),
    };
    writeFileSync(path.join(tmp, META), `${JSON.stringify(meta, null, 2)}\n`);
    const dir = path.join(cacheDir, key);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another build stored the same stage first: its entry is as good as ours.
      if (['ENOTEMPTY', 'EEXIST'].includes((e as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw e;
    }
    return { dir, meta };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Removes an entry: renamed out of the way first, so no build finds it half removed. */
export function discardEntry(dir: string): void {
  const gone = path.join(path.dirname(dir), `${TEMP_PREFIX}discarded-${path.basename(dir)}-${process.pid}-${Date.now()}`);
  try {
    renameSync(dir, gone);
  } catch {
    return; // already gone
  }
  rmSync(gone, { recursive: true, force: true });
}

/** Marks an entry used now (least recently used entries are evicted first). */
export function touchEntry(entry: StageEntry): void {
  const now = new Date();
  utimesSync(path.join(entry.dir, META), now, now);
}

export interface ListedEntry {
  readonly key: string;
  readonly dir: string;
  readonly bytes: number;
  readonly lastUsed: Date;
  readonly meta?: StageMeta;
  readonly corrupt?: string;
}

const treeBytes = (p: string): number => {
  const st = statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  return st.isDirectory() ? readdirSync(p).reduce((n, c) => n + treeBytes(path.join(p, c)), 0) : st.size;
};

/** Every entry, most recently used first. Temporary directories of builds that are gone are removed on the way. */
export function listEntries(cacheDir: string): ListedEntry[] {
  if (!existsSync(cacheDir)) return [];
  const listed: ListedEntry[] = [];
  for (const name of readdirSync(cacheDir)) {
    const dir = path.join(cacheDir, name);
    try {
      if (name.startsWith(TEMP_PREFIX)) {
        if (abandoned(name, statSync(dir).mtimeMs)) rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (name.endsWith('.lock') || !statSync(dir).isDirectory()) continue;
      const found = readEntry(cacheDir, name);
      if (!found) continue;
      const lastUsed = statSync(existsSync(path.join(dir, META)) ? path.join(dir, META) : dir).mtime;
      listed.push({ key: name, dir, bytes: treeBytes(dir), lastUsed, ...('meta' in found ? { meta: found.meta } : { corrupt: found.corrupt }) });
    } catch (e) {
      // Removed by another build while we looked: not ours to list.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return listed.sort((a, b) => b.lastUsed.getTime() - a.lastUsed.getTime());
}

/**
 * A temporary directory nobody will finish: its build is gone and it has not changed for
 * ten minutes, or it is a day old. The age guards builds in other PID namespaces
 * (containers sharing the cache), whose PIDs this process cannot see.
 */
function abandoned(name: string, mtimeMs: number): boolean {
  const pid = Number(/-(\d+)-[^-]+$/.exec(name)?.[1]);
  const age = Date.now() - mtimeMs;
  return age > 86_400_000 || (age > 600_000 && !(pid && isProcessAlive(pid)));
}

export interface PruneOptions {
  /** Evict least recently used entries until the cache holds at most this many bytes. */
  maxBytes?: number;
  /** Remove entries not used for this many days. */
  olderThanDays?: number;
  /** Remove every entry. */
  all?: boolean;
}

/** Removes entries as asked, and every corrupt one; an entry in use (locked by a build) is kept. Returns what was removed. */
export function pruneEntries(cacheDir: string, options: PruneOptions): ListedEntry[] {
  const removed: ListedEntry[] = [];
  let total = 0;
  const cutoff = options.olderThanDays === undefined ? undefined : Date.now() - options.olderThanDays * 86_400_000;
  for (const entry of listEntries(cacheDir)) {
    const inUse = existsSync(`${entry.dir}.lock`);
    const drop =
      options.all ||
      entry.corrupt ||
      (cutoff !== undefined && entry.lastUsed.getTime() < cutoff) ||
      (options.maxBytes !== undefined && total + entry.bytes > options.maxBytes);
    if (drop && !inUse) {
      discardEntry(entry.dir);
      removed.push(entry);
    } else total += entry.bytes;
  }
  return removed;
}
