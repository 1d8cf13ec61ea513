import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORE_VERSION, ElementFinder, describeSource, loadElementDirectory } from '@dib/core';
import { SCRIPT, dibError, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const tempDir = useTempDirs();

const finderFor = (project: string, elementsPath: string[] = []) => new ElementFinder({ elementsPath, searchRoots: [project] });

describe('ElementFinder: npm element packages', () => {
  it('finds @dib/element-NAME installed in the project', async () => {
    const project = tempDir();
    const root = writePackageElement(project, '@dib/element-foo', {
      version: '1.2.3',
      manifest: { name: 'foo', description: 'Foo element', dependencies: ['bar'], provides: ['operating-system'] },
    });
    const el = await finderFor(project).require('foo');
    expect(el.name).toBe('foo');
    expect(el.manifest).toMatchObject({ description: 'Foo element', dependencies: ['bar'], provides: ['operating-system'], conflicts: [], env: {} });
    expect(el.source).toEqual({ kind: 'package', packageName: '@dib/element-foo', version: '1.2.3', packageRoot: root });
    expect(el.directory).toBe(root);
    expect(describeSource(el.source)).toBe('@dib/element-foo@1.2.3');
  });

  it('falls back to the unscoped dib-element-NAME package', async () => {
    const project = tempDir();
    writePackageElement(project, 'dib-element-x', { manifest: { name: 'x', description: 'X' } });
    const el = await finderFor(project).require('x');
    expect(el.source).toMatchObject({ kind: 'package', packageName: 'dib-element-x' });
  });

  it('prefers @dib/element-NAME over dib-element-NAME when both are installed', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-x', { manifest: { name: 'x', description: 'first-party' } });
    writePackageElement(project, 'dib-element-x', { manifest: { name: 'x', description: 'third-party' } });
    const el = await finderFor(project).require('x');
    expect(el.manifest.description).toBe('first-party');
  });

  it('loads a third-party scoped element @acme/x from @acme/dib-element-x', async () => {
    const project = tempDir();
    writePackageElement(project, '@acme/dib-element-x', { manifest: { name: 'x', description: 'Acme X' } });
    const el = await finderFor(project).require('@acme/x');
    expect(el.name).toBe('x');
    expect(el.source).toMatchObject({ kind: 'package', packageName: '@acme/dib-element-x' });
  });

  it('loads a scoped package named exactly as requested (@acme/x)', async () => {
    const project = tempDir();
    writePackageElement(project, '@acme/x', { manifest: { name: 'x', description: 'Acme X, plain name' } });
    const el = await finderFor(project).require('@acme/x');
    expect(el.source).toMatchObject({ kind: 'package', packageName: '@acme/x' });
  });

  it('finds a package whose exports map does not export ./package.json', async () => {
    const project = tempDir();
    const root = writePackageElement(project, '@dib/element-foo', { exportPackageJson: false, manifest: { name: 'foo', description: 'Foo' } });
    const el = await finderFor(project).require('foo');
    expect(el.source).toMatchObject({ kind: 'package', packageRoot: root });
  });

  it('uses the manifest hooksDir, relative to the package root, as the hook directory', async () => {
    const project = tempDir();
    const root = writePackageElement(project, '@dib/element-foo', { manifest: { name: 'foo', description: 'Foo', hooksDir: 'hooks' } });
    const el = await finderFor(project).require('foo');
    expect(el.directory).toBe(path.join(root, 'hooks'));
  });

  it('find() returns undefined for an element that is nowhere', async () => {
    expect(await finderFor(tempDir()).find('nope')).toBeUndefined();
  });

  it('not found: DIB_E_ELEMENT_NOT_FOUND lists every package name and ELEMENTS_PATH directory tried', async () => {
    const project = tempDir();
    const dirA = path.join(project, 'a');
    const dirB = path.join(project, 'b');
    const err = await dibError(finderFor(project, [dirA, dirB]).require('nope'));
    expect(err.code).toBe('DIB_E_ELEMENT_NOT_FOUND');
    expect(err.location.element).toBe('nope');
    // directories first (they win), then the package names in the order tried
    expect(err.message).toBe(
      [
        'element "nope" was not found; tried:',
        `  directory ${dirA}/nope`,
        `  directory ${dirB}/nope`,
        '  package @dib/element-nope',
        '  package dib-element-nope',
        `searched from: ${project}`,
      ].join('\n'),
    );
  });

  it('not found (scoped): lists both @acme/dib-element-x and @acme/x', async () => {
    const err = await dibError(finderFor(tempDir()).require('@acme/x'));
    expect(err.code).toBe('DIB_E_ELEMENT_NOT_FOUND');
    expect(err.message).toContain('package @acme/dib-element-x');
    expect(err.message).toContain('package @acme/x');
  });

  it('not an element: a package without the "dib-element" keyword is DIB_E_NOT_AN_ELEMENT naming the package', async () => {
    const project = tempDir();
    const root = writePackageElement(project, '@dib/element-foo', {
      version: '2.0.0',
      keywords: ['something-else'],
      manifest: { name: 'foo', description: 'Foo' },
    });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_NOT_AN_ELEMENT');
    expect(err.message).toContain('@dib/element-foo@2.0.0');
    expect(err.message).toContain('"dib-element" keyword');
    expect(err.location).toMatchObject({ element: 'foo', file: path.join(root, 'package.json') });
  });

  it('not an element: an entry point with no default export is DIB_E_NOT_AN_ELEMENT', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { manifest: 'export const something = 1;\n' });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_NOT_AN_ELEMENT');
    expect(err.message).toContain('@dib/element-foo@1.0.0');
    expect(err.message).toContain('exports no manifest');
  });

  it('load failed: an entry point that throws is DIB_E_ELEMENT_LOAD_FAILED keeping the original error as cause', async () => {
    const project = tempDir();
    const root = writePackageElement(project, '@dib/element-foo', { manifest: "throw new Error('kaboom in entry point');\n" });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_ELEMENT_LOAD_FAILED');
    expect(err.message).toBe('@dib/element-foo@1.0.0: kaboom in entry point');
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toBe('kaboom in entry point');
    expect(err.location).toMatchObject({ element: 'foo', file: path.join(root, 'index.js') });
    const text = err.format();
    expect(text).toContain('DIB_E_ELEMENT_LOAD_FAILED: Element package threw while loading');
    expect(text).toContain('cause: ');
    expect(text).toContain((err.cause as Error).stack!.split('\n')[0]);
    expect(text).toContain('index.js');
  });

  it('peer mismatch: a package needing another @dib/core is DIB_E_PEER_MISMATCH naming the range and CORE_VERSION', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { version: '3.1.4', coreRange: '^99.0.0', manifest: { name: 'foo', description: 'Foo' } });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_PEER_MISMATCH');
    expect(err.message).toContain('@dib/element-foo@3.1.4');
    expect(err.message).toContain('^99.0.0');
    expect(err.message).toContain(`@dib/core ${CORE_VERSION}`);
    expect(err.location.element).toBe('foo');
  });

  it('peer range satisfied by this core (and no peer range at all) loads fine', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { coreRange: `^${CORE_VERSION}`, manifest: { name: 'foo', description: 'Foo' } });
    writePackageElement(project, '@dib/element-bar', { coreRange: null, manifest: { name: 'bar', description: 'Bar' } });
    const finder = finderFor(project);
    expect((await finder.require('foo')).name).toBe('foo');
    expect((await finder.require('bar')).name).toBe('bar');
  });

  it('invalid manifest: an upper-case name is DIB_E_MANIFEST_INVALID naming the package and key "name"', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { manifest: { name: 'Foo', description: 'Foo' } });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toMatch(/^@dib\/element-foo@1\.0\.0: name: lower-case letters.*; found string "Foo"$/);
    expect(err.location.file).toBe('@dib/element-foo@1.0.0');
  });

  it('invalid manifest: an unknown key is reported by name', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { manifest: { name: 'foo', description: 'Foo', dependancies: ['bar'] } });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toMatch(/^@dib\/element-foo@1\.0\.0: \(top level\): .*; unknown key\(s\) dependancies$/);
  });

  it('invalid manifest: a nested bad value names its full key path', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', {
      manifest: { name: 'foo', description: 'Foo', dependencies: ['ok', 'Not_OK'], packages: { curl: { phase: 'install.d' } } },
    });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toContain('@dib/element-foo@1.0.0: dependencies[1]: ');
    expect(err.message).toContain('found string "Not_OK"');
    expect(err.message).toContain('@dib/element-foo@1.0.0: packages.curl.phase: ');
    expect(err.message).toContain('found string "install.d"');
  });

  it('a manifest whose name differs from the element requested is DIB_E_MANIFEST_INVALID naming both', async () => {
    const project = tempDir();
    writePackageElement(project, '@dib/element-foo', { manifest: { name: 'bar', description: 'Bar in disguise' } });
    const err = await dibError(finderFor(project).require('foo'));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toBe('@dib/element-foo@1.0.0 declares element name "bar" but was installed for "foo"');
    expect(err.location.element).toBe('foo');
  });
});

