/**
 * Which stored stage a build can start from: its finished outputs, else the tree after
 * the latest phase, or script within a phase, whose key matches. An entry is usable while every URL it was made
 * from (probes.ts) still serves the same bytes; --offline uses entries unchecked, since
 * it must not touch the network. The dry-run asks the same question without reading
 * the archives; the build also checks each file's sha256 before use.
 */
import { PHASE_NAMES, type PhaseName } from '../contract/phases.js';
import type { BuildPlan } from '../plan.js';
import { discardEntry, readEntry, type StageEntry } from './entries.js';
import { stageKeys, outputsCacheable, type StageKeys } from './keys.js';
import { changedProbe } from './probes.js';

/** Where a stored stage stands: the outputs, a whole phase, or a phase's first `scripts` scripts. */
export interface StagePoint {
  readonly at: 'outputs' | PhaseName;
  readonly scripts?: number;
}

export interface StageCandidate extends StagePoint {
  readonly entry: StageEntry;
}

/** The key of a point. */
export const keyOfPoint = (keys: StageKeys, p: StagePoint): string =>
  p.at === 'outputs' ? keys.outputs : p.scripts ? keys.scripts[p.at][p.scripts - 1] : keys.phases[p.at];

/** For a tree stored within a phase, the last script it holds; else undefined. */
export const scriptOfPoint = (plan: BuildPlan, p: StagePoint): string | undefined =>
  p.at !== 'outputs' && p.scripts ? plan.hooks.phases[p.at][p.scripts - 1].name : undefined;

/** How logs name a point: `install`, or `install/01-package-installs` within it. */
export const pointName = (plan: BuildPlan, p: StagePoint): string => {
  const script = scriptOfPoint(plan, p);
  return script ? `${p.at}/${script}` : p.at;
};

export interface StageLookup {
  readonly keys: StageKeys;
  /** Usable entries, best first. */
  readonly candidates: StageCandidate[];
  /** Entries passed over, and why (stale archive, unreadable). */
  readonly notes: string[];
}

/**
 * `discard`: remove entries found damaged or out of date (the build does; the dry-run
 * only reports, and may run without write access to a shared cache).
 */
export async function lookupStages(plan: BuildPlan, options: { probeMemo?: Map<string, Promise<string>>; discard?: boolean } = {}): Promise<StageLookup> {
  const probeMemo = options.probeMemo ?? new Map<string, Promise<string>>();
  const discard = (dir: string) => options.discard && discardEntry(dir);
  const keys = stageKeys(plan);
  const dir = plan.stageCache.dir;
  const notes: string[] = [];
  const candidates: StageCandidate[] = [];
  // Best first: the outputs, then the trees from the last phase back, each phase's whole
  // tree before those stored within it, its later scripts first.
  const points: StagePoint[] = [
    ...(outputsCacheable(plan) ? [{ at: 'outputs' as const }] : []),
    ...[...PHASE_NAMES].reverse().flatMap((at) => [{ at }, ...keys.scripts[at].map((_, i) => ({ at, scripts: keys.scripts[at].length - i }))]),
  ];
  for (const point of points) {
    const name = pointName(plan, point);
    const key = keyOfPoint(keys, point);
    const found = readEntry(dir, key);
    if (!found) continue;
    if ('corrupt' in found) {
      notes.push(`stage ${key} (${name}) is damaged: ${found.corrupt}`);
      discard(found.dir);
      continue;
    }
    if (!plan.offline) {
      let changed: string | undefined;
      try {
        changed = await changedProbe(found.meta.probes, probeMemo);
      } catch (e) {
        notes.push(`stage ${key} (${name}) not used: could not check what it was made from (${(e as Error).message})`);
        continue;
      }
      if (changed) {
        notes.push(`stage ${key} (${name}) is out of date: ${changed} changed since it was stored`);
        discard(found.dir);
        continue;
      }
    }
    candidates.push({ ...point, entry: found });
  }
  return { keys, candidates, notes };
}

export const NOTHING_CACHED = 'nothing cached for this build: every phase runs';

/** One line for the dry-run and the log: what the stage cache will do. */
export function describeLookup(plan: BuildPlan, lookup: StageLookup | undefined): string[] {
  if (!plan.stageCache.enabled) return [`off (${plan.stageCache.why})`];
  const best = lookup?.candidates[0];
  const lines =
    best?.at === 'outputs'
      ? [`the outputs are cached (${best.entry.meta.key}): no phase runs, the files are copied`]
      : best
        ? [`restore the tree after ${pointName(plan, best)} (${best.entry.meta.key}); run ${toRun(plan, best).join(', ')}, then the outputs`]
        : [NOTHING_CACHED];
  return [...lines, ...(lookup?.notes ?? [])];
}

/** What runs after a restored point: the rest of its phase, then the phases after it. */
function toRun(plan: BuildPlan, p: StageCandidate): string[] {
  const later = PHASE_NAMES.slice(PHASE_NAMES.indexOf(p.at as PhaseName) + 1);
  const rest = p.scripts ? plan.hooks.phases[p.at as PhaseName].length - p.scripts : 0;
  return p.scripts ? [`the rest of ${p.at} (${rest} script${rest === 1 ? '' : 's'})`, ...later] : later;
}
