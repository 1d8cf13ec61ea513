/** `dib import-element DIR`: turns a classic DIB element directory into an element package. */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DibError, elementNameOf, loadElementDirectory, packageNamesFor } from '@dib/core';
import { command } from '../command.js';
import { checkPackageName, elementPackageJson, writeFiles } from '../element-package.js';
import { EXIT } from '../exit.js';
import { ELEMENT_DIR, checkElementDirectory, copyElement } from '../import/copy-element.js';
import { elementTest, readme, runnableHooks, type ImportedPackage } from '../import/generated-files.js';
import { manifestInput, manifestSource } from '../import/manifest-source.js';
import { readmeVariables } from '../import/readme-env.js';

export const IMPORT_ELEMENT_USAGE = `Usage: dib import-element DIR [-o OUTDIR] [--name PACKAGE] [--force]

Makes an npm element package from the classic DIB element in DIR: package.json, index.js
with the manifest read from element-deps, element-provides, element-conflicts,
package-installs.yaml/.json, pkg-map and block-device-*.yaml, the variables of the
README's "Environment Variables" section, every other file of DIR as it is, a README and
a vitest test that plans a build with it. Then: cd OUTDIR && npm install && npm test.

Options:
  -o, --output OUTDIR  where to write the package (default: ./NAME, NAME being DIR's name)
  --name PACKAGE       package name (default: dib-element-NAME), e.g. @acme/dib-element-NAME
  --force              replace OUTDIR's contents when it is not empty
  -h, --help           this help`;

const OPTIONS = { output: { type: 'string', short: 'o' }, name: { type: 'string' }, force: { type: 'boolean' } } as const;

const GENERATED = ['package.json', 'index.js', 'README.md', 'test'];

/** Refuses an OUTDIR that holds DIR or lies in it (--force would delete the source), and a non-empty one without --force. */
function prepareOutput(out: string, source: string, force: boolean): void {
  const inside = (a: string, b: string) => a === b || a.startsWith(`${b}${path.sep}`);
  const real = existsSync(out) ? realpathSync(out) : out;
  if (inside(real, source) || inside(source, real))
    throw new DibError('DIB_E_ARGUMENT', `the output directory ${out} overlaps the element directory ${source}`, {
      hint: 'Pass -o with a directory outside the element, e.g. -o ../packages/NAME.',
    });
  if (existsSync(out) && readdirSync(out).length > 0) {
    if (!force)
      throw new DibError('DIB_E_ARGUMENT', `${out} already exists and is not empty`, {
        hint: 'Pass --force to replace its contents, or -o to write the package somewhere else.',
      });
    rmSync(out, { recursive: true, force: true });
  }
  mkdirSync(out, { recursive: true });
}

export const importElementCommand = command(IMPORT_ELEMENT_USAGE, OPTIONS, async (v, positionals) => {
  if (positionals.length !== 1)
    throw new DibError('DIB_E_ARGUMENT', `name one classic element directory (got ${positionals.length} arguments)`, {
      hint: 'e.g. dib import-element elements/my-element',
    });
  const given = path.resolve(positionals[0]);
  checkElementDirectory(given);
  const dir = realpathSync(given);
  const name = path.basename(dir);
  const clash = readdirSync(dir).filter((e) => GENERATED.includes(e) && e !== 'README.md');
  if (clash.length)
    throw new DibError('DIB_E_ARGUMENT', `${dir} already has ${clash.join(', ')}, which the package would replace`, {
      hint: 'Is it an element package already? Rename those files in the classic element first.',
    });
  // The core's loader reads the classic files; its errors (bad YAML or JSON, bad names) are the import's errors.
  const loaded = loadElementDirectory(name, dir);
  const packageName = v.name ? checkPackageName(v.name, '--name') : `dib-element-${name}`;
  const out = path.resolve(v.output ?? name);
  prepareOutput(out, dir, v.force ?? false);

  const copied = copyElement(dir, out);
  const readmeMd = path.join(dir, 'README.md');
  const readmeText = ['README.md', 'README.rst'].map((f) => path.join(dir, f)).find(existsSync);
  const variables = readmeText ? readmeVariables(readFileSync(readmeText, 'utf8')) : {};
  const env = Object.fromEntries(Object.entries(variables).map(([n, description]) => [n, { description }]));
  const pkg: ImportedPackage = {
    element: name,
    packageName,
    request: elementNameOf(packageName),
    description: loaded.manifest.description,
    env,
    classicReadme: existsSync(readmeMd) ? readFileSync(readmeMd, 'utf8') : undefined,
    keptRst: copied.includes('README.rst'),
  };
  writeFiles(out, {
    'package.json': elementPackageJson({ packageName, description: loaded.manifest.description, files: ['index.js', 'README.md', ELEMENT_DIR] }),
    'index.js': manifestSource({ ...manifestInput(loaded.manifest, env), hooksDir: ELEMENT_DIR, classicTree: true }, name),
    'README.md': readme(pkg),
    'test/element.test.js': elementTest(pkg, runnableHooks(path.join(out, ELEMENT_DIR))),
  });

  const notes = [
    ...(packageNamesFor(name).includes(packageName)
      ? []
      : [`elements that name "${name}" in element-deps will not find ${packageName}; dib looks for ${packageNamesFor(name).join(' or ')}`]),
  ];
  process.stdout.write(
    `created ${out} (${packageName}: ${Object.keys(env).length} variable(s) from the README)\n` +
      notes.map((n) => `note: ${n}\n`).join('') +
      `next: cd ${path.relative(process.cwd(), out) || '.'} && npm install && npm test\n`,
  );
  return EXIT.ok;
});
