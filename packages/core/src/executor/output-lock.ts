/**
 * One build per output path at a time. A second build naming the same output is refused
 * at once (before it opens the log, which it would truncate), instead of interleaving its
 * log and outputs with the first's. The lock is a file under the state directory holding
 * the owner's pid, so a lock left by a killed build is taken over, not waited on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DibError } from '../errors.js';
import { isProcessAlive } from '../host/process-alive.js';
import { stateDir } from './resources.js';

/** Takes the lock of `output` (the path without extension); returns its release. */
export function lockOutput(output: string, dir = path.join(stateDir(), 'locks')): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, `${createHash('sha256').update(output).digest('hex').slice(0, 32)}.lock`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, output }), { flag: 'wx' });
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = ownerOf(lock);
    if (holder && isProcessAlive(holder)) {
      throw new DibError('DIB_E_OUTPUT_BUSY', `another build (pid ${holder}) is writing ${output}.*`, {
        location: { key: 'output' },
      });
    }
    rmSync(lock, { force: true }); // its build is gone
  }
  throw new DibError('DIB_E_OUTPUT_BUSY', `could not take the lock of ${output} (${lock}): builds keep starting for it`, { location: { key: 'output' } });
}

function ownerOf(lock: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number }).pid;
  } catch {
    return undefined; // being written, or damaged: treated as gone
  }
}
