/**
 * DIB's `break` variable: `break=before-install,after-error` stops the build at those
 * points with a shell. The points are before-/after- each phase and the disk steps, and
 * after-error; a point that is none of them would never stop, so it is refused at plan time.
 */
import { didYouMean } from '../did-you-mean.js';
import { DibError } from '../errors.js';
import { PHASE_NAMES } from './phases.js';

export const BREAK_POINTS: readonly string[] = [...[...PHASE_NAMES, 'disk'].flatMap((p) => [`before-${p}`, `after-${p}`]), 'after-error'];

export const parseBreakpoints = (env: NodeJS.ProcessEnv = process.env): Set<string> =>
  new Set(
    (env.break ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export function checkBreakpoints(env: NodeJS.ProcessEnv): void {
  for (const point of parseBreakpoints(env)) {
    if (BREAK_POINTS.includes(point)) continue;
    const guess = didYouMean(point, BREAK_POINTS);
    throw new DibError('DIB_E_ENV_INVALID', `break: "${point}" is not a break point${guess ? `; did you mean "${guess}"?` : ''}`, {
      location: { key: 'break' },
      hint: `Break points: before-PHASE and after-PHASE for ${[...PHASE_NAMES, 'disk'].join(', ')}, and after-error (comma-separated).`,
    });
  }
}
