/**
 * How long the last successful build of the same image took, phase by phase and script
 * by script: the progress tree shows it beside each step as an estimate, and the step's
 * own time once it is done. Kept under the image cache, one small file per output path.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyOf } from '../cache/index.js';
import type { BuildPlan } from '../plan.js';
import type { BuildRecorder } from './recorder.js';

/** Milliseconds by step: a phase's name, or `phase/script` for a script. */
export type Timings = Record<string, number>;

const timingsFile = (plan: Pick<BuildPlan, 'imageCache' | 'name' | 'image'>) =>
  path.join(plan.imageCache, 'timings', `${plan.name.replace(/[^\w.-]/g, '_')}-${keyOf(plan.image.output)}.json`);

export function previousTimings(plan: Pick<BuildPlan, 'imageCache' | 'name' | 'image'>): Timings {
  try {
    const parsed = JSON.parse(readFileSync(timingsFile(plan), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Timings) : {};
  } catch {
    return {}; // none yet, or unreadable: no estimate
  }
}

/** After a successful build: its steps' times, written whole. A failure to write costs only the next estimate. */
export function saveTimings(plan: Pick<BuildPlan, 'imageCache' | 'name' | 'image'>, recorder: BuildRecorder): void {
  const ran: Timings = Object.fromEntries(recorder.spans().flatMap((s) => (s.kind === 'command' || s.status !== 'ok' ? [] : [[s.name, s.durationMs]])));
  // Steps restored from the stage cache did not run: they keep the time of the build that ran them.
  if (Object.keys(ran).length === 0) return;
  const timings = { ...previousTimings(plan), ...ran };
  const file = timingsFile(plan);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.${process.pid}`, JSON.stringify(timings));
    renameSync(`${file}.${process.pid}`, file);
  } catch {
    // the cache is read-only or full: the build's result stands
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A step's title while it waits or runs: with the last build's time when there is one. */
export const titleBefore = (title: string, previousMs: number | undefined) =>
  previousMs === undefined ? title : `${title} (${seconds(previousMs)} last build)`;

/** A step's title once it is done: its own time, and the last build's beside it. */
export const titleAfter = (title: string, tookMs: number, previousMs: number | undefined) =>
  `${title}: ${seconds(tookMs)}${previousMs === undefined ? '' : ` (${seconds(previousMs)} last build)`}`;
