/** `dib element-info` / `element-info`: what elements there are, where from, what they need and read. */
import { describeSource, DibError, ElementFinder, imageElementExports, knownElementNames, resolveElements, type LoadedElement } from '@dib/core';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { searchContext } from '../images.js';

export const ELEMENT_INFO_USAGE = `Usage: dib element-info [options] [ELEMENT...]

Lists elements (those named, or every element the project declares, this CLI ships,
or ELEMENTS_PATH holds) with version, origin and description.

Options:
  --deps, --expand-dependencies   the element's resolved dependencies, in build order
  --variables                     variables the element reads, with defaults
  -e, --env                       as diskimage-builder's element-info --env: the named
                                  elements and their dependencies as IMAGE_ELEMENT,
                                  IMAGE_ELEMENT_YAML and get_image_element_array, for eval
  --json                          machine-readable output
  --elements-path DIR             classic element directory (repeatable)
  --config FILE                   config file
  -h, --help                      this help`;

const OPTIONS = {
  deps: { type: 'boolean' },
  'expand-dependencies': { type: 'boolean' },
  variables: { type: 'boolean' },
  env: { type: 'boolean', short: 'e' },
  json: { type: 'boolean' },
  'elements-path': { type: 'string', multiple: true },
  config: { type: 'string' },
} as const;

export const elementInfoCommand = command(ELEMENT_INFO_USAGE, OPTIONS, async (v, positionals, json) => {
  const { searchRoots, elementsPath, loaded } = await searchContext({ config: v.config, elementsPath: v['elements-path'] });
  const finder = new ElementFinder({ searchRoots, elementsPath });
  if (v.env) return printDibStyle(positionals, finder, true);
  const names = positionals.length ? positionals : knownElementNames(searchRoots, elementsPath);
  const rows = [];
  for (const name of names) {
    const el = await finder.require(name);
    const deps =
      v.deps || v['expand-dependencies']
        ? (await resolveElements([name], finder, { addBase: false, requireOperatingSystem: false })).map((d) => d.name).filter((d) => d !== name)
        : undefined;
    rows.push(describe(el, deps, !!v.variables));
  }
  if (json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else for (const r of rows) process.stdout.write(`${formatRow(r)}\n`);
  for (const w of [...loaded.warnings, ...finder.warnings]) process.stderr.write(`dib: warning: ${w}\n`);
  return EXIT.ok;
});

/**
 * diskimage-builder's element-info output: the named elements and everything they
 * depend on (an operating system required, base not added), as one line of names or,
 * with `env`, lines for eval.
 */
export async function printDibStyle(names: string[], finder: ElementFinder, env: boolean): Promise<number> {
  if (names.length === 0)
    throw new DibError('DIB_E_ARGUMENT', 'element-info needs at least one element', { hint: 'Name the elements of the image: element-info debian vm.' });
  const elements = await resolveElements(names, finder, { addBase: false, requireOperatingSystem: true });
  process.stdout.write(`${env ? imageElementExports(elements) : elements.map((e) => e.name).join(' ')}\n`);
  for (const w of finder.warnings) process.stderr.write(`element-info: warning: ${w}\n`);
  return EXIT.ok;
}

interface Row {
  name: string;
  source: string;
  version?: string;
  description: string;
  dependencies: string[];
  provides: string[];
  /** Files the element writes beside the image (OUTPUT.NAME). */
  outputs: { name: string; description: string }[];
  expandedDependencies?: string[];
  env?: Record<string, { description: string; default?: string; defaultByArch?: Partial<Record<string, string>> }>;
}

function describe(el: LoadedElement, deps: string[] | undefined, withEnv: boolean): Row {
  return {
    name: el.name,
    source: describeSource(el.source),
    version: el.source.kind === 'package' ? el.source.version : undefined,
    description: el.manifest.description,
    dependencies: el.manifest.dependencies,
    provides: el.manifest.provides,
    outputs: el.manifest.outputs,
    expandedDependencies: deps,
    env: withEnv
      ? Object.fromEntries(
          Object.entries(el.manifest.env).map(([k, e]) => [k, { description: e.description, default: e.default, defaultByArch: e.defaultByArch }]),
        )
      : undefined,
  };
}

function formatRow(r: Row): string {
  const lines = [`${r.name.padEnd(20)} ${(r.version ?? 'dir').padEnd(8)} ${r.description}`, `${''.padEnd(20)} from ${r.source}`];
  if (r.dependencies.length) lines.push(`${''.padEnd(20)} depends on: ${r.dependencies.join(', ')}`);
  if (r.provides.length) lines.push(`${''.padEnd(20)} provides: ${r.provides.join(', ')}`);
  for (const o of r.outputs) lines.push(`${''.padEnd(20)} writes OUTPUT.${o.name}: ${o.description}`);
  if (r.expandedDependencies) lines.push(`${''.padEnd(20)} all dependencies: ${r.expandedDependencies.join(' ') || '(none)'}`);
  if (r.env) {
    const entries = Object.entries(r.env);
    lines.push(`${''.padEnd(20)} variables:${entries.length ? '' : ' (none documented)'}`);
    for (const [k, e] of entries) {
      const byArch = Object.entries(e.defaultByArch ?? {}).map(([arch, value]) => `${arch}: ${value}`);
      lines.push(`${''.padEnd(22)} ${k}${e.default !== undefined ? `=${e.default}` : ''}${byArch.length ? ` (${byArch.join(', ')})` : ''}  ${e.description}`);
    }
  }
  return lines.join('\n');
}
