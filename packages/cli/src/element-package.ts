/**
 * What every element package the CLI generates shares (`dib new-element`, `dib
 * import-element`): the package.json dib needs to find and load it, and the start of a
 * vitest file that installs the package into a throwaway project, as a user would have it.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION, DibError } from '@dib/core';
import { CLI_VERSION } from './cli-version.js';

export interface ElementPackageJson {
  packageName: string;
  description: string;
  /** What npm publishes, beside package.json. */
  files: string[];
}

/** keyword dib-element, the manifest as `exports["."]`, @dib/core as a peer: what the core's package loader checks. */
export const elementPackageJson = ({ packageName, description, files }: ElementPackageJson): string =>
  `${JSON.stringify(
    {
      name: packageName,
      version: '0.1.0',
      description,
      license: 'Apache-2.0',
      type: 'module',
      keywords: ['dib-element'],
      exports: { '.': './index.js', './package.json': './package.json' },
      files,
      engines: { node: '>=20.19' },
      scripts: { test: 'vitest run' },
      peerDependencies: { '@dib/core': `^${CORE_VERSION}` },
      devDependencies: { '@dib/cli': `^${CLI_VERSION}`, '@dib/core': `^${CORE_VERSION}`, '@dib/testing': `^${CLI_VERSION}`, vitest: '^4.0.0' },
    },
    null,
    2,
  )}\n`;

const NPM_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;

/** An npm package name the user gave (--name), checked before anything is written. */
export function checkPackageName(name: string, option: string): string {
  if (!NPM_NAME.test(name))
    throw new DibError('DIB_E_ARGUMENT', `${option} must be an npm package name such as dib-element-x or @acme/dib-element-x, got ${name}`);
  return name;
}

/**
 * Imports and `project()`, which makes a temp project with this package linked into its
 * node_modules, for the package's own test file (test/element.test.js).
 */
export const linkedProjectPreamble = (packageName: string, imports: string): string =>
  // Lines of a string array, not of a template: tools/check-packages.mjs reads a line starting with "import" as this module's own.
  `${[
    "import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';",
    "import os from 'node:os';",
    "import path from 'node:path';",
    "import { fileURLToPath } from 'node:url';",
    "import { expect, it } from 'vitest';",
    imports,
  ].join('\n')}

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A throwaway project where this package is installed, as a user would have it. */
function project() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-element-test-'));
  mkdirSync(path.join(dir, 'node_modules', ...${JSON.stringify(packageName)}.split('/').slice(0, -1)), { recursive: true });
  symlinkSync(here, path.join(dir, 'node_modules', ${JSON.stringify(packageName)}));
  return dir;
}
`;

/** Writes files (paths relative to dir); `executable` ones get mode 755. */
export function writeFiles(dir: string, files: Record<string, string>, executable: (rel: string) => boolean = () => false): void {
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    if (executable(rel)) chmodSync(file, 0o755);
  }
}
