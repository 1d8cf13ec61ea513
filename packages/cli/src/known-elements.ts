/**
 * Elements `dib element-info` lists when none are named: those the project and this CLI
 * declare as dependencies, and the directories in ELEMENTS_PATH. Nothing is scanned
 * beyond what is declared.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { elementNameOf } from '@dib/core';

const ELEMENT_PACKAGE = /^(@dib\/element-|dib-element-|@[^/]+\/dib-element-)/;

const declared = (packageJson: string): string[] => {
  if (!existsSync(packageJson)) return [];
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter((n) => ELEMENT_PACKAGE.test(n));
};

export function knownElementNames(searchRoots: readonly string[], elementsPath: readonly string[]): string[] {
  const names = new Set<string>();
  for (const root of searchRoots) for (const p of declared(path.join(root, 'package.json'))) names.add(elementNameOf(p));
  for (const dir of elementsPath) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) if (statSync(path.join(dir, entry)).isDirectory()) names.add(entry);
  }
  return [...names].sort();
}
