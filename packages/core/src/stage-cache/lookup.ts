/**
 * Which stored stage a build can start from: its finished outputs, else the tree after
 * the latest phase whose key matches. An entry is usable while every URL it was made
 * from (probes.ts) still serves the same bytes; --offline uses entries unchecked, since
 * it must not touch the network. The dry-run asks the same question without reading
 * the archives; the build also checks each file's sha256 before use.
 */
import { PHASE_NAMES, type PhaseName } from '../contract/phases.js';
import type { BuildPlan } from '../plan.js';
import { discardEntry, readEntry, type StageEntry } from './entries.js';
import { stageKeys, outputsCacheable, type StageKeys } from './keys.js';
import { changedProbe } from './probes.js';

export interface StageCandidate {
  /** `outputs`, or the phase after which the tree was stored. */
  readonly at: 'outputs' | PhaseName;
  readonly entry: StageEntry;
}

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
  // Best first: the outputs, then the trees from the last phase back.
  const points: StageCandidate['at'][] = [...(outputsCacheable(plan) ? (['outputs'] as const) : []), ...[...PHASE_NAMES].reverse()];
  for (const at of points) {
    const key = at === 'outputs' ? keys.outputs : keys.phases[at];
    const found = readEntry(dir, key);
    if (!found) continue;
    if ('corrupt' in found) {
      notes.push(`stage ${key} (${at}) is damaged: ${found.corrupt}`);
      discard(found.dir);
      continue;
    }
    if (!plan.offline) {
      let changed: string | undefined;
      try {
        changed = await changedProbe(found.meta.probes, probeMemo);
      } catch (e) {
        notes.push(`stage ${key} (${at}) not used: could not check what it was made from (${(e as Error).message})`);
        continue;
      }
      if (changed) {
        notes.push(`stage ${key} (${at}) is out of date: ${changed} changed since it was stored`);
        discard(found.dir);
        continue;
      }
    }
    candidates.push({ at, entry: found });
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
        ? [
            `restore the tree after ${best.at} (${best.entry.meta.key}); run ${PHASE_NAMES.slice(PHASE_NAMES.indexOf(best.at) + 1).join(', ')}, then the outputs`,
          ]
        : [NOTHING_CACHED];
  return [...lines, ...(lookup?.notes ?? [])];
}
