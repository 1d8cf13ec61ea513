/**
 * Nx makes an npm node for each package of the workspace's lockfile, and refuses an
 * externalDependencies input naming a package it has no node for; so packages are named
 * there only when a lockfile lists them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const LOCKFILES = ['package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

/** A test for "the lockfile lists this package", or undefined when there is no lockfile. */
export function lockedPackages(workspaceRoot: string): ((name: string) => boolean) | undefined {
  const file = LOCKFILES.map((f) => path.join(workspaceRoot, f)).find((f) => existsSync(f));
  if (!file) return undefined;
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('package-lock.json')) {
    const packages = Object.keys((JSON.parse(text) as { packages?: Record<string, unknown> }).packages ?? {});
    const names = new Set(packages.map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length)));
    return (name) => names.has(name);
  }
  // The other formats name each package at the start of an entry, quoted or not.
  return (name) => new RegExp(`(^|[\\s"'/])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@`, 'm').test(text);
}
