/**
 * Every source of the build, in element order: each element's classic
 * `source-repository-*` files (lines expanded by bash, as diskimage-builder evals them)
 * and its manifest's `sourceRepositories`. A file name two elements share is taken from
 * the later element only, as the merged hook tree of diskimage-builder keeps one copy.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS, failureText } from './errors.js';
import { fromManifest, parseLine, where, withOverrides, type Source } from './source.js';

const FILE_PREFIX = 'source-repository-';

/**
 * Prints "LINE<TAB>EXPANDED" per line; `set -f` keeps a tar ref of "*" from globbing, and
 * `set -u` turns an unset variable into an error naming it.
 */
const EXPAND = 'set -efu; n=0; while IFS= read -r line || [ -n "$line" ]; do n=$((n+1)); x=$(eval echo $line); printf "%d\\t%s\\n" "$n" "$x"; done < "$1"';

interface SourceFile {
  element: string;
  file: string;
}

/** The classic files, one per name, the later element's copy winning. */
function sourceFiles(ctx: HostHookContext): SourceFile[] {
  const byName = new Map<string, SourceFile>();
  for (const el of ctx.elements) {
    if (!existsSync(el.directory)) continue;
    for (const name of readdirSync(el.directory).sort()) {
      const file = path.join(el.directory, name);
      if (!name.startsWith(FILE_PREFIX) || name.endsWith('~') || !statSync(file).isFile()) continue;
      const earlier = byName.get(name);
      if (earlier) ctx.log(`source-repositories: ${name} of element ${el.name} replaces the one of element ${earlier.element}`);
      byName.delete(name);
      byName.set(name, { element: el.name, file });
    }
  }
  return [...byName.values()];
}

async function sourcesOfFile(ctx: HostHookContext, f: SourceFile): Promise<Source[]> {
  let stdout: string;
  try {
    ({ stdout } = await ctx.run('bash', ['-c', EXPAND, 'source-repository', f.file]));
  } catch (e) {
    throw new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_INVALID, `${where({ ...f })}: its lines could not be expanded: ${failureText(e)}`, {
      location: { file: f.file },
    });
  }
  const sources: Source[] = [];
  for (const row of stdout.split('\n')) {
    const tab = row.indexOf('\t');
    if (tab < 0) continue;
    const s = parseLine(row.slice(tab + 1), { ...f, line: Number(row.slice(0, tab)) });
    if (s) sources.push(s);
  }
  return sources;
}

/** All sources of the build after the caller's overrides, two with one destination refused. */
export async function collectSources(ctx: HostHookContext): Promise<Source[]> {
  const sources: Source[] = [];
  for (const f of sourceFiles(ctx)) sources.push(...(await sourcesOfFile(ctx, f)));
  for (const el of ctx.elements) {
    for (const entry of el.manifest.sourceRepositories) sources.push(fromManifest(entry, ctx.env, { element: el.name, file: 'manifest sourceRepositories' }));
  }
  return refuseDuplicates(sources.map((s) => withOverrides(s, ctx.env)));
}

/** One destination, one source; the same source declared twice (same type, location and ref) is fetched once. */
export function refuseDuplicates(sources: readonly Source[]): Source[] {
  const byDestination = new Map<string, Source>();
  const kept: Source[] = [];
  for (const s of sources) {
    if (s.type === 'package') {
      kept.push(s);
      continue;
    }
    const key = path.posix.normalize(s.destination).replace(/\/$/, '');
    const first = byDestination.get(key);
    if (!first) {
      byDestination.set(key, s);
      kept.push(s);
      continue;
    }
    if (first.type === s.type && first.location === s.location && first.ref === s.ref) continue;
    throw new ElementError(
      ERRORS.DIB_E_SOURCE_REPOSITORY_DUPLICATE,
      `${s.destination}: ${first.name} (${first.type} ${first.location} ${first.ref}, ${where(first.origin)}) and ${s.name} (${s.type} ${s.location} ${s.ref}, ${where(s.origin)})`,
      { location: { file: s.origin.file } },
    );
  }
  return kept;
}
