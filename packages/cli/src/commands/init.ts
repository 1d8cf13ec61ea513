/** `dib init`: a starter config and the element packages it needs, in the user's own repository. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_SEARCH_PLACES, ConfigSchema, CORE_VERSION, DibError, didYouMean, elementNameOf, knownElementNames, packageNamesFor } from '@dib/core';
import { CLI_VERSION } from '../cli-version.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { CLI_ROOT, parseElementArguments } from '../images.js';

/** Where a user is sent to install dib: its packages are not on the public npm registry, so a bare `npm install` fails. */
const INSTALL_STEP = "install dib's packages as docs/releasing.md#steps describes (they are not on the public npm registry)";

export const INIT_USAGE = `Usage: dib init [--yaml] [--nx] [--name IMAGE] [--force] [ELEMENT...]

Writes dib.config.ts (or dib.config.yaml with --yaml) in the current directory with one
image made of ELEMENT... (default: debian vm), and adds @dib/cli and the element
packages to package.json's devDependencies. ELEMENT is an element dib ships (debian, vm)
or a third-party element's package (@acme/dib-element-foo, dib-element-foo). Refuses when
the directory already has a dib config file. Next:
${INSTALL_STEP},
then npx @dib/cli create --dry-run.

With --nx, also adds the @dib/nx plugin to nx.json (made when missing) and to
devDependencies, so each image becomes an Nx project with an image target; the config is
then dib.config.json (Nx hashes each image's entry of a JSON config alone), and dib
config files already here or in folders below are kept.

Options:
  --yaml        write dib.config.yaml instead of dib.config.ts
  --nx          add the @dib/nx plugin to the Nx workspace here
  --name IMAGE  the image's name (default: image)
  --force       replace an existing config file of the same name
  -h, --help    this help`;

const OPTIONS = { yaml: { type: 'boolean' }, nx: { type: 'boolean' }, name: { type: 'string' }, force: { type: 'boolean' } } as const;

interface PackageJson {
  devDependencies?: Record<string, string>;
  dib?: unknown;
  [key: string]: unknown;
}

export const initCommand = command(INIT_USAGE, OPTIONS, async (v, positionals) => {
  const elements = positionals.length ? positionals : ['debian', 'vm'];
  const name = v.name ?? 'image';
  const cwd = process.cwd();
  const format = v.yaml ? 'yaml' : v.nx ? 'json' : 'ts';
  const target = `dib.config.${format}`;
  const pkgFile = path.join(cwd, 'package.json');
  // Everything is checked before the first write, so a refusal leaves the directory as it was.
  parseElementArguments(elements);
  checkImageName(name);
  const pkg = readPackageJson(pkgFile, cwd);
  const existing = existingConfigs(cwd, pkg);
  if (v.nx) refuseConfigsNxCannotRead(existing);
  // Adding Nx to a repository that already has its images (here or in a folder below) keeps them.
  const elsewhere = v.nx && !v.force ? configsBelow(cwd) : [];
  const keep = v.nx && !v.force && (existing.length > 0 || elsewhere.length > 0);
  if (!keep) refuseExistingConfig(cwd, target, existing, v.force ?? false);
  const nx = v.nx ? nxJsonWithPlugin(path.join(cwd, 'nx.json')) : undefined;
  const dev = devDependencies(pkg.devDependencies ?? {}, keep ? [] : elements, format === 'ts', v.nx ?? false);
  const written: string[] = [];
  if (!keep) {
    writeFileSync(path.join(cwd, target), CONFIG_WRITERS[format](name, elements));
    written.push(target);
  }
  if (nx) {
    writeFileSync(path.join(cwd, 'nx.json'), nx);
    written.push('nx.json');
  }
  writeFileSync(pkgFile, `${JSON.stringify({ ...pkg, devDependencies: dev }, null, 2)}\n`);
  written.push('package.json devDependencies');
  const kept = keep ? `kept ${[...existing, ...elsewhere].join(', ')}; ` : '';
  const next = v.nx ? 'npx nx show projects' : 'npx @dib/cli create --dry-run';
  process.stdout.write(`${kept}wrote ${written.join(', ')}.\nnext: ${INSTALL_STEP}, then ${next}\n`);
  return EXIT.ok;
});

