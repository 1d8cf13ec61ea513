/**
 * Loads element packages from the user's project (never by scanning node_modules):
 * shorthand -> candidate names -> node_modules/NAME from each search root upwards.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
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
  main?: string;
  exports?: Exports;
  keywords?: string[];
  peerDependencies?: Record<string, string>;
}

/**
 * Finds a package's root directory the way Node looks packages up: `node_modules/NAME`
 * in the search root and each directory above it. Only the named package is looked at.
 */
function findPackageRoot(packageName: string, searchRoot: string): string | undefined {
  let dir = path.resolve(searchRoot);
  for (;;) {
    const candidate = path.join(dir, 'node_modules', packageName);
    if (existsSync(path.join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === path.dirname(dir)) return undefined;
    dir = path.dirname(dir);
  }
}

type Exports = string | { [condition: string]: Exports } | null | undefined;

/** The ESM entry of a package: exports["."] (import/node/default conditions) or main. */
function entryPoint(packageRoot: string, pkg: { exports?: Exports; main?: string }): string | undefined {
  const pick = (e: Exports): string | undefined => {
    if (typeof e === 'string') return e;
    if (!e || typeof e !== 'object') return undefined;
    if ('.' in e) return pick(e['.']);
    for (const condition of ['import', 'node', 'default']) if (condition in e) return pick(e[condition]);
    return undefined;
  };
  const rel = pkg.exports !== undefined ? pick(pkg.exports) : (pkg.main ?? 'index.js');
  return rel ? path.resolve(packageRoot, rel) : undefined;
}

export interface PackageCandidate {
  packageName: string;
  packageRoot: string;
}

/** First installed package for an element name, trying its package names in naming-rule order. */
export function locateElementPackage(element: string, searchRoots: readonly string[]): PackageCandidate | undefined {
  for (const packageName of packageNamesFor(element)) {
    for (const root of searchRoots) {
      const packageRoot = findPackageRoot(packageName, root);
      if (packageRoot) return { packageName, packageRoot };
    }
  }
  return undefined;
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
  const entry = entryPoint(packageRoot, pkg);
  let mod: Record<string, unknown>;
  if (!entry || !existsSync(entry)) {
    throw new DibError(
      'DIB_E_NOT_AN_ELEMENT',
      `${packageName}@${pkg.version} has no entry point (exports "." or main)${entry ? `: ${entry} does not exist` : ''}`,
      {
        location: { element },
        hint: 'An element package exports its defineElement() manifest from its entry point; was it built (npm run build)?',
      },
    );
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
    throw new DibError(
      'DIB_E_NOT_AN_ELEMENT',
      `${packageName}@${pkg.version}: its entry point ${entry} exports no manifest (default export from defineElement())`,
      {
        location: { file: entry, element },
      },
    );
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
