import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '@dib/core';
import { dibError, useTempDirs } from './helpers.js';

const tempDir = useTempDirs();
const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Temp projects inside the monorepo, so Node resolves `typescript` and `@dib/core` from them. */
const inRepoDir = useTempDirs(HERE, '.tmp-config-');

afterAll(() => {
  // belt and braces: nothing named .tmp-* may outlive the run
  for (const name of readdirSync(HERE)) if (name.startsWith('.tmp-')) rmSync(path.join(HERE, name), { recursive: true, force: true });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A project dir with a package.json (no dib key) and one config file. */
function projectWith(file: string, body: string, dir = tempDir()): string {
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'proj', private: true }));
  writeFileSync(path.join(dir, file), body);
  return dir;
}

const webImage = { images: { web: { elements: ['debian', 'vm'], types: ['tar'] } } };

describe('loadConfig: finding the config file', () => {
  it('finds dib.config.json', async () => {
    const dir = projectWith('dib.config.json', JSON.stringify(webImage));
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.json'));
    expect(loaded.dir).toBe(dir);
    expect(loaded.config.images.web).toMatchObject({ elements: ['debian', 'vm'], types: ['tar'], arch: 'amd64', skipBase: false });
  });

  it('finds .dibrc.yaml', async () => {
    const dir = projectWith('.dibrc.yaml', 'offline: true\nimages:\n  web:\n    elements: [debian]\n    types: [tgz]\n');
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, '.dibrc.yaml'));
    expect(loaded.config.offline).toBe(true);
    expect(loaded.config.images.web.types).toEqual(['tgz']);
  });

  it('finds the "dib" key of package.json', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'proj', dib: { minTmpfs: 8, images: { web: { elements: ['debian'] } } } }));
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'package.json'));
    expect(loaded.config.minTmpfs).toBe(8);
    expect(loaded.config.images.web.types).toEqual(['qcow2']);
  });

  it('finds dib.config.mjs (ES module default export)', async () => {
    const dir = projectWith('dib.config.mjs', `export default ${JSON.stringify(webImage)};\n`);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.mjs'));
    expect(loaded.config.images.web.elements).toEqual(['debian', 'vm']);
  });

  it("loads dib.config.ts with the project's typescript, and leaves no compiled file behind", async () => {
    const dir = inRepoDir();
    projectWith(
      'dib.config.ts',
      [
        "import { defineConfig } from '@dib/core/define';",
        'interface Sizes { small: string }',
        "const sizes: Sizes = { small: '2G' };",
        "const types: Array<'tar' | 'tgz'> = ['tgz'];",
        'export default defineConfig({',
        "  images: { web: { elements: ['debian'] as string[], types, size: sizes.small } },",
        '});',
        '',
      ].join('\n'),
      dir,
    );
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.ts'));
    expect(loaded.config.images.web).toMatchObject({ elements: ['debian'], types: ['tgz'], size: '2G' });
    expect(readdirSync(dir).sort()).toEqual(['dib.config.ts', 'package.json']);
  });

  it('searches parent directories from the current one', async () => {
    const dir = projectWith('dib.config.json', JSON.stringify(webImage));
    const sub = path.join(dir, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const loaded = await loadConfig({ cwd: sub });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.json'));
    expect(loaded.dir).toBe(dir);
  });

  it('--config FILE loads that file, whatever its name', async () => {
    const dir = projectWith('dib.config.json', JSON.stringify({ images: { wrong: { elements: ['x'] } } }));
    writeFileSync(path.join(dir, 'other.yaml'), 'images:\n  right:\n    elements: [y]\n');
    const loaded = await loadConfig({ cwd: dir, file: 'other.yaml' });
    expect(loaded.filepath).toBe(path.join(dir, 'other.yaml'));
    expect(Object.keys(loaded.config.images)).toEqual(['right']);
  });

  it('--config naming a missing file is DIB_E_CONFIG_NOT_FOUND with the absolute path', async () => {
    const dir = tempDir();
    const err = await dibError(loadConfig({ cwd: dir, file: 'nope.json' }));
    expect(err.code).toBe('DIB_E_CONFIG_NOT_FOUND');
    expect(err.message).toBe(`${path.join(dir, 'nope.json')} does not exist`);
  });

  it('no config file: defaults, relative to the current directory', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'proj' }));
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBeUndefined();
    expect(loaded.dir).toBe(dir);
    expect(loaded.config).toEqual({ elementsPath: [], tmpfs: true, minTmpfs: 4, offline: false, images: {} });
  });

  const broken = 'export default {\n  images: {\n    web: { elements: ["debian"] ,\n  }\n};\n';
  it.each([
    ['dib.config.json', '{ "images": {}\n}}', 'at line 2, column 2'],
    ['dib.config.yaml', 'images:\n  web:\n    elements: [debian\n', '(4:1)'],
    ['dib.config.mjs', broken, "line 5: SyntaxError: Unexpected token ';'"],
    ['dib.config.js', broken, "line 5: SyntaxError: Unexpected token ';'"],
  ])('a syntax error in %s is DIB_E_CONFIG_INVALID naming the file and the line', async (file, body, where) => {
    const dir = projectWith(file, body);
    const err = await dibError(loadConfig({ cwd: dir }));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message.startsWith(`${path.join(dir, file)}: `)).toBe(true);
    expect(err.message).toContain(where);
    expect(err.hint).toContain('Fix the syntax');
  });

  it('a syntax error in dib.config.ts is found, not repaired by the transpiler', async () => {
    const dir = projectWith('dib.config.ts', broken, inRepoDir());
    const err = await dibError(loadConfig({ cwd: dir }));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toMatch(/dib\.config\.ts: line 5, column 2: /);
    expect(readdirSync(dir).sort()).toEqual(['dib.config.ts', 'package.json']);
  });

  it('a config module that throws is named with what it threw', async () => {
    const dir = projectWith('dib.config.mjs', 'throw new Error("no SECRET set");\nexport default {};\n');
    const err = await dibError(loadConfig({ cwd: dir }));
    expect(err.message).toBe(`${path.join(dir, 'dib.config.mjs')}: failed while loading: no SECRET set`);
  });

  it('a package.json that is not JSON is named with its line, not a stack', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), '{"name": "x",\n "dib": {}}}');
    const err = await dibError(loadConfig({ cwd: dir }));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'package.json')}: cannot be parsed`);
    expect(err.message).toContain('at line 2, column 12');
  });

  it('a second config file in the same directory is named in a warning, not used', async () => {
    const dir = projectWith('dib.config.yaml', 'images:\n  web:\n    elements: [debian]\n');
    writeFileSync(path.join(dir, 'dib.config.yml'), 'offline: true\n');
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, 'dib.config.yaml'));
    expect(loaded.config.offline).toBe(false);
    expect(loaded.warnings).toEqual([
      `${path.join(dir, 'dib.config.yml')} is ignored: ${path.join(dir, 'dib.config.yaml')} is the config file used (one config file per directory)`,
    ]);
  });

  it.each([
    ['.dibrc.yaml', 'images:\n  web:\n    elements: [debian, vm]\n    types: [tar]\n'],
    ['.dibrc.json', JSON.stringify(webImage)],
    ['dib.config.json', JSON.stringify(webImage)],
    ['dib.config.yaml', 'images:\n  web:\n    elements: [debian, vm]\n    types: [tar]\n'],
    ['dib.config.mjs', `export default ${JSON.stringify(webImage)};`],
  ])('finds a config in %s, a documented file name', async (file, body) => {
    const dir = projectWith(file, body);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.filepath).toBe(path.join(dir, file));
    expect(loaded.config.images.web.elements).toEqual(['debian', 'vm']);
  });
});

describe('loadConfig / validateConfig: paths and validation', () => {
  it("resolves relative output, elementsPath, imageCache and logfile against the config file's directory", async () => {
    const dir = projectWith(
      'dib.config.json',
      JSON.stringify({
        elementsPath: ['./elements', '/abs/elements'],
        imageCache: 'cache',
        logfile: 'logs/build.log',
        images: { web: { elements: ['debian'], output: 'out/web-image' }, db: { elements: ['debian'] } },
      }),
    );
    const sub = path.join(dir, 'sub');
    mkdirSync(sub);
    const { config } = await loadConfig({ cwd: sub });
    expect(config.elementsPath).toEqual([path.join(dir, 'elements'), '/abs/elements']);
    expect(config.imageCache).toBe(path.join(dir, 'cache'));
    expect(config.logfile).toBe(path.join(dir, 'logs/build.log'));
    expect(config.images.web.output).toBe(path.join(dir, 'out/web-image'));
    // no output: the image name, beside the config file
    expect(config.images.db.output).toBe(path.join(dir, 'db'));
  });

  it('a bad value is DIB_E_CONFIG_INVALID: "<file>: images.web.types[0]: ...; found string "qcow3""', async () => {
    const dir = projectWith('dib.config.json', JSON.stringify({ images: { web: { elements: ['debian'], types: ['qcow3'] } } }));
    const file = path.join(dir, 'dib.config.json');
    const err = await dibError(loadConfig({ cwd: dir }));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toMatch(new RegExp(`^${escape(file)}: images\\.web\\.types\\[0\\]: .+; found string "qcow3"$`));
    expect(err.location.file).toBe(file);
  });

  it('an unknown top-level key is reported by name', async () => {
    const err = await dibError(() => validateConfig({ imagez: {} }, '/p/dib.config.json'));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toMatch(/^\/p\/dib\.config\.json: \(top level\): .+; unknown key\(s\) imagez$/);
  });

  it("an unknown key inside an image is reported with the image's key path", async () => {
    const err = await dibError(() => validateConfig({ images: { web: { elements: ['x'], colour: 'blue' } } }, '/p/dib.config.json'));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toMatch(/^\/p\/dib\.config\.json: images\.web: .+; unknown key\(s\) colour$/);
  });

  it('reports every problem, one line each', async () => {
    const err = await dibError(() => validateConfig({ minTmpfs: 0, images: { web: { elements: [], size: 'huge' } } }, 'command line'));
    const lines = err.message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^command line: minTmpfs: .+; found number 0$/),
        expect.stringMatching(/^command line: images\.web\.elements: list at least one element; found a list$/),
        expect.stringMatching(/^command line: images\.web\.size: .*a size such as 2G.*; found string "huge"$/),
      ]),
    );
  });

  it('a wrong type names what was found', async () => {
    const err = await dibError(() => validateConfig({ offline: 'yes', images: { web: { elements: 'debian' } } }, 'cfg'));
    expect(err.message).toContain('cfg: offline: ');
    expect(err.message).toContain('found string "yes"');
    expect(err.message).toContain('cfg: images.web.elements: ');
    expect(err.message).toContain('found string "debian"');
  });

  it('an invalid image name is reported with its key path', async () => {
    const err = await dibError(() => validateConfig({ images: { 'bad name': { elements: ['x'] } } }, 'cfg'));
    expect(err.code).toBe('DIB_E_CONFIG_INVALID');
    expect(err.message).toMatch(/^cfg: images\.bad name: /);
  });

  it('leaves no .tmp-* directories behind (checked after the TypeScript config test)', () => {
    // the in-repo temp dirs are removed after each test; nothing should be left from earlier tests
    expect(readdirSync(HERE).filter((n) => n.startsWith('.tmp-') && existsSync(path.join(HERE, n)))).toEqual([]);
  });
});
