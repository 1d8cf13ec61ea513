import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs tool, no types
import { buildRows, readCheckedElements, readFailingElements, renderTable, STATUS, upstreamVersion } from '../compat-table.mjs';

const REPO = new URL('../..', import.meta.url).pathname;
const TOOL = path.join(REPO, 'tools/compat-table.mjs');
const CHECKED_FILE = path.join(REPO, 'test/upstream/checked-elements.ts');

interface Row {
  name: string;
  status: string;
  detail: string;
  distro: boolean;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'compat-test-'));
  dirs.push(d);
  return d;
};

/** A classic element: file name -> content (element-deps, element-provides, install.d/50-x ...). */
function writeElement(root: string, name: string, files: Record<string, string> = {}) {
  mkdirSync(path.join(root, name), { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name, file)), { recursive: true });
    writeFileSync(path.join(root, name, file), text, { mode: 0o755 });
  }
}

/** An upstream-like elements dir: one that plans, one with a missing dependency, a distro, a native name, and __pycache__. */
function syntheticUpstream() {
  const root = path.join(tempDir(), 'diskimage_builder', 'elements');
  writeElement(root, 'hello', { 'install.d/50-hello': '#!/bin/bash\necho hello\n' });
  writeElement(root, 'broken', { 'element-deps': 'no-such-element\n' });
  writeElement(root, 'tiny-os', { 'element-provides': 'operating-system\n' });
  writeElement(root, 'tiny-os-flavour', { 'element-deps': 'tiny-os\n' });
  writeElement(root, 'dpkg', { 'element-deps': 'no-such-element\n' });
  mkdirSync(path.join(root, '__pycache__'));
  return root;
}

describe('compat-table', () => {
  it('gives each upstream element its status, sorted by name', async () => {
    const upstreamDir = syntheticUpstream();
    const rows: Row[] = await buildRows({ upstreamDir, checked: ['hello'] });
    expect(rows.map((r) => [r.name, r.status, r.distro])).toEqual([
      ['broken', STATUS.refused, false],
      ['dpkg', STATUS.native, false],
      ['hello', STATUS.checked, false],
      ['tiny-os', STATUS.plans, true],
      ['tiny-os-flavour', STATUS.plans, true],
    ]);
    const detail = Object.fromEntries(rows.map((r) => [r.name, r.detail]));
    // the error code and the first line of the message only
    expect(detail.broken).toMatch(/^with debian-minimal: DIB_E_ELEMENT_NOT_FOUND: element "no-such-element" .*was not found; tried:$/);
    // upstream's dpkg directory (broken on purpose here) is not used: dib's own package is
    expect(detail.dpkg).toBe('@dib/element-dpkg');
    expect(detail.hello).toBe('plans with debian-minimal');
    expect(detail['tiny-os']).toBe('distro element (provides operating-system); plans alone');
    expect(detail['tiny-os-flavour']).toBe('brings its own operating system (operating-system from tiny-os); plans alone');
  });

  it('refuses a checked element upstream does not have', async () => {
    await expect(buildRows({ upstreamDir: syntheticUpstream(), checked: ['hello', 'nowhere'] })).rejects.toThrow(/checked elements not found in .*: nowhere/);
  });

  it('renders the same page for the same rows, with counts per status', async () => {
    const upstreamDir = syntheticUpstream();
    const page = (rows: Row[]) => renderTable({ rows, version: '9.9.9', upstreamDir });
    const first = page(await buildRows({ upstreamDir, checked: ['hello'] }));
    expect(page(await buildRows({ upstreamDir, checked: ['hello'] }))).toBe(first);
    expect(first).toContain(`diskimage-builder 9.9.9, read from \`${upstreamDir}\``);
    expect(first).toContain('| plans | 2 |\n| plans, fails on Debian 12 | 0 |\n| refused | 1 |\n| total | 5 |');
    expect(first).toContain('2 of them bring an operating system');
    expect(first).toContain('| `hello` | built and checked | plans with debian-minimal |');
  });

  it('reads the version from the Python package metadata beside the elements', () => {
    const upstreamDir = syntheticUpstream();
    const site = path.dirname(path.dirname(upstreamDir));
    expect(upstreamVersion(upstreamDir)).toBe('unknown');
    mkdirSync(path.join(site, 'diskimage_builder-9.9.9.egg-info'));
    writeFileSync(path.join(site, 'diskimage_builder-9.9.9.egg-info', 'PKG-INFO'), 'Metadata-Version: 2.1\nName: diskimage-builder\nVersion: 9.9.9\n');
    expect(upstreamVersion(upstreamDir)).toBe('9.9.9');
  });

  it('reads the checked list as text, ignoring comments', () => {
    const file = path.join(tempDir(), 'checked.ts');
    writeFileSync(file, "// 'not-this'\nexport const CHECKED_UPSTREAM_ELEMENTS = [\n  'a', // 'nor-this'\n  \"b\",\n] as const;\n");
    expect(readCheckedElements(file)).toEqual(['a', 'b']);
    const real: string[] = readCheckedElements(CHECKED_FILE);
    expect(real).toHaveLength(23);
    expect(real).toContain('pkg-map');
    expect(readFailingElements(CHECKED_FILE).get('stable-interface-names')).toContain('biosdevname');
  });

  it('an element that plans but cannot build on Debian 12 says so, with the reason', async () => {
    const upstreamDir = syntheticUpstream();
    const rows: Row[] = await buildRows({ upstreamDir, checked: [], failing: new Map([['hello', 'needs a package Debian 12 lacks']]) });
    expect(rows.find((r) => r.name === 'hello')).toMatchObject({
      status: STATUS.failsOnDebian12,
      detail: 'plans with debian-minimal; needs a package Debian 12 lacks',
    });
  });

  it('writes the page from the command line with --upstream and --out', async () => {
    const upstreamDir = syntheticUpstream();
    for (const name of readCheckedElements(CHECKED_FILE)) writeElement(upstreamDir, name);
    const out = path.join(tempDir(), 'compat.md');
    const r = await execa('node', [TOOL, '--upstream', upstreamDir, '--out', out], { reject: false });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    // The checked names dib also ships (package-installs, pkg-map, svc-map, dib-python) and dpkg count as native.
    const native = readCheckedElements(CHECKED_FILE).filter((n: string) => existsSync(path.join(REPO, 'elements', n, 'package.json'))).length + 1;
    const checked = readCheckedElements(CHECKED_FILE).length + 1 - native;
    expect(r.stdout).toMatch(
      new RegExp(
        `^compat-table: ${checked + native + 4} elements \\(${checked} built and checked, ${native} native \\(dib ships its own\\), 3 plans, 0 plans, fails on Debian 12, 1 refused\\) -> `,
      ),
    );
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('| `pkg-map` | native (dib ships its own) | @dib/element-pkg-map; the integration suite builds it |');
    expect(page).toContain('| `epel` | built and checked | plans with debian-minimal |');
  });

  it('says what to do when the upstream directory is missing', async () => {
    const r = await execa('node', [TOOL, '--out', path.join(tempDir(), 'x.md')], { reject: false, env: { DIB_UPSTREAM_ELEMENTS: '/nonexistent/elements' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('/nonexistent/elements does not exist: install the Debian package python3-diskimage-builder, or give --upstream DIR');
  });
});
