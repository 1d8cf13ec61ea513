#!/usr/bin/env node
// Writes docs/compatibility.md: one row per element of an installed upstream
// diskimage-builder, saying how far dib gets with it. Each element is planned in-process
// (createPlan, as `dib create --dry-run -t tar` does) next to debian-minimal, or alone
// when it brings its own operating system. The integration suite's list of elements
// (test/upstream/checked-elements.ts) and dib's own element packages (elements/*) give
// the other two statuses. The output has no timestamps: rerunning it changes nothing
// unless upstream, the list or dib changed.
// Usage: compat-table.mjs [--upstream DIR] [--out FILE]; run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPlan, DibError, elementNameOf, ElementFinder, ImageSchema, resolveElements } from '@dib/core';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEBIAN_PACKAGE = 'python3-diskimage-builder';
export const DEFAULT_UPSTREAM = '/usr/lib/python3/dist-packages/diskimage_builder/elements';
const OS = 'operating-system';
/** The element non-distro elements are planned with. */
const BASE_OS = 'debian-minimal';

export const STATUS = {
  checked: 'built and checked',
  native: 'native (dib ships its own)',
  plans: 'plans',
  failsOnDebian12: 'plans, fails on Debian 12',
  refused: 'refused',
};

/** The quoted names of the array literal `export const NAME = [...]` in `file`, read as text so this tool needs no TypeScript loader. */
function readNameList(file, constant) {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const literal = new RegExp(`${constant}\\s*=\\s*\\[([^\\]]*)\\]`).exec(text);
  if (!literal) throw new Error(`${file}: no "${constant} = [...]" array literal found`);
  return [...literal[1].matchAll(/'([^']+)'|"([^"]+)"/g)].map((m) => m[1] ?? m[2]);
}

/** CHECKED_UPSTREAM_ELEMENTS: the upstream elements the integration suite builds. */
export const readCheckedElements = (file) => readNameList(file, 'CHECKED_UPSTREAM_ELEMENTS');

/** UPSTREAM_ELEMENTS_REPLACED_BY_DIB: checked names whose build uses dib's package instead of upstream's directory. */
export const readReplacedElements = (file) => readNameList(file, 'UPSTREAM_ELEMENTS_REPLACED_BY_DIB');

/** `UPSTREAM_ELEMENTS_FAILING_ON_DEBIAN_12 = { 'name': 'reason', ... }` from the same file, read as text. */
export function readFailingElements(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
  const literal = /UPSTREAM_ELEMENTS_FAILING_ON_DEBIAN_12[^=]*=\s*\{([^}]*)\}/.exec(text);
  if (!literal) return new Map();
  return new Map([...literal[1].matchAll(/'([^']+)'\s*:\s*'([^']*)'/g)].map((m) => [m[1], m[2]]));
}

/** dib's own elements: element name -> package name, from elements/<dir>/package.json. */
export function nativeElements(repo = REPO) {
  const root = path.join(repo, 'elements');
  const native = new Map();
  for (const dir of readdirSync(root)) {
    const manifest = path.join(root, dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name } = JSON.parse(readFileSync(manifest, 'utf8'));
    native.set(elementNameOf(name), name);
  }
  return native;
}

