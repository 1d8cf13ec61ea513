/**
 * A stage as one archive of the build directory: the tree (`mnt`), the files elements
 * staged as outputs, and what host phases added to the hook tree (the rest of the hook
 * tree is written from the plan). Owners, modes, ACLs, xattrs and SELinux labels are
 * kept; mounts below the tree are not entered.
 */
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { which } from '../host/which.js';
import type { HookTree } from '../hooks/hook-tree.js';

export type Run = (command: string, args: string[], input?: string) => Promise<unknown>;

const KEEP = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--selinux'];

/** zstd when the host has it (fast on every core), else no compression. */
async function compressor(): Promise<string[]> {
  return (await which('zstd')) ? ['--use-compress-program=zstd -T0 -1 -q'] : [];
}

export async function archiveBuildDir(run: Run, buildDir: string, file: string, hookExtras: readonly string[]): Promise<void> {
  const members = ['mnt', 'element-outputs', ...hookExtras.map((f) => `hooks/${f}`)].filter((m) => existsSync(path.join(buildDir, m)));
  await run(
    'tar',
    ['--create', '--file', file, ...(await compressor()), ...KEEP, '--sparse', '--one-file-system', '--directory', buildDir, '--null', '--files-from=-'],
    members.join('\0'),
  );
}

/** Unpacks a stage into a fresh build directory; files the new plan's hook tree has are not replaced. */
export async function restoreBuildDir(run: Run, buildDir: string, file: string): Promise<void> {
  await run('tar', [
    '--extract',
    '--file',
    file,
    ...(await compressor()),
    ...KEEP,
    '--preserve-permissions',
    '--same-owner',
    '--skip-old-files',
    '--directory',
    buildDir,
  ]);
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
