import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A classic DIB element directory: `element-deps`, hook scripts, and any other files. */
export interface ClassicElementSpec {
  deps?: string[];
  provides?: string[];
  /** "install.d/50-foo" -> script body; hooks in *.d/ are made executable. */
  files?: Record<string, string>;
}

export function writeClassicElement(elementsDir: string, name: string, spec: ClassicElementSpec): string {
  const dir = path.join(elementsDir, name);
  mkdirSync(dir, { recursive: true });
  if (spec.deps) writeFileSync(path.join(dir, 'element-deps'), `${spec.deps.join('\n')}\n`);
  if (spec.provides) writeFileSync(path.join(dir, 'element-provides'), `${spec.provides.join('\n')}\n`);
  writeElementFiles(dir, spec.files ?? {});
  return dir;
}

/** Writes files under an element directory; scripts in hook directories (*.d/, not environment.d) get the run bit. */
export function writeElementFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    if (/\.d\//.test(rel) && !rel.startsWith('environment.d/')) chmodSync(file, 0o755);
  }
}

export interface PackageElementSpec {
  /** Plain manifest object (serialised as the default export), or the full source of index.js. */
  manifest: Record<string, unknown> | string;
  version?: string;
  keywords?: string[];
  /** Default `^0.1.0`; null leaves peerDependencies out. */
  coreRange?: string | null;
  /** Default true: export "./package.json" in the exports map. */
  exportPackageJson?: boolean;
  /** Extra files relative to the package root; files under `*.d/` are made executable. */
  files?: Record<string, string>;
}

/** Writes `<project>/node_modules/<packageName>` as an ESM element package; returns its root. */
export function writePackageElement(projectDir: string, packageName: string, spec: PackageElementSpec): string {
  const root = path.join(projectDir, 'node_modules', ...packageName.split('/'));
  mkdirSync(root, { recursive: true });
  const pkg = {
    name: packageName,
    version: spec.version ?? '1.0.0',
    type: 'module',
    main: 'index.js',
    keywords: spec.keywords ?? ['dib-element'],
    ...(spec.coreRange === null ? {} : { peerDependencies: { '@dib/core': spec.coreRange ?? '^0.1.0' } }),
    exports: spec.exportPackageJson === false ? { '.': './index.js' } : { '.': './index.js', './package.json': './package.json' },
  };
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2));
  const source = typeof spec.manifest === 'string' ? spec.manifest : `export default ${JSON.stringify(spec.manifest, null, 2)};\n`;
  writeFileSync(path.join(root, 'index.js'), source);
  writeElementFiles(root, spec.files ?? {});
  return root;
}