/** The name becomes a key of the config: refused here, by the config's own rule, rather than by the next dib create. */
function checkImageName(name: string): void {
  const parsed = ConfigSchema.shape.images.unwrap().keyType.safeParse(name);
  if (parsed.success) return;
  throw new DibError('DIB_E_ARGUMENT', `--name ${JSON.stringify(name)} is not an image name (${parsed.error.issues[0]?.message})`, {
    hint: 'Name the image as you will type it after dib create, such as web or debian-12.',
  });
}

function readPackageJson(file: string, cwd: string): PackageJson {
  if (!existsSync(file))
    return {
      name: path
        .basename(cwd)
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '-'),
      private: true,
      type: 'module',
    };
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DibError('DIB_E_CONFIG_INVALID', `${file} is not JSON: ${(e as Error).message}`, { hint: 'Fix package.json, then run dib init again.' });
  }
}

/** The config files dib would read in `dir`, in its search order; a package.json is one when it has a "dib" key. */
function existingConfigs(dir: string, pkg: PackageJson): string[] {
  return CONFIG_SEARCH_PLACES.filter((name) => (name === 'package.json' ? pkg.dib !== undefined : existsSync(path.join(dir, name))));
}

/** The config files the @dib/nx plugin reads: the dib.config.* names of the config search. */
const NX_READS = CONFIG_SEARCH_PLACES.filter((name) => name.startsWith('dib.config.'));

/** The plugin reads dib.config.* only: a .dibrc or package.json config would leave Nx without a project. */
function refuseConfigsNxCannotRead(existing: string[]): void {
  const unread = existing.filter((name) => !NX_READS.includes(name));
  if (unread.length === 0) return;
  throw new DibError(
    'DIB_E_ARGUMENT',
    `the @dib/nx plugin reads dib.config.* files, and this directory's dib config is ${unread.map((n) => (n === 'package.json' ? 'the "dib" key of package.json' : n)).join(' and ')}`,
    {
      hint: 'Move the config into dib.config.json (the same keys), then run dib init --nx again.',
    },
  );
}

/** The files the @dib/nx plugin reads (dib.config.*) in folders below `dir`, as relative paths; dependencies and hidden folders are skipped. */
function configsBelow(dir: string, depth = 8, prefix = ''): string[] {
  if (depth === 0) return [];
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || entry.name === 'node_modules' ? [] : configsBelow(dir, depth - 1, rel);
    return prefix && NX_READS.includes(entry.name) ? [rel] : [];
  });
}

/** dib reads one config file per directory, so init never writes one beside another; --force replaces only its own. */
function refuseExistingConfig(dir: string, target: string, existing: string[], force: boolean): void {
  const others = existing
    .filter((name) => name !== target)
    .map((name) => (name === 'package.json' ? `the "dib" key of ${path.join(dir, name)}` : path.join(dir, name)));
  if (others.length) {
    const files = others.join(' and ');
    throw new DibError(
      'DIB_E_ARGUMENT',
      `${files} already ${others.length > 1 ? 'hold' : 'holds'} this directory's dib config, and dib reads one config file per directory`,
      {
        hint: `Add the image there, or remove ${files} and run dib init again (--force replaces only a ${target}).`,
      },
    );
  }
  if (existing.includes(target) && !force) {
    throw new DibError('DIB_E_ARGUMENT', `${path.join(dir, target)} already exists`, { hint: 'Pass --force to replace it.' });
  }
}

/** The project's devDependencies plus dib's and the elements' packages, sorted; what is there already is kept. */
function devDependencies(current: Record<string, string>, elements: string[], typescript: boolean, nx: boolean): Record<string, string> {
  const shipped = knownElementNames([CLI_ROOT], []);
  const dev = { ...current };
  dev['@dib/cli'] ??= `^${CLI_VERSION}`;
  dev['@dib/core'] ??= `^${CORE_VERSION}`;
  if (typescript) dev.typescript ??= '^5.9.0';
  if (nx) {
    // The plugin versions on its own; nx's 22 line is the newest that runs on Node 20.
    dev['@dib/nx'] ??= 'latest';
    dev.nx ??= '^22.0.0';
  }
  for (const element of elements) {
    const [name, range] = elementPackage(element, shipped);
    dev[name] ??= range;
  }
  return Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
}

