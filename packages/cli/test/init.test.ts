/**
 * `dib init` as a user meets it: the built bin run in an empty (or prepared) directory;
 * what it writes is read back with the `yaml` package and with dib's own loadConfig.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SEARCH_PLACES, loadConfig } from '@dib/core';
import { runDib } from '@dib/testing';
import { useTempDirs } from '../../core/test/helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const CLI_VERSION: string = JSON.parse(readFileSync(path.resolve(HERE, '../package.json'), 'utf8')).version;
const tempDir = useTempDirs();
/** Temp projects inside the monorepo, so a dib.config.ts resolves `typescript` and `@dib/core/define`. */
const inRepoDir = useTempDirs(HERE, '.tmp-init-');

afterAll(() => {
  for (const name of readdirSync(HERE)) if (name.startsWith('.tmp-init-')) rmSync(path.join(HERE, name), { recursive: true, force: true });
});

const init = (cwd: string, args: string[]) => runDib(['init', ...args], { cwd, env: { HOME: cwd }, timeoutMs: 15_000 });
const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const devDependencies = (dir: string): Record<string, string> => JSON.parse(read(dir, 'package.json')).devDependencies;

/** Every file of `dir` with its content: compared before and after a refusal, which must change nothing. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).map((f) => [f, read(dir, f)]));

describe('dib init: the config it writes', () => {
  it('--yaml writes YAML that parses, the scoped element and the image name as typed', async () => {
    const dir = tempDir();
    const r = await init(dir, ['--yaml', '--name', '1e3', '@acme/dib-element-foo']);
    expect(r.exitCode, r.stderr).toBe(0);
    const text = read(dir, 'dib.config.yaml');
    expect(parseYaml(text).images).toEqual({ '1e3': { elements: ['@acme/dib-element-foo'], types: ['qcow2'] } });
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.yaml'));
    expect(Object.keys(loaded.config.images)).toEqual(['1e3']);
    expect(loaded.config.images['1e3'].elements).toEqual(['@acme/dib-element-foo']);
    expect(devDependencies(dir)['@acme/dib-element-foo']).toBe('latest');
  });

  it("writes dib.config.ts that loads with the project's typescript", async () => {
    const dir = inRepoDir();
    const r = await init(dir, ['--name', 'web.small', 'debian', 'vm', '@acme/x']);
    expect(r.exitCode, r.stderr).toBe(0);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.ts'));
    expect(loaded.config.images['web.small']).toMatchObject({ elements: ['debian', 'vm', '@acme/x'], types: ['qcow2'] });
  });

  it('refuses an element name that would break the config, naming it, before writing anything', async () => {
    for (const bad of ["it's", 'a"b', 'a\\b', 'x`y', '${x}', 'a\nb']) {
      const dir = tempDir();
      const r = await init(dir, ['debian', bad]);
      expect(r.exitCode, bad).toBe(2);
      expect(r.stderr).toContain('DIB_E_ARGUMENT');
      expect(r.stderr).toContain(`element ${JSON.stringify(bad)}`);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('refuses an image name the config would refuse', async () => {
    const dir = tempDir();
    const r = await init(dir, ['--name', "my 'web'", 'debian']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`--name "my 'web'" is not an image name`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('dib init: element packages', () => {
  it('an element dib does not ship is refused with the one it resembles', async () => {
    for (const typo of ['debain', '@dib/element-debain']) {
      const dir = tempDir();
      const r = await init(dir, [typo, 'vm']);
      expect(r.exitCode, typo).toBe(2);
      expect(r.stderr).toContain('DIB_E_ARGUMENT');
      expect(r.stderr).toContain(`element "${typo}" is not an element dib ships; did you mean "debian"?`);
      expect(r.stderr).toMatch(/hint: .*@acme\/dib-element-foo.*elementsPath/);
      expect(readdirSync(dir)).toEqual([]);
    }
  });

  it('adds the packages of elements dib ships and keeps third-party package names as they are', async () => {
    const dir = tempDir();
    const r = await init(dir, ['--yaml', 'debian', '@dib/element-vm', '@acme/dib-element-foo', 'dib-element-bar', '@acme/baz']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(devDependencies(dir)).toEqual({
      '@acme/dib-element-baz': 'latest',
      '@acme/dib-element-foo': 'latest',
      '@dib/cli': `^${CLI_VERSION}`,
      '@dib/core': expect.stringMatching(/^\^\d/),
      '@dib/element-debian': `^${CLI_VERSION}`,
      '@dib/element-vm': `^${CLI_VERSION}`,
      'dib-element-bar': 'latest',
    });
    expect(parseYaml(read(dir, 'dib.config.yaml')).images.image.elements).toEqual([
      'debian',
      '@dib/element-vm',
      '@acme/dib-element-foo',
      'dib-element-bar',
      '@acme/baz',
    ]);
  });

  it('keeps what package.json has: its keys and the ranges it already gives', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'mine', scripts: { test: 'true' }, devDependencies: { '@dib/cli': '^9.0.0' } }));
    const r = await init(dir, ['debian']);
    expect(r.exitCode, r.stderr).toBe(0);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg).toMatchObject({ name: 'mine', scripts: { test: 'true' } });
    expect(pkg.devDependencies).toMatchObject({ '@dib/cli': '^9.0.0', '@dib/element-debian': `^${CLI_VERSION}`, typescript: expect.any(String) });
  });

  it('a package.json that is not JSON is refused, naming it, and nothing is written', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), '{ "name": ');
    const r = await init(dir, ['debian']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_CONFIG_INVALID');
    expect(r.stderr).toContain(`${path.join(dir, 'package.json')} is not JSON`);
    expect(readdirSync(dir)).toEqual(['package.json']);
  });
});

describe('dib init: a directory that already has a config', () => {
  /** A directory holding one config file of that name (for package.json, one with a "dib" key). */
  const withConfig = (name: string) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'proj', private: true, ...(name === 'package.json' ? { dib: { images: {} } } : {}) }));
    if (name !== 'package.json') writeFileSync(path.join(dir, name), '{}\n');
    return dir;
  };

  it('refuses to write a config where one exists, naming it, and changes nothing', async () => {
    // Every place dib reads a config from, half of them met by a .ts and half by a .yaml init; run side by side.
    const cases = CONFIG_SEARCH_PLACES.map((name, i) => ({ name, args: i % 2 ? ['--yaml', 'debian'] : ['debian'], dir: withConfig(name) }));
    const before = cases.map(({ dir }) => snapshot(dir));
    const runs = await Promise.all(cases.map(({ dir, args }) => init(dir, args)));
    cases.forEach(({ name, args, dir }, i) => {
      expect(runs[i].exitCode, `${name} ${args}`).toBe(2);
      expect(runs[i].stderr).toContain('DIB_E_ARGUMENT');
      expect(runs[i].stderr).toContain(path.join(dir, name));
      expect(snapshot(dir)).toEqual(before[i]);
    });
  });

  it('--force replaces a config of the same name', async () => {
    const dir = withConfig('dib.config.yaml');
    const r = await init(dir, ['--yaml', '--force', '--name', 'web', 'debian']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parseYaml(read(dir, 'dib.config.yaml')).images.web.elements).toEqual(['debian']);
  });

  it('--force never writes a second config beside one of another name, and says which to remove', async () => {
    for (const [existing, args] of [
      ['.dibrc.json', ['--force', 'debian']],
      ['dib.config.ts', ['--yaml', '--force', 'debian']],
      ['package.json', ['--force', 'debian']],
    ] as const) {
      const dir = withConfig(existing);
      const before = snapshot(dir);
      const r = await init(dir, [...args]);
      expect(r.exitCode, existing).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`hint: .*remove (the "dib" key of )?${path.join(dir, existing).replace(/\./g, '\\.')}`));
      expect(snapshot(dir)).toEqual(before);
    }
  });
});

