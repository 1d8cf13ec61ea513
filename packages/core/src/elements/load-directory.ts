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

/** DIB's comma-separated arch lists, trimmed (DIB 3.13 forgets to trim, so "amd64, i386" never matched i386). */
const archList = (v: unknown): string[] | undefined =>
  v === undefined || v === null
    ? undefined
    : String(v)
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);

/**
 * One spec of package-installs.yaml in the manifest's terms. As in DIB, `uninstall` and
 * `build-only` count by being there, whatever their value. Keys DIB does not know are
 * kept, so the manifest schema reports them.
 */
function packageSpec(spec: unknown): Record<string, unknown> {
  if (spec === null || spec === undefined) return {};
  if (typeof spec !== 'object' || Array.isArray(spec)) return spec as Record<string, unknown>;
  const {
    phase,
    uninstall,
    'build-only': buildOnly,
    arch,
    'not-arch': notArch,
    installtype,
    dib_python_version: py,
    when,
    ...rest
  } = spec as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest };
  if (phase !== undefined) out.phase = typeof phase === 'string' ? phase.replace(/\.d$/, '') : phase;
  if (uninstall !== undefined) out.uninstall = true;
  if (buildOnly !== undefined) out.buildOnly = true;
  if (arch !== undefined) out.arch = archList(arch);
  if (notArch !== undefined) out.notArch = archList(notArch);
  if (installtype !== undefined && installtype !== null) out.installType = String(installtype);
  if (py !== undefined && py !== null && py !== '') out.pythonVersion = String(py);
  if (when !== undefined && when !== null) out.when = (Array.isArray(when) ? when : [when]).map(String);
  return out;
}

/** DIB treats an empty or false value (null, {}, [], "") as "install it at the start of install". */
const isEmpty = (v: unknown): boolean => !v || (typeof v === 'object' && Object.keys(v).length === 0);

/**
 * DIB's package-installs.json and .yaml (both, json first, as DIB squashes them): `pkg:`,
 * `pkg: {phase, uninstall, build-only, arch, not-arch, installtype, dib_python_version, when}`
 * or `pkg: [spec, ...]`, each spec applying on its own.
 */
function readPackageInstalls(dir: string, element: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of ['package-installs.json', 'package-installs.yaml'].map((f) => path.join(dir, f)).filter(existsSync)) {
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (cause) {
      throw new DibError('DIB_E_MANIFEST_INVALID', `${file}: not valid YAML: ${(cause as Error).message}`, { location: { file, element }, cause });
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new DibError(
        'DIB_E_MANIFEST_INVALID',
        `${file}: expected a mapping of package names to their settings, found ${Array.isArray(raw) ? 'a list' : typeof raw}`,
        {
          location: { file, element },
          hint: 'Write one package name per key, e.g. "curl:" or "grub2:\n  phase: pre-install.d".',
        },
      );
    }
    for (const [pkg, value] of Object.entries(raw as Record<string, unknown>)) {
      const entry = isEmpty(value) ? null : Array.isArray(value) ? value.map(packageSpec) : packageSpec(value);
      // A package named in both files: both entries apply, as DIB appends them.
      out[pkg] = pkg in out ? [out[pkg] ?? {}, entry ?? {}].flat() : entry;
    }
  }
  return out;
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
      packages: readPackageInstalls(dir, name),
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
