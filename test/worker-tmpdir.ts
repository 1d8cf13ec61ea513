/**
 * Setup of every integration file. The files run two at a time, so each gets its own
 * TMPDIR, named by its worker's pid (unique among the files running at once): a build's
 * directory with its mounts and loop devices, mmdebstrap's work and the tests' scratch
 * space all live under it. The leak checks look there (TEST_WORKER_TMPDIR), not at what
 * the other file's build has mounted at that moment; the builds' state files go to a
 * directory of the file's own, so `dib cleanup` and the no-state-file checks see this
 * file's builds alone.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const root = (process.env.TEST_TMP_ROOT ??= os.tmpdir());
const dir = path.join(root, `dib-test-${process.pid}`);
mkdirSync(dir, { recursive: true });
process.env.TMPDIR = dir;
process.env.TEST_WORKER_TMPDIR = dir;
process.env.DIB_STATE_DIR = path.join(dir, 'state');

afterAll(() => {
  // Never a recursive remove through a mount a failed build left: that is the leak checks' to report.
  const mounted = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[1]?.startsWith(`${dir}/`));
  if (!mounted) rmSync(dir, { recursive: true, force: true });
});
