/**
 * What `dib cleanup` may release after a killed build, read from the build's state file
 * and trusted only as far as it can be proved dib's: the build directory dib made (its
 * own naming, a real directory owned by this user), mounts and directories inside it,
 * and the partial files of that build's process. Anything else a state file names is
 * refused, so a forged or damaged file cannot have a directory removed or `/` unmounted.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from '../host/process-alive.js';
import { processStartTime } from '../host/process-start.js';
import { stateDir, type ResourceRecord } from './resources.js';

/** mkdtemp prefix of every build directory. */
export const BUILD_DIR_PREFIX = 'dib_build.';
const BUILD_DIR_NAME = /^dib_build\.[A-Za-z0-9]{6}$/;

const StateSchema = z.object({
  pid: z.number().int().positive(),
  resources: z.array(
    z.discriminatedUnion('kind', [
      z.object({ kind: z.enum(['mount', 'dir', 'file']), path: z.string() }),
      z.object({ kind: z.literal('process'), path: z.string().regex(/^\/proc\/\d+$/, 'not /proc/PID'), started: z.string() }),
    ]),
  ),
});

export interface LeftoverBuild {
  file: string;
  pid: number;
  /** Records proved dib's, in the order to release them (last made first). */
  release: ResourceRecord[];
  /** Records left alone, with why. */
  refused: { record: ResourceRecord; reason: string }[];
}

export interface Leftovers {
  builds: LeftoverBuild[];
  /** State files that are not a dib state at all (cut short, edited, another program's). */
  unreadable: { file: string; reason: string }[];
}

/** State files of builds whose process is gone, each split into what may and may not be released. */
export function findLeftovers(dir = stateDir()): Leftovers {
  const found: Leftovers = { builds: [], unreadable: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return found;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    let state: z.infer<typeof StateSchema>;
    try {
      state = StateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (e) {
      found.unreadable.push({ file, reason: e instanceof z.ZodError ? z.prettifyError(e).replace(/\n\s*/g, '; ') : (e as Error).message });
      continue;
    }
    if (isProcessAlive(state.pid)) continue;
    found.builds.push({ file, pid: state.pid, ...sortRecords(state.resources, state.pid) });
  }
  return found;
}

/** Splits a dead build's records into those proved dib's (release order) and those refused. */
export function sortRecords(records: readonly ResourceRecord[], pid: number): Pick<LeftoverBuild, 'release' | 'refused'> {
  const buildDirs = records.filter((r) => r.kind === 'dir' && isBuildDir(r.path)).map((r) => r.path);
  const release: ResourceRecord[] = [];
  const refused: LeftoverBuild['refused'] = [];
  for (const record of [...records].reverse()) {
    const reason = refusal(record, buildDirs, pid);
    if (reason) refused.push({ record, reason });
    else release.push(record);
  }
  return { release, refused };
}

function refusal(record: ResourceRecord, buildDirs: string[], pid: number): string | undefined {
  const p = record.path;
  // A process is proved the build's by its start time, checked when it is ended (stillRunning).
  if (record.kind === 'process') return undefined;
  if (!path.isAbsolute(p) || path.normalize(p) !== p || (p.endsWith('/') && p !== '/')) return 'not a normalised absolute path';
  if (record.kind === 'file') {
    const partial = new RegExp(`^\\..+\\.dib-partial-${pid}$|^.+\\.partial-${pid}$`);
    if (!partial.test(path.basename(p))) return `not a partial file of process ${pid} (.NAME.dib-partial-${pid} or NAME.partial-${pid})`;
    return isRegularOrGone(p) ? undefined : 'not a regular file';
  }
  if (buildDirs.includes(p)) return undefined;
  const home = buildDirs.find((d) => p.startsWith(`${d}/`));
  if (!home) return `not inside a build directory of this state (${BUILD_DIR_PREFIX}XXXXXX)`;
  // Through a link inside the build directory the path could lead anywhere.
  return resolvesInside(p, home) ? undefined : `leads outside ${home} through a symbolic link`;
}

/** dib's own naming, and (when it still exists) a real directory owned by this user. */
function isBuildDir(p: string): boolean {
  if (!path.isAbsolute(p) || path.normalize(p) !== p || !BUILD_DIR_NAME.test(path.basename(p))) return false;
  try {
    const st = lstatSync(p);
    return st.isDirectory() && st.uid === (process.getuid?.() ?? st.uid);
  } catch {
    return true; // already gone: nothing under it can be acted on either
  }
}

function isRegularOrGone(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return true; // gone: nothing to do
  }
}

/** Whether the nearest existing ancestor of `p` (or `p`) resolves inside `dir`. */
function resolvesInside(p: string, dir: string): boolean {
  let existing = p;
  for (;;) {
    try {
      const real = realpathSync(existing);
      const realDir = realpathSync(dir);
      return real === realDir || real.startsWith(`${realDir}/`);
    } catch {
      if (existing === dir) return true; // the build directory is gone
      existing = path.dirname(existing);
    }
  }
}

/** The process group leader a `process` record names, if it is still that same process. */
export function stillRunning(record: Extract<ResourceRecord, { kind: 'process' }>): number | undefined {
  const pid = Number(record.path.slice('/proc/'.length));
  return processStartTime(pid) === record.started ? pid : undefined;
}
