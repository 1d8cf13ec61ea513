/** Paths as Nx wants them: relative to the workspace root, with forward slashes, or undefined when outside it. */
import { realpathSync } from 'node:fs';
import path from 'node:path';

export function workspaceRelative(workspaceRoot: string, file: string): string | undefined {
  const rel = path.relative(workspaceRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/') || '.';
}

/** Where a directory really is: installed packages are often links into the workspace (npm workspaces, pnpm). */
export const realDirectory = (dir: string): string => {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
};

export const isInstalled = (rel: string): boolean => rel.split('/').includes('node_modules');

/** Where an element's directory is in the workspace's own files (links followed), or undefined when it is installed or outside. */
export function workspaceSource(workspaceRoot: string, dir: string): string | undefined {
  const rel = workspaceRelative(workspaceRoot, realDirectory(dir));
  return rel !== undefined && !isInstalled(rel) ? rel : undefined;
}