/** An element's package and range: one of dib's only when this CLI ships it (no @dib/element-debain), a third party's as named. */
function elementPackage(element: string, shipped: string[]): [string, string] {
  const name = packageNamesFor(element)[0];
  if (!name.startsWith('@dib/')) return [name, 'latest'];
  if (shipped.includes(elementNameOf(name))) return [name, `^${CLI_VERSION}`];
  const guess = didYouMean(elementNameOf(name), shipped);
  throw new DibError('DIB_E_ARGUMENT', `element "${element}" is not an element dib ships${guess ? `; did you mean "${guess}"?` : ''}`, {
    hint: "Name a third-party element by its package (@acme/dib-element-foo or dib-element-foo); a classic element directory goes on the config's elementsPath. `dib element-info` lists the elements dib ships.",
  });
}

// Values are written with JSON.stringify: its double-quoted, escaped strings are valid TypeScript and YAML alike.
const quote = (s: string) => JSON.stringify(s);
const list = (items: string[]) => `[${items.map(quote).join(', ')}]`;
const comment = (name: string) => `dib images for this repository: \`npx @dib/cli create\` builds them all, \`npx @dib/cli create ${name}\` one.`;
const tsKey = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key));

/** The release is pinned in the config for Debian only; other distributions' elements have their own default and names. */
const debianRelease = (elements: string[]) => (elements.some((e) => e === 'debian' || e === 'debian-minimal') ? 'bookworm' : undefined);

function jsonConfig(name: string, elements: string[]): string {
  const release = debianRelease(elements);
  const image = { elements, types: ['qcow2'], ...(release ? { environment: { DIB_RELEASE: release } } : {}) };
  return `${JSON.stringify({ images: { [name]: image } }, null, 2)}\n`;
}

function yamlConfig(name: string, elements: string[]): string {
  const release = debianRelease(elements);
  return `# ${comment(name)}\nimages:\n  ${quote(name)}:\n    elements: ${list(elements)}\n    types: [qcow2]\n${release ? `    environment:\n      DIB_RELEASE: ${release}\n` : ''}`;
}

function tsConfig(name: string, elements: string[]): string {
  return `import { defineConfig } from "@dib/core/define";\n\n// ${comment(name)}\nexport default defineConfig({\n  images: {\n    ${tsKey(name)}: {\n      elements: ${list(elements)},\n      types: ["qcow2"],\n${debianRelease(elements) ? `      environment: { DIB_RELEASE: "${debianRelease(elements)}" },\n` : ''}    },\n  },\n});\n`;
}

const CONFIG_WRITERS = { ts: tsConfig, yaml: yamlConfig, json: jsonConfig } as const;

const NX_PLUGIN = '@dib/nx';

/** nx.json with @dib/nx in its plugins (as a name or a { plugin } entry); undefined when it is there already. */
function nxJsonWithPlugin(file: string): string | undefined {
  let nx: { plugins?: unknown[]; [key: string]: unknown } = { $schema: './node_modules/nx/schemas/nx-schema.json' };
  if (existsSync(file)) {
    try {
      nx = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new DibError('DIB_E_CONFIG_INVALID', `${file} is not JSON: ${(e as Error).message}`, { hint: 'Fix nx.json, then run dib init --nx again.' });
    }
  }
  const plugins = nx.plugins ?? [];
  if (!Array.isArray(plugins)) {
    throw new DibError('DIB_E_CONFIG_INVALID', `${file}: "plugins" is not a list`, { hint: 'Make "plugins" a list in nx.json, then run dib init --nx again.' });
  }
  if (plugins.some((p) => p === NX_PLUGIN || (typeof p === 'object' && p !== null && (p as { plugin?: unknown }).plugin === NX_PLUGIN))) return undefined;
  return `${JSON.stringify({ ...nx, plugins: [...plugins, NX_PLUGIN] }, null, 2)}\n`;
}
