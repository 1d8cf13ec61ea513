import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElementFinder, resolveElements } from '@dib/core';
import type { ClassicElementSpec } from '@dib/testing';
import { dibError, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const tempDir = useTempDirs();

/** A project with classic elements in `<project>/elements`, and a finder over it. */
function project(elements: Record<string, ClassicElementSpec & { conflicts?: string[] }>) {
  const root = tempDir();
  const elementsDir = path.join(root, 'elements');
  for (const [name, spec] of Object.entries(elements)) {
    writeClassicElement(elementsDir, name, {
      ...spec,
      files: { ...spec.files, ...(spec.conflicts ? { 'element-conflicts': spec.conflicts.join('\n') } : {}) },
    });
  }
  const finder = () => new ElementFinder({ elementsPath: [elementsDir], searchRoots: [root] });
  return { root, elementsDir, finder };
}

const names = (els: readonly { name: string }[]) => els.map((e) => e.name);
const reasonsOf = (els: readonly { name: string; reasons: readonly string[] }[]) => Object.fromEntries(els.map((e) => [e.name, e.reasons]));

describe('resolveElements', () => {
  it('pulls in dependencies transitively, dependencies before the elements that need them', async () => {
    const p = project({
      app: { deps: ['lib', 'myos'] },
      lib: { deps: ['util'] },
      util: {},
      myos: { provides: ['operating-system'] },
    });
    const els = await resolveElements(['app'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['util', 'lib', 'myos', 'app']);
    const at = (n: string) => names(els).indexOf(n);
    for (const el of els) for (const dep of el.manifest.dependencies) expect(at(dep)).toBeLessThan(at(el.name));
  });

  it('keeps the order requested when nothing depends on each other', async () => {
    const p = project({ zeta: {}, alpha: {}, myos: { provides: ['operating-system'] } });
    const els = await resolveElements(['zeta', 'myos', 'alpha'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['zeta', 'myos', 'alpha']);
  });

  it('says why each element is there: requested, dependency of X', async () => {
    const p = project({
      app: { deps: ['lib'] },
      tool: { deps: ['lib'] },
      lib: {},
      myos: { provides: ['operating-system'] },
    });
    const els = await resolveElements(['app', 'tool', 'myos'], p.finder(), { addBase: false });
    expect(reasonsOf(els)).toEqual({
      app: ['requested'],
      tool: ['requested'],
      lib: ['dependency of app', 'dependency of tool'],
      myos: ['requested'],
    });
  });

  it('adds base by default, with the reason "added by default"', async () => {
    const p = project({ myos: { provides: ['operating-system'] }, base: {} });
    const els = await resolveElements(['myos'], p.finder(), { addBase: true });
    expect(names(els)).toContain('base');
    expect(reasonsOf(els).base).toEqual(['added by default (-n leaves it out)']);
  });

  it('does not add base when addBase is false', async () => {
    const p = project({ myos: { provides: ['operating-system'] }, base: {} });
    const els = await resolveElements(['myos'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['myos']);
  });

  it('base requested explicitly is "requested", not added twice', async () => {
    const p = project({ myos: { provides: ['operating-system'] }, base: {} });
    const els = await resolveElements(['base', 'myos'], p.finder(), { addBase: true });
    expect(names(els).filter((n) => n === 'base')).toHaveLength(1);
    expect(reasonsOf(els).base).toEqual(['requested']);
  });

  it('a missing base (addBase) is DIB_E_ELEMENT_NOT_FOUND saying it was added by default', async () => {
    const p = project({ myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['myos'], p.finder(), { addBase: true }));
    expect(err.code).toBe('DIB_E_ELEMENT_NOT_FOUND');
    expect(err.message).toContain('element "base" (added by default (-n leaves it out)) was not found');
  });

  it('a dependency on a virtual name is satisfied by the element that provides it', async () => {
    const p = project({
      app: { deps: ['operating-system'] },
      myos: { provides: ['operating-system'] },
    });
    const els = await resolveElements(['app', 'myos'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['myos', 'app']);
    expect(reasonsOf(els).myos).toEqual(['requested', 'provides operating-system (dependency of app)']);
    expect(names(els)).not.toContain('operating-system');
  });

  it('a requested virtual name is satisfied by its provider, which says so', async () => {
    const p = project({ app: { deps: ['myos'] }, myos: { provides: ['operating-system', 'init-system'] } });
    const els = await resolveElements(['app', 'init-system'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['myos', 'app']);
    expect(reasonsOf(els).myos).toEqual(['dependency of app', 'provides init-system (requested)']);
  });

  it('two providers of the same name are DIB_E_PROVIDES naming both', async () => {
    const p = project({ os1: { provides: ['operating-system'] }, os2: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['os1', 'os2'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_PROVIDES');
    expect(err.message).toBe('"operating-system" is provided by more than one element: os1, os2');
  });

  it('an element that is also provided by another is DIB_E_PROVIDES naming both', async () => {
    const p = project({ myos: { provides: ['operating-system', 'shell'] }, shell: {} });
    const err = await dibError(resolveElements(['myos', 'shell'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_PROVIDES');
    expect(err.message).toBe('"shell" is both an element in the build and provided by myos');
  });

  it('no element providing operating-system is DIB_E_NO_OPERATING_SYSTEM listing the elements', async () => {
    const p = project({ app: { deps: ['lib'] }, lib: {} });
    const err = await dibError(resolveElements(['app'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_NO_OPERATING_SYSTEM');
    expect(err.message).toBe('none of the elements (app, lib) provides "operating-system"');
  });

  it('requireOperatingSystem: false (element-info, doctor) resolves without an OS', async () => {
    const p = project({ app: { deps: ['lib'] }, lib: {} });
    const els = await resolveElements(['app'], p.finder(), { addBase: false, requireOperatingSystem: false });
    expect(names(els)).toEqual(['lib', 'app']);
  });

  it('conflicting elements are DIB_E_ELEMENT_CONFLICT naming both', async () => {
    const p = project({ vim: { conflicts: ['emacs'] }, emacs: {}, myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['myos', 'vim', 'emacs'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_ELEMENT_CONFLICT');
    expect(err.message).toBe('element "vim" conflicts with "emacs"');
    expect(err.location.element).toBe('vim');
  });

  it('a conflict with a virtual name names the element that provides it', async () => {
    const p = project({ systemd: { provides: ['init-system'] }, sysv: { conflicts: ['init-system'] }, myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['myos', 'sysv', 'systemd'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_ELEMENT_CONFLICT');
    expect(err.message).toBe('element "sysv" conflicts with "init-system" (provided by systemd)');
  });

  it('a conflict with an element not in the build is no error', async () => {
    const p = project({ vim: { conflicts: ['emacs'] }, emacs: {}, myos: { provides: ['operating-system'] } });
    const els = await resolveElements(['myos', 'vim'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['myos', 'vim']);
  });

  it('a dependency cycle a -> b -> a is DIB_E_DEPENDENCY_CYCLE showing the cycle', async () => {
    const p = project({ a: { deps: ['b'] }, b: { deps: ['a'] }, myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['a', 'myos'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_DEPENDENCY_CYCLE');
    expect(err.message).toContain('a -> b -> a');
  });

  it('a longer cycle shows only the elements in the cycle', async () => {
    const p = project({ top: { deps: ['a'] }, a: { deps: ['b'] }, b: { deps: ['c'] }, c: { deps: ['a'] }, myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['top', 'myos'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_DEPENDENCY_CYCLE');
    expect(err.message).toBe('elements depend on each other in a cycle: a -> b -> c -> a');
  });

  it('an unknown dependency is DIB_E_ELEMENT_NOT_FOUND saying which element needs it', async () => {
    const p = project({ app: { deps: ['ghost'] }, myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['app', 'myos'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_ELEMENT_NOT_FOUND');
    expect(err.message).toContain('element "ghost" (dependency of app) was not found');
    expect(err.message).toContain(`directory ${p.elementsDir}/ghost`);
    expect(err.message).toContain('package @dib/element-ghost');
  });

  it('an unknown requested element is DIB_E_ELEMENT_NOT_FOUND saying it was requested', async () => {
    const p = project({ myos: { provides: ['operating-system'] } });
    const err = await dibError(resolveElements(['myos', 'nope'], p.finder(), { addBase: false }));
    expect(err.code).toBe('DIB_E_ELEMENT_NOT_FOUND');
    expect(err.message).toContain('element "nope" (requested) was not found');
  });

  it("a package element's dependencies are found from its own package first", async () => {
    const p = project({});
    const appRoot = writePackageElement(p.root, '@dib/element-app', { manifest: { name: 'app', description: 'App', dependencies: ['helper', 'myos'] } });
    // helper is installed only inside app's package (a nested dependency), myos in the project
    writePackageElement(appRoot, '@dib/element-helper', { manifest: { name: 'helper', description: 'Nested helper' } });
    writePackageElement(p.root, '@dib/element-myos', { manifest: { name: 'myos', description: 'OS', provides: ['operating-system'] } });
    const els = await resolveElements(['app'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['helper', 'myos', 'app']);
    expect(els[0].source).toMatchObject({ kind: 'package', packageRoot: path.join(appRoot, 'node_modules', '@dib', 'element-helper') });
  });

  it('an element requested by its package name (dib-element-x) is one element, keeping its reasons', async () => {
    const p = project({});
    writePackageElement(p.root, 'dib-element-x', { manifest: { name: 'x', description: 'X os', provides: ['operating-system'] } });
    writePackageElement(p.root, '@dib/element-app', { manifest: { name: 'app', description: 'App', dependencies: ['x'] } });
    const els = await resolveElements(['dib-element-x', 'app'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['x', 'app']);
    expect(reasonsOf(els).x).toEqual(['requested', 'dependency of app']);
  });

  it('an element requested by a scoped name (@acme/x) keeps the reason "requested"', async () => {
    const p = project({});
    writePackageElement(p.root, '@acme/dib-element-x', {
      manifest: { name: 'x', description: 'Acme OS', provides: ['operating-system'], dependencies: ['helper'] },
    });
    writePackageElement(p.root, '@dib/element-helper', { manifest: { name: 'helper', description: 'Helper' } });
    const els = await resolveElements(['@acme/x'], p.finder(), { addBase: false });
    expect(names(els)).toEqual(['helper', 'x']);
    expect(reasonsOf(els)).toEqual({ x: ['requested'], helper: ['dependency of x'] });
  });
});