describe('ElementFinder: classic element directories (ELEMENTS_PATH)', () => {
  it('loads element-deps, element-provides, README description and package-installs.yaml', async () => {
    const project = tempDir();
    const elements = path.join(project, 'elements');
    const dir = writeClassicElement(elements, 'classic', {
      deps: ['dep-one  # a comment', '', 'dep-two'],
      provides: ['operating-system'],
      files: {
        'README.md': '# classic\n\n=======\n\nA classic element for tests.\n\nMore text.\n',
        'package-installs.yaml': [
          'curl:',
          'grub2:',
          '  phase: pre-install.d',
          'tidy:',
          '  phase: install.d',
          'old-thing:',
          '  uninstall: true',
          '  phase: post-install.d',
          'linux-image:',
          '  arch: amd64, arm64',
          'not-on-ppc:',
          '  not-arch: ppc64el',
          'only-when:',
          '  when: DIB_FOO = 1',
          '',
        ].join('\n'),
        'element-conflicts': 'enemy\n',
        'install.d/50-classic': SCRIPT,
      },
    });
    const el = await finderFor(project, [elements]).require('classic');
    expect(el.source).toEqual({ kind: 'directory', path: dir });
    expect(describeSource(el.source)).toBe(dir);
    expect(el.directory).toBe(dir);
    const m = el.manifest;
    expect(m.description).toBe('A classic element for tests.');
    expect(m.dependencies).toEqual(['dep-one', 'dep-two']);
    expect(m.provides).toEqual(['operating-system']);
    expect(m.conflicts).toEqual(['enemy']);
    expect(m.packages.curl).toBeNull();
    expect(m.packages.grub2).toMatchObject({ phase: 'pre-install', uninstall: false });
    expect(m.packages.tidy).toMatchObject({ phase: 'install', uninstall: false });
    expect(m.packages['old-thing']).toMatchObject({ phase: 'post-install', uninstall: true });
    expect(m.packages['linux-image']).toMatchObject({ phase: 'install', arch: ['amd64', 'arm64'] });
    expect(m.packages['not-on-ppc']).toMatchObject({ notArch: ['ppc64el'] });
    expect(m.packages['only-when']).toMatchObject({ when: ['DIB_FOO = 1'] });
  });

  it('reads pkg-map as JSON into the manifest', () => {
    const elements = tempDir();
    const pkgMap = { family: { debian: { python: 'python3' } }, default: { python: 'python' } };
    const dir = writeClassicElement(elements, 'mapped', { files: { 'pkg-map': JSON.stringify(pkgMap) } });
    expect(loadElementDirectory('mapped', dir).manifest.pkgMap).toEqual(pkgMap);
  });

  it('a classic element without README.md still gets a description', () => {
    const elements = tempDir();
    const dir = writeClassicElement(elements, 'bare', {});
    expect(loadElementDirectory('bare', dir).manifest.description).toBe('(classic element, no README)');
  });

  it('a pkg-map that is not JSON is DIB_E_MANIFEST_INVALID naming the file', async () => {
    const elements = tempDir();
    const dir = writeClassicElement(elements, 'broken', { files: { 'pkg-map': '{ not json' } });
    const err = await dibError(() => loadElementDirectory('broken', dir));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'pkg-map')}: not valid JSON`);
    expect(err.location).toMatchObject({ file: path.join(dir, 'pkg-map'), element: 'broken' });
  });

  it('a package-installs.yaml that is not YAML is DIB_E_MANIFEST_INVALID naming the file', async () => {
    const elements = tempDir();
    const dir = writeClassicElement(elements, 'broken', { files: { 'package-installs.yaml': 'curl: [unclosed\n' } });
    const err = await dibError(() => loadElementDirectory('broken', dir));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'package-installs.yaml')}: not valid YAML`);
  });

  it('a bad phase in package-installs.yaml is DIB_E_MANIFEST_INVALID naming the directory and key', async () => {
    const elements = tempDir();
    const dir = writeClassicElement(elements, 'badphase', { files: { 'package-installs.yaml': 'curl:\n  phase: finalise.d\n' } });
    const err = await dibError(() => loadElementDirectory('badphase', dir));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toContain(`${dir}: packages.curl.phase: `);
    expect(err.message).toContain('found string "finalise"');
  });

  it('an invalid name in element-deps is DIB_E_MANIFEST_INVALID naming the directory and key', async () => {
    const elements = tempDir();
    const dir = writeClassicElement(elements, 'baddeps', { deps: ['good', 'Bad Name'] });
    const err = await dibError(() => loadElementDirectory('baddeps', dir));
    expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(err.message).toContain(`${dir}: dependencies[1]: `);
    expect(err.message).toContain('found string "Bad Name"');
  });

  it('the first ELEMENTS_PATH directory wins; every shadowed copy (directories and a package) is a warning', async () => {
    const project = tempDir();
    const first = path.join(project, 'first');
    const second = path.join(project, 'second');
    const third = path.join(project, 'third');
    const winner = writeClassicElement(first, 'foo', { files: { 'README.md': 'First copy\n' } });
    const shadowedDir = writeClassicElement(second, 'foo', { files: { 'README.md': 'Second copy\n' } });
    mkdirSync(third); // no foo here: not a warning
    const pkgRoot = writePackageElement(project, '@dib/element-foo', { manifest: { name: 'foo', description: 'Package copy' } });
    const finder = finderFor(project, [first, third, second]);
    const el = await finder.require('foo');
    expect(el.manifest.description).toBe('First copy');
    expect(el.source).toEqual({ kind: 'directory', path: winner });
    expect(finder.warnings).toEqual([
      `element "foo" from ${winner} overrides ${shadowedDir}`,
      `element "foo" from ${winner} overrides package @dib/element-foo (${pkgRoot})`,
    ]);
  });

  it('a directory shadowing a package is a warning naming the package', async () => {
    const project = tempDir();
    const elements = path.join(project, 'elements');
    const dir = writeClassicElement(elements, 'foo', {});
    const pkgRoot = writePackageElement(project, '@dib/element-foo', { manifest: { name: 'foo', description: 'Package copy' } });
    const finder = finderFor(project, [elements]);
    const el = await finder.require('foo');
    expect(el.source.kind).toBe('directory');
    expect(finder.warnings).toEqual([`element "foo" from ${dir} overrides package @dib/element-foo (${pkgRoot})`]);
  });

  it('looks each name up once: a second find returns the same element and adds no warnings', async () => {
    const project = tempDir();
    const a = path.join(project, 'a');
    const b = path.join(project, 'b');
    writeClassicElement(a, 'foo', {});
    writeClassicElement(b, 'foo', {});
    const finder = finderFor(project, [a, b]);
    const one = await finder.require('foo');
    const two = await finder.find('foo');
    expect(two).toBe(one);
    expect(finder.warnings).toHaveLength(1);
  });

  it('a file (not a directory) with the element name in ELEMENTS_PATH is ignored', async () => {
    const project = tempDir();
    const elements = path.join(project, 'elements');
    mkdirSync(elements);
    writeFileSync(path.join(elements, 'foo'), 'not an element');
    chmodSync(path.join(elements, 'foo'), 0o644);
    writePackageElement(project, '@dib/element-foo', { manifest: { name: 'foo', description: 'Package' } });
    const finder = finderFor(project, [elements]);
    expect((await finder.require('foo')).source.kind).toBe('package');
    expect(finder.warnings).toEqual([]);
  });
});
