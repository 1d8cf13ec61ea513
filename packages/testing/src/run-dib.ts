import { createRequire } from 'node:module';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';

export interface DibRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const require = createRequire(import.meta.url);
/** The dib bin of the installed @dib/cli. */
export const DIB_BIN = path.join(path.dirname(require.resolve('@dib/cli/package.json')), 'dist/bin/dib.js');

/**
 * Runs `dib ARGS` as a user would; never throws on a non-zero exit. The stage cache is off
 * unless `env` sets DIB_STAGE_CACHE, so each run of a test runs the element's scripts.
 */
export function runDib(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): ResultPromise & Promise<DibRun> {
  return execa(process.execPath, [DIB_BIN, ...args], {
    cwd: options.cwd,
    env: { CI: '1', DIB_STAGE_CACHE: '0', ...options.env },
    reject: false,
    timeout: options.timeoutMs,
    stdin: 'ignore',
  }) as unknown as ResultPromise & Promise<DibRun>;
}
