/**
 * `dib import-element`: the built bin turns classic element directories into packages,
 * which the core then loads and plans like any element package.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadElementDirectory } from '@dib/core';
import { loadElement, planBuild, writeClassicElement } from '@dib/testing';
import { readmeVariables } from '../src/import/readme-env.js';
import { useTempDirs } from '../../core/test/helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(HERE, '../dist/bin/dib.js');
const CLI = path.resolve(HERE, '..');
const CORE = realpathSync(path.resolve(HERE, '../../core'));
const UPSTREAM = '/usr/lib/python3/dist-packages/diskimage_builder/elements';
const tempDir = useTempDirs();

const dib = (cwd: string, args: string[]) =>
  execa(process.execPath, [BIN, 'import-element', ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, CI: '1' },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 15_000,
  });

const mode = (file: string) => statSync(file).mode & 0o777;
const read = (file: string) => readFileSync(file, 'utf8');

/** A project with the generated package installed, the package seeing this repo's @dib/core as npm install would give it. */
function installed(pkgDir: string, packageName: string): string {
  mkdirSync(path.join(pkgDir, 'node_modules', '@dib'), { recursive: true });
  symlinkSync(CORE, path.join(pkgDir, 'node_modules', '@dib', 'core'));
  const project = tempDir();
  mkdirSync(path.dirname(path.join(project, 'node_modules', packageName)), { recursive: true });
  symlinkSync(pkgDir, path.join(project, 'node_modules', packageName));
  return project;
}

const README = `# acme-tool

Installs the acme agent and its configuration.

## Environment Variables

- \`DIB_ACME_AGENT\`: set to 1 to install the agent
  from the vendor's repository.
- \`ACME_URL\` - where the agent reports to.

NOTE: both are read at install time.

## Other

- \`NOT_A_VARIABLE\`: outside the section
`;

/** DIB's layout format: one MBR partition with ext4 at /. */
const LAYOUT = `- local_loop:
    name: image0
- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        flags: [boot, primary]
        size: 100%
        mkfs:
          type: ext4
          mount:
            mount_point: /
            fstab:
              options: defaults
              fsck-passno: 1
`;

function acmeTool(elementsDir: string): string {
  const dir = writeClassicElement(elementsDir, 'acme-tool', {
    deps: ['package-installs'],
    provides: ['acme-feature'],
    files: {
      'README.md': README,
      'package-installs.yaml': 'curl:\nacme-agent:\n  phase: post-install.d\n  when: DIB_ACME_AGENT = 1\nbuild-essential:\n  build-only: true\n',
      'pkg-map': JSON.stringify({ family: { debian: { 'acme-agent': 'acme-agent-deb' } } }),
      'install.d/50-acme-tool': '#!/bin/bash\nset -eu\necho "${ACME_URL:-none}" > /etc/acme-url\n',
      'static/etc/acme/acme.conf': 'level = 1\n',
      'environment.d/10-acme': 'export ACME_HOME=/opt/acme\n',
      'bin/acme-helper': '#!/bin/sh\nexit 0\n',
      'block-device-default.yaml': LAYOUT,
    },
  });
  chmodSync(path.join(dir, 'bin/acme-helper'), 0o755);
  return dir;
}