describe('dib init: what it tells the user to do next', () => {
  it('points at the install docs, never at a bare npm install, npx dib or a registry host', async () => {
    const dir = tempDir();
    const r = await init(dir, ['debian', 'vm']);
    expect(r.exitCode, r.stderr).toBe(0);
    const help = await runDib(['init', '--help'], { cwd: dir });
    for (const text of [r.stdout, help.stdout, read(dir, 'dib.config.ts'), read(dir, 'package.json')]) {
      expect(text).not.toContain('npm install');
      expect(text).not.toMatch(/npx dib\b/);
      expect(text).not.toMatch(/registry\.npmjs|127\.0\.0\.1|localhost|:4873/);
    }
    expect(r.stdout).toContain("next: install dib's packages");
    for (const text of [r.stdout, help.stdout]) expect(text).toContain('docs/releasing.md#steps');
    // The section the link names exists.
    expect(read(REPO, 'docs/releasing.md')).toMatch(/^## Steps$/m);
  });
});

describe('dib init --nx: the Nx plugin in a workspace', () => {
  const nxJson = (dir: string) => JSON.parse(read(dir, 'nx.json'));

  it('in an empty directory: dib.config.json, nx.json with the plugin, and the packages Nx needs', async () => {
    const dir = tempDir();
    const r = await init(dir, ['--nx', '--name', 'web', 'debian', 'vm']);
    expect(r.exitCode, r.stderr).toBe(0);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.json'));
    expect(loaded.config.images.web).toMatchObject({ elements: ['debian', 'vm'], environment: { DIB_RELEASE: 'bookworm' } });
    expect(nxJson(dir).plugins).toEqual(['@dib/nx']);
    expect(devDependencies(dir)).toMatchObject({ '@dib/cli': `^${CLI_VERSION}`, '@dib/nx': 'latest', nx: '^22.0.0', '@dib/element-debian': `^${CLI_VERSION}` });
    expect(devDependencies(dir).typescript).toBeUndefined();
    expect(r.stdout).toContain('then npx nx show projects');
  });

  it('in a workspace with images and plugins: keeps both, adds the plugin once, and a second run changes nothing', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fleet', devDependencies: { nx: '22.1.0' } }));
    writeFileSync(path.join(dir, 'dib.config.yaml'), 'images:\n  db:\n    elements: [debian]\n');
    writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ plugins: [{ plugin: '@nx/js/typescript' }], defaultBase: 'main' }));
    const r = await init(dir, ['--nx']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('kept dib.config.yaml');
    expect(read(dir, 'dib.config.yaml')).toBe('images:\n  db:\n    elements: [debian]\n');
    expect(nxJson(dir)).toEqual({ plugins: [{ plugin: '@nx/js/typescript' }, '@dib/nx'], defaultBase: 'main' });
    // The workspace's own nx is kept; no element package is added for images already configured.
    expect(devDependencies(dir)).toEqual({ '@dib/cli': `^${CLI_VERSION}`, '@dib/core': `^${CLI_VERSION}`, '@dib/nx': 'latest', nx: '22.1.0' });
    const before = snapshot(dir);
    expect((await init(dir, ['--nx'])).exitCode).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });

  it('keeps the images of a config file in a folder below, and writes none of its own', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'images'));
    writeFileSync(path.join(dir, 'images/dib.config.json'), '{"images":{"db":{"elements":["debian"]}}}');
    const r = await init(dir, ['--nx']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`kept ${path.join('images', 'dib.config.json')}`);
    expect(readdirSync(dir).sort()).toEqual(['images', 'nx.json', 'package.json']);
  });

  it('refuses a config the Nx plugin would not read (package.json#dib), saying where to move it, and writes nothing', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'fleet', dib: { images: { db: { elements: ['debian'] } } } }));
    const before = snapshot(dir);
    const r = await init(dir, ['--nx']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('the @dib/nx plugin reads dib.config.* files');
    expect(r.stderr).toContain('Move the config into dib.config.json');
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses an nx.json that is not JSON, naming it, and writes nothing', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'nx.json'), '{ plugins: [');
    const before = snapshot(dir);
    const r = await init(dir, ['--nx']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_CONFIG_INVALID');
    expect(r.stderr).toContain(`${path.join(dir, 'nx.json')} is not JSON`);
    expect(snapshot(dir)).toEqual(before);
  });
});
