/**
 * The element names a project can use without installing anything: element packages its
 * package.json files (and this CLI's) declare, and the directories on ELEMENTS_PATH.
 * Nothing is scanned beyond what is declared. `dib element-info` lists them when no
 * element is named; "did you mean" picks from them, so a file that cannot be read is skipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { elementNameOf } from './naming.js';

const ELEMENT_PACKAGE = /^(@dib\/element-|dib-element-|@[^/]+\/dib-element-)/;

const declared = (packageJson: string): string[] => {
  try {
    const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
    return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies, ...pkg.optionalDependencies }).filter((n) => ELEMENT_PACKAGE.test(n));
  } catch {
    return [];
  }
};

const directories = (dir: string): string[] => {
  try {
    return readdirSync(dir).filter((entry) => statSync(path.join(dir, entry)).isDirectory());
  } catch {
    return [];
  }
};

export function knownElementNames(searchRoots: readonly string[], elementsPath: readonly string[]): string[] {
  const names = new Set<string>();
  for (const root of searchRoots) for (const p of declared(path.join(root, 'package.json'))) names.add(elementNameOf(p));
  for (const dir of elementsPath) for (const entry of directories(dir)) names.add(entry);
  return [...names].sort();
}
