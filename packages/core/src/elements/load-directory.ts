/**
 * Classic DIB element directories: `element-deps`, `element-provides`,
 * `package-installs.yaml`, `pkg-map`, `*.d/` hook directories and the disk keys
 * (block-device-*.yaml, no-final-image) read by classic-disk-keys.ts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DibError } from '../errors.js';
import type { LoadedElement } from './types.js';
import { validateManifest } from './validate-manifest.js';
import { classicDiskKeys } from './classic-disk-keys.js';

const readList = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim())
        .filter(Boolean)
    : [];

/** First paragraph line of README.md or README.rst (DIB's elements use .rst), as the description. */
const readDescription = (dir: string): string => {
  const readme = ['README.md', 'README.rst'].map((f) => path.join(dir, f)).find(existsSync);
  if (!readme) return '(classic element, no README)';
  const line = readFileSync(readme, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !/^[=#-]+/.test(l) && !/^[=-]+$/.test(l));
  return line ?? '(classic element)';
};

/** DIB's package-installs.yaml: `pkg:` or `pkg: {phase: install.d, uninstall: true, arch: ..., when: ...}`. */
function readPackageInstalls(dir: string): Record<string, unknown> {
  const file = ['package-installs.yaml', 'package-installs.json'].map((f) => path.join(dir, f)).find(existsSync);
  if (!file) return {};
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
  } catch (cause) {
    throw new DibError('DIB_E_MANIFEST_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { location: { file }, cause });
  }
  const toList = (v: unknown) =>
    v === undefined
      ? undefined
      : String(v)
          .split(/[\s,]+/)
          .filter(Boolean);
  return Object.fromEntries(
    Object.entries(raw as Record<string, Record<string, unknown> | null>).map(([pkg, spec]) => {
      if (!spec) return [pkg, null];
      const when = spec.when === undefined ? undefined : Array.isArray(spec.when) ? spec.when.map(String) : [String(spec.when)];
      return [
        pkg,
        {
          phase: typeof spec.phase === 'string' ? spec.phase.replace(/\.d$/, '') : undefined,
          uninstall: spec.uninstall === undefined ? undefined : Boolean(spec.uninstall),
          arch: toList(spec.arch),
          notArch: toList(spec['not-arch']),
          when,
        },
      ];
    }),
  );
}

export function loadElementDirectory(name: string, dir: string): LoadedElement {
  const pkgMapFile = path.join(dir, 'pkg-map');
  let pkgMap: unknown;
  if (existsSync(pkgMapFile)) {
    try {
      pkgMap = JSON.parse(readFileSync(pkgMapFile, 'utf8'));
    } catch (cause) {
      throw new DibError('DIB_E_MANIFEST_INVALID', `${pkgMapFile}: not valid JSON: ${(cause as Error).message}`, {
        location: { file: pkgMapFile, element: name },
        cause,
      });
    }
  }
  const dependencies = readList(path.join(dir, 'element-deps'));
  const manifest = validateManifest(
    {
      name,
      description: readDescription(dir),
      dependencies,
      provides: readList(path.join(dir, 'element-provides')),
      conflicts: readList(path.join(dir, 'element-conflicts')),
      packages: readPackageInstalls(dir),
      pkgMap,
      ...classicDiskKeys(name, dir, dependencies),
    },
    dir,
  );
  return { name, manifest, directory: dir, source: { kind: 'directory', path: dir } };
}

/** Every ELEMENTS_PATH directory that holds an element of this name, in path order. */
export function findElementDirectories(name: string, elementsPath: readonly string[]): string[] {
  return elementsPath.map((p) => path.join(p, name)).filter((d) => existsSync(d) && statSync(d).isDirectory());
}
