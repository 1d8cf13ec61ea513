/**
 * Runs one of yum's finalise scripts against a tree on the host, with the image's tool
 * it calls replaced by a recorder (or absent), for tests of when a script acts.
 */
import path from 'node:path';
import { execa } from 'execa';
import { stubCommands, type StubCommands } from '@dib/testing';

let stubs: StubCommands | undefined;
export const removeStubs = () => stubs?.remove();

export interface FinaliseRun {
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** The tool's command lines, one per call. */
  calls: string[];
}

/**
 * `script` (in finalise.d) with the tree at `root` given as `rootVariable`; `tool`
 * recorded, or left off PATH when `withTool` is false; `env` added.
 */
export async function runFinalise(
  script: string,
  tool: string,
  rootVariable: string,
  root: string,
  options: { withTool?: boolean; env?: Record<string, string> } = {},
): Promise<FinaliseRun> {
  const withTool = options.withTool !== false;
  stubs = stubCommands(withTool ? { [tool]: ':' } : {});
  const PATH = withTool ? `${stubs.dir}:${process.env.PATH}` : `${stubs.dir}:/usr/bin:/bin`;
  const file = path.resolve(import.meta.dirname, '../finalise.d', script);
  const r = await execa('bash', [file], { env: { PATH, [rootVariable]: root, ...options.env }, extendEnv: false, reject: false });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, calls: stubs.calls() };
}
