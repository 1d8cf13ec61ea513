/**
 * Setup of every integration file. The files run two at a time, so each worker gets its
 * own TMPDIR: a build's directory with its mounts and loop devices, mmdebstrap's work and
 * the tests' scratch space all live under it. The leak checks look there
 * (TEST_WORKER_TMPDIR), not at what the other worker's build has mounted at that moment; the
 * builds' state files go to a directory of the worker's own, so `dib cleanup` and the
 * no-state-file checks see this worker's builds alone.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = (process.env.TEST_TMP_ROOT ??= os.tmpdir());
const dir = path.join(root, `dib-test-worker-${process.env.VITEST_POOL_ID ?? '1'}`);
mkdirSync(dir, { recursive: true });
process.env.TMPDIR = dir;
process.env.TEST_WORKER_TMPDIR = dir;
process.env.DIB_STATE_DIR = path.join(dir, 'state');
