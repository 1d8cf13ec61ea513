/** --trace FILE: written whole (aside, then renamed), so a reader never sees half a trace. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BuildRecorder } from './recorder.js';
import { traceJson } from './trace.js';

export function writeTrace(file: string, recorder: BuildRecorder, image: string, warn: (message: string) => void): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.dib-partial-${process.pid}`);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(tmp, traceJson(recorder, image));
    renameSync(tmp, file);
  } catch (e) {
    // The build's result stands; only the trace is lost.
    warn(`could not write the trace ${file}: ${(e as Error).message}`);
  }
}