describe('a synthetic classic element', () => {
  it('becomes a package with the manifest the classic files gave, its files and modes kept', async () => {
    const work = tempDir();
    const source = acmeTool(path.join(work, 'elements'));
    const r = await dib(work, ['elements/acme-tool', '-o', 'pkgs/acme-tool']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('dib-element-acme-tool: 2 variable(s) from the README');
    const out = path.join(work, 'pkgs/acme-tool');

    // The classic files go to element/, the package's hooksDir, taken whole (classicTree).
    const el = path.join(out, 'element');
    expect(mode(path.join(el, 'install.d/50-acme-tool'))).toBe(0o755);
    expect(mode(path.join(el, 'bin/acme-helper'))).toBe(0o755);
    expect(mode(path.join(el, 'static/etc/acme/acme.conf'))).toBe(0o644);
    expect(read(path.join(el, 'environment.d/10-acme'))).toBe('export ACME_HOME=/opt/acme\n');
    for (const gone of ['element-deps', 'element-provides', 'package-installs.yaml', 'pkg-map', 'block-device-default.yaml'])
      expect(existsSync(path.join(el, gone)), gone).toBe(false);

    const pkg = JSON.parse(read(path.join(out, 'package.json')));
    expect(pkg).toMatchObject({ name: 'dib-element-acme-tool', version: '0.1.0', type: 'module', keywords: ['dib-element'], exports: { '.': './index.js' } });
    expect(pkg.peerDependencies['@dib/core']).toMatch(/^\^/);
    expect(pkg.files).toEqual(['index.js', 'README.md', 'element']);

    const readme = read(path.join(out, 'README.md'));
    expect(readme).toContain('npx @dib/cli create');
    expect(readme).not.toMatch(/npx dib\b/);
    expect(readme).toContain('| `ACME_URL` | where the agent reports to. |');
    expect(read(path.join(out, 'test/element.test.js'))).toContain('["50-acme-tool"]');

    // The core's package loader sees what its directory loader saw, plus the README's variables.
    const project = installed(out, 'dib-element-acme-tool');
    const loaded = await loadElement('acme-tool', { searchRoots: [project] });
    expect(loaded.source.kind).toBe('package');
    expect({ ...loaded.manifest, env: {}, hooksDir: '.', classicTree: false }).toEqual(loadElementDirectory('acme-tool', source).manifest);
    expect(loaded.manifest).toMatchObject({ hooksDir: 'element', classicTree: true });
    expect(loaded.manifest.blockDevice).toHaveLength(2);
    expect(loaded.manifest.packages['acme-agent']).toEqual({ phase: 'post-install', uninstall: false, buildOnly: false, when: ['DIB_ACME_AGENT = 1'] });
    expect(loaded.manifest.env).toEqual({
      DIB_ACME_AGENT: { description: "set to 1 to install the agent from the vendor's repository." },
      ACME_URL: { description: 'where the agent reports to.' },
    });

    const plan = await planBuild(['acme-tool'], { searchRoots: [project, CLI], env: { ACME_URL: 'https://acme.example' } });
    expect(plan.hooks.phases.install.filter((h) => h.element === 'acme-tool').map((h) => h.name)).toEqual(['50-acme-tool']);
    // A documented variable reaches the hooks of a package element; only DIB_* would otherwise.
    expect(plan.environment.ACME_URL).toBe('https://acme.example');
  });

  it('keeps a README.rst, takes --name, and says which names dib looks for', async () => {
    const work = tempDir();
    writeClassicElement(work, 'tiny', { files: { 'README.rst': 'tiny\n====\n\nDoes little.\n', 'install.d/10-tiny': '#!/bin/sh\n' } });
    const r = await dib(work, ['tiny', '-o', 'out', '--name', '@acme/dib-element-tiny']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('dib looks for @dib/element-tiny or dib-element-tiny');
    expect(read(path.join(work, 'out/element/README.rst'))).toContain('Does little.');
    expect(read(path.join(work, 'out/README.md'))).toContain('npx @dib/cli create -t qcow2 -o image debian vm @acme/tiny');
    expect(JSON.parse(read(path.join(work, 'out/package.json'))).name).toBe('@acme/dib-element-tiny');
  });
});

describe('README variables', () => {
  it('reads reStructuredText definition lists with :Description: fields', () => {
    const rst = [
      'mine',
      '====',
      '',
      'Environment Variables',
      '---------------------',
      '',
      'DIB_MINE_USER',
      '  :Required: No',
      '  :Default: root',
      '  :Description: Who owns the files,',
      '    a user name.',
      '  :Example: ``DIB_MINE_USER=me``',
      '',
      'DIB_MINE_<name>',
      '  :Description: not a variable name',
      '',
      'MINE_DIR',
      '  Where the files go.',
      '',
      'Usage',
      '-----',
      'DIB_LATER',
      '  not in the section',
    ].join('\n');
    expect(readmeVariables(rst)).toEqual({ DIB_MINE_USER: 'Who owns the files, a user name.', MINE_DIR: 'Where the files go.' });
  });
});

describe.skipIf(!existsSync(path.join(UPSTREAM, 'growroot')))('upstream growroot', () => {
  it('imports and plans with debian-minimal as a package', async () => {
    const work = tempDir();
    const elements = path.join(work, 'elements');
    // growroot's classic dependencies stay classic, on ELEMENTS_PATH. The copy gets its own
    // name: dib ships a growroot package, which a lookup of "growroot" would find first.
    for (const e of ['dib-init-system', 'install-static']) cpSync(path.join(UPSTREAM, e), path.join(elements, e), { recursive: true });
    cpSync(path.join(UPSTREAM, 'growroot'), path.join(work, 'classic/growroot-upstream'), { recursive: true });
    const r = await dib(work, ['classic/growroot-upstream', '-o', 'growroot-pkg']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = path.join(work, 'growroot-pkg');
    expect(mode(path.join(out, 'element/post-install.d/80-growroot'))).toBe(0o755);
    expect(existsSync(path.join(out, 'element/init-scripts/systemd/growroot.service'))).toBe(true);

    const project = installed(out, 'dib-element-growroot-upstream');
    const plan = await planBuild(['debian-minimal', 'growroot-upstream'], {
      searchRoots: [project, CLI],
      elementsPath: [elements],
      requireOperatingSystem: true,
    });
    const growroot = plan.elements.find((e) => e.name === 'growroot-upstream');
    expect(growroot?.source).toMatchObject({ kind: 'package', packageName: 'dib-element-growroot-upstream' });
    expect(growroot?.manifest.packages).toEqual({ growpart: null, e2fsprogs: null });
    expect(growroot?.manifest.pkgMap?.family?.debian).toEqual({ growpart: 'cloud-utils', e2fsprogs: 'e2fsprogs' });
    expect(plan.hooks.phases['post-install'].map((h) => `${h.element}/${h.name}`)).toContain('growroot-upstream/80-growroot');
    // dib-init-system finds growroot's unit in the hook tree, and install-static its static/ files, as with the classic directory.
    const tree = plan.hooks.files.filter((f) => f.entry.element === 'growroot-upstream').map((f) => `${f.dir}/${f.entry.name}`);
    expect(tree).toEqual(expect.arrayContaining(['init-scripts/systemd', 'static/usr']));
  });
});

/** The smallest classic element: one install.d script. */
const tiny = (dir: string) => writeClassicElement(dir, 'tiny', { files: { 'install.d/10-tiny': '#!/bin/sh\n' } });

describe('errors', () => {
  it('a missing directory is a usage error', async () => {
    const r = await dib(tempDir(), ['nowhere']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toMatch(/nowhere does not exist/);
  });

  it('a directory without hook directories or element files is not an element', async () => {
    const work = tempDir();
    writeClassicElement(work, 'docs', { files: { 'README.md': '# docs\n' } });
    const r = await dib(work, ['docs']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_NOT_AN_ELEMENT');
    expect(r.stderr).toContain('is not a classic element directory');
  });

  it("invalid package-installs.yaml is the loader's error, and nothing is written", async () => {
    const work = tempDir();
    writeClassicElement(work, 'broken', { files: { 'package-installs.yaml': 'curl: [unclosed\n' } });
    const r = await dib(work, ['broken', '-o', 'out']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_MANIFEST_INVALID');
    expect(r.stderr).toContain('package-installs.yaml: not valid YAML');
    expect(existsSync(path.join(work, 'out'))).toBe(false);
  });

  it('an existing output directory needs --force, which replaces its contents', async () => {
    const work = tempDir();
    tiny(work);
    writeClassicElement(work, 'out', { files: { 'stale.txt': 'old\n' } });
    const refused = await dib(work, ['tiny', '-o', 'out']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('already exists and is not empty');
    expect(refused.stderr).toContain('--force');
    const forced = await dib(work, ['tiny', '-o', 'out', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(existsSync(path.join(work, 'out/stale.txt'))).toBe(false);
    expect(existsSync(path.join(work, 'out/element/install.d/10-tiny'))).toBe(true);
  });

  it('never writes into the element directory, even with --force', async () => {
    const work = tempDir();
    tiny(work);
    const r = await dib(work, ['tiny', '-o', 'tiny/pkg', '--force']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('overlaps the element directory');
    expect(existsSync(path.join(work, 'tiny/install.d/10-tiny'))).toBe(true);
  });

  it('rejects a package name npm would not take', async () => {
    const work = tempDir();
    tiny(work);
    const r = await dib(work, ['tiny', '--name', 'Not A Name']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--name must be an npm package name');
  });
});