/** Element directories of an upstream elements dir (not __pycache__ and the like), sorted. */
export function upstreamElements(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => (e.isDirectory() || e.isSymbolicLink()) && !/^[_.]/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/**
 * An element path holding upstream's elements except those dib ships, so dib's own are
 * used for those names (an element path wins over packages). Symlinks stand in for a copy.
 */
function stageElementsPath(upstreamDir, names, native) {
  const staged = mkdtempSync(path.join(os.tmpdir(), 'dib-compat-'));
  const elements = path.join(staged, 'elements');
  mkdirSync(elements);
  for (const name of names) if (!native.has(name)) symlinkSync(path.join(upstreamDir, name), path.join(elements, name));
  return { staged, elements };
}

/** The element of the build that provides operating-system: the element itself, one it pulls in, or none. */
async function operatingSystemOf(name, finder) {
  try {
    const closure = await resolveElements([name], finder, { addBase: false, requireOperatingSystem: false });
    return closure.find((el) => el.manifest.provides.includes(OS))?.name;
  } catch {
    return undefined; // planning below reports why it does not resolve
  }
}

/** Plans `BASE_OS name` (or `name` alone for a distro element) for tar output, as `dib create --dry-run` would. */
async function plan(name, osElement, ctx) {
  const elements = osElement ? [name] : [BASE_OS, name];
  try {
    await createPlan({
      name: 'compat',
      image: { ...ImageSchema.parse({ elements, types: ['tar'] }), output: path.join(ctx.staged, 'image') },
      elementsPath: [ctx.elements],
      searchRoots: ctx.searchRoots,
      imageCache: path.join(ctx.staged, 'cache'),
      offline: true,
      tmpfs: false,
      minTmpfs: 4,
      // No caller environment: the host's DIB_* variables must not change the table.
      callerEnv: {},
      argv: [],
    });
    return { ok: true };
  } catch (e) {
    const code = e instanceof DibError ? e.code : `unexpected ${e?.name ?? 'error'}`;
    const firstLine = String(e?.message ?? e).split('\n')[0];
    // Paths of the staging directory and the checkout differ per run; show stable ones.
    const reason = firstLine.split(ctx.elements).join(ctx.upstreamDir).split(ctx.staged).join('$TMP').split(ctx.repo).join('.');
    return { ok: false, reason: `${code}: ${reason}` };
  }
}

const distroNote = (name, osElement) =>
  !osElement ? '' : osElement === name ? `distro element (provides ${OS}); ` : `brings its own operating system (${OS} from ${osElement}); `;

const planNote = (name, osElement, result) => {
  const planned = osElement ? 'alone' : `with ${BASE_OS}`;
  return `${distroNote(name, osElement)}${result.ok ? `plans ${planned}` : `${planned}: ${result.reason}`}`;
};

/**
 * One row per upstream element: { name, status, detail, distro }, sorted by name.
 * `checked` are the elements the integration suite builds; `native` maps the names dib
 * ships to their packages; `searchRoots` is where element packages are resolved from.
 */
export async function buildRows({ upstreamDir, checked, failing = new Map(), replaced = [], native = nativeElements(), searchRoots = [REPO], repo = REPO }) {
  const names = upstreamElements(upstreamDir);
  const missing = checked.filter((c) => !names.includes(c));
  if (missing.length) throw new Error(`checked elements not found in ${upstreamDir}: ${missing.join(', ')}`);
  const { staged, elements } = stageElementsPath(upstreamDir, names, native);
  const ctx = { staged, elements, searchRoots, upstreamDir, repo };
  try {
    const finder = new ElementFinder({ elementsPath: [elements], searchRoots });
    const rows = [];
    for (const name of names) {
      const osElement = await operatingSystemOf(name, finder);
      const distro = Boolean(osElement);
      if (native.has(name)) {
        const suite = !checked.includes(name)
          ? ''
          : replaced.includes(name)
            ? '; the integration suite builds it'
            : "; the integration suite builds it, and upstream's directory too (on ELEMENTS_PATH it wins over the package)";
        rows.push({ name, status: STATUS.native, detail: `${native.get(name)}${suite}`, distro });
        continue;
      }
      const result = await plan(name, osElement, ctx);
      if (checked.includes(name)) {
        const detail = result.ok ? planNote(name, osElement, result) : `but planning it now fails: ${planNote(name, osElement, result)}`;
        rows.push({ name, status: STATUS.checked, detail, distro });
      } else if (result.ok && failing.has(name)) {
        rows.push({ name, status: STATUS.failsOnDebian12, detail: `${planNote(name, osElement, result)}; ${failing.get(name)}`, distro });
      } else {
        rows.push({ name, status: result.ok ? STATUS.plans : STATUS.refused, detail: planNote(name, osElement, result), distro });
      }
    }
    return rows;
  } finally {
    rmSync(staged, { recursive: true, force: true });
  }
}

/** Upstream's version: the Debian package's for the Debian path, else the Python package metadata beside it. */
export function upstreamVersion(upstreamDir) {
  const real = existsSync(upstreamDir) ? realpathSync(upstreamDir) : upstreamDir;
  if (real === DEFAULT_UPSTREAM) {
    try {
      const v = execFileSync('dpkg-query', ['-W', '-f', '${Version}', DEBIAN_PACKAGE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      if (v) return `${v} (Debian package ${DEBIAN_PACKAGE})`;
    } catch {
      // not a dpkg system: fall through to the metadata
    }
  }
  const site = path.dirname(path.dirname(real));
  const info = existsSync(site) ? readdirSync(site).find((f) => /^diskimage_builder-.*\.(dist|egg)-info$/.test(f)) : undefined;
  for (const file of info ? ['METADATA', 'PKG-INFO'] : []) {
    const meta = path.join(site, info, file);
    const version = existsSync(meta) && /^Version:\s*(\S+)/m.exec(readFileSync(meta, 'utf8'));
    if (version) return version[1];
  }
  return 'unknown';
}

const cell = (text) => text.replace(/\|/g, '\\|');

/** The Markdown page; the same rows and version give the same bytes. */
export function renderTable({ rows, version, upstreamDir }) {
  const counts = Object.values(STATUS).map((s) => [s, rows.filter((r) => r.status === s).length]);
  const distros = rows.filter((r) => r.distro).length;
  return [
    '<!-- Generated by tools/compat-table.mjs; do not edit by hand. Regenerate: npm run build && npm run compat-table -->',
    '',
    '# Upstream element compatibility',
    '',
    `How far dib gets with each element of diskimage-builder ${version}, read from \`${upstreamDir}\`.`,
    '',
    'Regenerate this page after `npm run build` with `npm run compat-table`; point it at another copy of',
    "upstream's elements directory with `npm run compat-table -- --upstream DIR` (or `DIB_UPSTREAM_ELEMENTS=DIR`).",
    '',
    '| Status | Means |',
    '|---|---|',
    `| ${STATUS.checked} | the integration suite builds an image with it and checks the result (\`test/upstream/checked-elements.ts\`) |`,
    `| ${STATUS.native} | dib has its own element of that name (an npm package), used unless upstream's directory is on \`ELEMENTS_PATH\` |`,
    `| ${STATUS.plans} | \`dib create --dry-run -t tar ${BASE_OS} ELEMENT\` makes a plan (a distro element is planned alone); no test builds it |`,
    `| ${STATUS.failsOnDebian12} | it plans, but its build cannot succeed on Debian 12 (the only distribution dib builds today), with upstream DIB as with dib; the detail says why |`,
    `| ${STATUS.refused} | dib refuses to plan it; the detail gives the error code and the first line of the message |`,
    '',
    '## Summary',
    '',
    '| Status | Elements |',
    '|---|---|',
    ...counts.map(([s, n]) => `| ${s} | ${n} |`),
    `| total | ${rows.length} |`,
    '',
    `${distros} of them bring an operating system (they provide \`${OS}\`, or an element they depend on does).`,
    '',
    '## Elements',
    '',
    '| Element | Status | Detail |',
    '|---|---|---|',
    ...rows.map((r) => `| \`${r.name}\` | ${r.status} | ${cell(r.detail)} |`),
    '',
  ].join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: { upstream: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(
      "Usage: compat-table.mjs [--upstream DIR] [--out FILE]\n  --upstream DIR  upstream elements directory (default $DIB_UPSTREAM_ELEMENTS, else the Debian package's)\n  --out FILE      output (default docs/compatibility.md)",
    );
    return 0;
  }
  const upstreamDir = path.resolve(values.upstream ?? process.env.DIB_UPSTREAM_ELEMENTS ?? DEFAULT_UPSTREAM);
  if (!existsSync(upstreamDir)) {
    console.error(
      `compat-table: ${upstreamDir} does not exist: install the Debian package ${DEBIAN_PACKAGE}, or give --upstream DIR (or DIB_UPSTREAM_ELEMENTS) naming upstream's elements directory`,
    );
    return 1;
  }
  const listFile = path.join(REPO, 'test/upstream/checked-elements.ts');
  const rows = await buildRows({
    upstreamDir,
    checked: readCheckedElements(listFile),
    failing: readFailingElements(listFile),
    replaced: readReplacedElements(listFile),
  });
  const out = path.resolve(values.out ?? path.join(REPO, 'docs/compatibility.md'));
  writeFileSync(out, renderTable({ rows, version: upstreamVersion(upstreamDir), upstreamDir }));
  const summary = Object.values(STATUS).map((s) => `${rows.filter((r) => r.status === s).length} ${s}`);
  console.log(`compat-table: ${rows.length} elements (${summary.join(', ')}) -> ${out}`);
  return 0;
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(`compat-table: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}
