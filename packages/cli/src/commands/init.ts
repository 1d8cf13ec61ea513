/** `dib init`: a starter config and the element packages it needs, in the user's own repository. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION, DibError, packageNamesFor } from '@dib/core';
import { CLI_VERSION } from '../cli-version.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const INIT_USAGE = `Usage: dib init [--yaml] [--name IMAGE] [--force] [ELEMENT...]

Writes dib.config.ts (or dib.config.yaml with --yaml) in the current directory with one
image made of ELEMENT... (default: debian vm), and adds @dib/cli and the element
packages to package.json's devDependencies. Then: npm install && npx @dib/cli create.

Options:
  --yaml        write dib.config.yaml instead of dib.config.ts
  --name IMAGE  the image's name (default: image)
  --force       replace an existing config file
  -h, --help    this help`;

const OPTIONS = { yaml: { type: 'boolean' }, name: { type: 'string' }, force: { type: 'boolean' } } as const;

export const initCommand = command(INIT_USAGE, OPTIONS, async (v, positionals) => {
  const elements = positionals.length ? positionals : ['debian', 'vm'];
  const name = v.name ?? 'image';
  const cwd = process.cwd();
  const file = path.join(cwd, v.yaml ? 'dib.config.yaml' : 'dib.config.ts');
  if (existsSync(file) && !v.force) throw new DibError('DIB_E_ARGUMENT', `${file} already exists`, { hint: 'Pass --force to replace it.' });
  const list = elements.map((e) => `'${e}'`).join(', ');
  writeFileSync(
    file,
    v.yaml
      ? `# dib images for this repository: \`npx @dib/cli create\` builds them all, \`npx @dib/cli create ${name}\` one.\nimages:\n  ${name}:\n    elements: [${elements.join(', ')}]\n    types: [qcow2]\n    environment:\n      DIB_RELEASE: bookworm\n`
      : `import { defineConfig } from '@dib/core/define';\n\n// dib images for this repository: \`npx @dib/cli create\` builds them all, \`npx @dib/cli create ${name}\` one.\nexport default defineConfig({\n  images: {\n    ${name.includes('-') ? `'${name}'` : name}: {\n      elements: [${list}],\n      types: ['qcow2'],\n      environment: { DIB_RELEASE: 'bookworm' },\n    },\n  },\n});\n`,
  );
  const pkgFile = path.join(cwd, 'package.json');
  const pkg = existsSync(pkgFile)
    ? JSON.parse(readFileSync(pkgFile, 'utf8'))
    : {
        name: path
          .basename(cwd)
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, '-'),
        private: true,
        type: 'module',
      };
  const dev: Record<string, string> = { ...(pkg.devDependencies ?? {}) };
  dev['@dib/cli'] ??= `^${CLI_VERSION}`;
  dev['@dib/core'] ??= `^${CORE_VERSION}`;
  if (!v.yaml) dev.typescript ??= '^5.9.0';
  for (const e of elements) dev[packageNamesFor(e)[0]] ??= e.startsWith('@') || e.startsWith('dib-element-') ? 'latest' : `^${CLI_VERSION}`;
  pkg.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  process.stdout.write(
    `wrote ${path.relative(cwd, file)} and package.json devDependencies.\nnext: npm install && npx @dib/cli create --dry-run && npx @dib/cli create\n`,
  );
  return EXIT.ok;
});
