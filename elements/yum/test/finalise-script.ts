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
 * recorded, or left off PATH when `withTool` is false (PATH is then the stand-ins and
 * `hostPath`, /usr/bin:/bin unless given); `env` added.
 */
export async function runFinalise(
  script: string,
  tool: string,
  rootVariable: string,
  root: string,
  options: { withTool?: boolean; env?: Record<string, string>; hostPath?: string } = {},
): Promise<FinaliseRun> {
  const withTool = options.withTool !== false;
  removeStubs();
  stubs = stubCommands(withTool ? { [tool]: ':' } : {});
  // Without the tool, only `hostPath` (where the host has no copy of it) besides the stand-ins.
  const PATH = withTool ? `${stubs.dir}:${process.env.PATH}` : [stubs.dir, options.hostPath ?? '/usr/bin:/bin'].filter(Boolean).join(':');
  const file = path.resolve(import.meta.dirname, '../finalise.d', script);
  // bash by its path: PATH may hold the stand-ins only.
  const r = await execa('/bin/bash', [file], { env: { PATH, [rootVariable]: root, ...options.env }, extendEnv: false, reject: false });
  return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, calls: stubs.calls() };
}
