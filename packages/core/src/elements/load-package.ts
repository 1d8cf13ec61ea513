/**
 * Loads element packages from the user's project (never by scanning node_modules):
 * shorthand -> candidate names -> require.resolve from each search root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import semver from 'semver';
import { DibError } from '../errors.js';
import { CORE_VERSION } from './core-version.js';
import { packageNamesFor } from './naming.js';
import type { LoadedElement } from './types.js';
import { validateManifest } from './validate-manifest.js';

interface PackageJson {
  name: string;
  version: string;
  keywords?: string[];
  peerDependencies?: Record<string, string>;
}

/** Finds a package's root directory from a search root, or undefined when not installed. */
export function findPackageRoot(packageName: string, searchRoot: string): string | undefined {
  const require = createRequire(path.join(searchRoot, 'noop.js'));
  try {
    return path.dirname(require.resolve(`${packageName}/package.json`));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
  }
  // package.json not exported: walk up from the resolved entry point.
  let dir = path.dirname(require.resolve(packageName));
  while (dir !== path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj) && JSON.parse(readFileSync(pj, 'utf8')).name === packageName) return dir;
    dir = path.dirname(dir);
  }
  return undefined;
}

export interface PackageCandidate {
  packageName: string;
  packageRoot: string;
}

/** First installed package for an element name; `tried` lists every package name attempted. */
export function locateElementPackage(element: string, searchRoots: readonly string[]): { found?: PackageCandidate; tried: string[] } {
  const tried = packageNamesFor(element);
  for (const packageName of tried) {
    for (const root of searchRoots) {
      const packageRoot = findPackageRoot(packageName, root);
      if (packageRoot) return { found: { packageName, packageRoot }, tried };
    }
  }
  return { tried };
}

export async function loadElementPackage(element: string, candidate: PackageCandidate): Promise<LoadedElement> {
  const { packageName, packageRoot } = candidate;
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as PackageJson;
  if (!pkg.keywords?.includes('dib-element')) {
    throw new DibError('DIB_E_NOT_AN_ELEMENT', `${packageName}@${pkg.version} (for element "${element}") has no "dib-element" keyword in its package.json`, {
      location: { file: path.join(packageRoot, 'package.json'), element },
    });
  }
  const range = pkg.peerDependencies?.['@dib/core'];
  if (range && !semver.satisfies(CORE_VERSION, range, { includePrerelease: true })) {
    throw new DibError('DIB_E_PEER_MISMATCH', `${packageName}@${pkg.version} needs @dib/core ${range}, but this is @dib/core ${CORE_VERSION}`, {
      location: { element },
    });
  }
  const require = createRequire(path.join(packageRoot, 'noop.js'));
  let entry: string;
  let mod: Record<string, unknown>;
  try {
    entry = require.resolve(packageName);
  } catch (cause) {
    throw new DibError('DIB_E_NOT_AN_ELEMENT', `${packageName} has no entry point exporting a manifest`, { location: { element }, cause });
  }
  try {
    mod = await import(pathToFileURL(entry).href);
  } catch (cause) {
    throw new DibError('DIB_E_ELEMENT_LOAD_FAILED', `${packageName}@${pkg.version}: ${(cause as Error)?.message ?? cause}`, {
      location: { file: entry, element },
      cause,
    });
  }
  const exported = mod.default ?? mod.element;
  if (!exported || typeof exported !== 'object') {
    throw new DibError('DIB_E_NOT_AN_ELEMENT', `${packageName}@${pkg.version}: its entry point ${entry} exports no manifest (default export from defineElement())`, {
      location: { file: entry, element },
    });
  }
  const manifest = validateManifest(exported, `${packageName}@${pkg.version}`);
  const expected = element.startsWith('@') || element.startsWith('dib-element-') ? manifest.name : element;
  if (manifest.name !== expected) {
    throw new DibError('DIB_E_MANIFEST_INVALID', `${packageName}@${pkg.version} declares element name "${manifest.name}" but was installed for "${element}"`, {
      location: { file: entry, element },
    });
  }
  return {
    name: manifest.name,
    manifest,
    directory: path.resolve(packageRoot, manifest.hooksDir),
    source: { kind: 'package', packageName, version: pkg.version, packageRoot },
  };
}
