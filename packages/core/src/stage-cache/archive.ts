/**
 * A stage as one archive of the build directory: the tree (`mnt`), the files elements
 * staged as outputs, and what host phases added to the hook tree (the rest of the hook
 * tree is written from the plan). Owners, modes, ACLs, xattrs and SELinux labels are
 * kept; mounts below the tree are not entered.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { which } from '../host/which.js';
import { TREE_ATTRIBUTES } from '../outputs/tarball.js';
import type { HookTree } from '../hooks/hook-tree.js';

export type Run = (command: string, args: string[], input?: string) => Promise<unknown>;

/** zstd when the host has it (fast on every core), else no compression. */
async function compressor(): Promise<string[]> {
  return (await which('zstd')) ? ['--use-compress-program=zstd -T0 -1 -q'] : [];
}

export async function archiveBuildDir(run: Run, buildDir: string, file: string, hookExtras: readonly string[]): Promise<void> {
  const members = ['mnt', 'element-outputs', ...hookExtras.map((f) => `hooks/${f}`)].filter((m) => existsSync(path.join(buildDir, m)));
  await run(
    'tar',
    [
      '--create',
      '--file',
      file,
      ...(await compressor()),
      ...TREE_ATTRIBUTES,
      '--sparse',
      '--one-file-system',
      '--directory',
      buildDir,
      '--null',
      '--files-from=-',
    ],
    members.join('\0'),
  );
}

/**
 * Unpacks a stage into a fresh build directory. It is unpacked beside it first, so a
 * failed unpack leaves the build directory as it was; then the tree and the staged outputs
 * are moved in, and the hook files host phases had added are copied where the new plan's
 * hook tree has no file of that name.
 */
export async function restoreBuildDir(run: Run, buildDir: string, file: string): Promise<void> {
  const staging = path.join(buildDir, '.stage-restore');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  try {
    await run('tar', [
      '--extract',
      '--file',
      file,
      ...(await compressor()),
      ...TREE_ATTRIBUTES,
      '--preserve-permissions',
      '--same-owner',
      '--directory',
      staging,
    ]);
    if (existsSync(path.join(staging, 'mnt'))) renameSync(path.join(staging, 'mnt'), path.join(buildDir, 'mnt'));
    const staged = path.join(staging, 'element-outputs');
    if (existsSync(staged)) for (const name of readdirSync(staged)) renameSync(path.join(staged, name), path.join(buildDir, 'element-outputs', name));
    const hooks = path.join(staging, 'hooks');
    if (existsSync(hooks)) cpSync(hooks, path.join(buildDir, 'hooks'), { recursive: true, force: false, errorOnExist: false, preserveTimestamps: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Files under the hook tree on disk that the plan did not put there: what extra-data hooks added. */
export function hookTreeExtras(hooksPath: string, tree: HookTree): string[] {
  const written = new Set(tree.files.filter((f) => f.entry.source).map((f) => (f.dir ? `${f.dir}/${f.entry.name}` : f.entry.name)));
  const extras: string[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(hooksPath, relative))) {
      const child = relative ? `${relative}/${name}` : name;
      if (child === '.dib' || written.has(child)) continue;
      if (lstatSync(path.join(hooksPath, child)).isDirectory()) walk(child);
      else extras.push(child);
    }
  };
  if (existsSync(hooksPath)) walk('');
  return extras.sort();
}
