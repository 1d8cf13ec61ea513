import { chmodSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElementFinder, PHASE_NAMES, buildHookTree, resolveElements, type HookTree } from '@dib/core';
import type { ClassicElementSpec } from '@dib/testing';
import { SCRIPT, dibError, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const tempDir = useTempDirs();

/** Classic elements in a temp ELEMENTS_PATH, resolved (no base, no OS needed) in the order given. */
async function resolved(elements: Record<string, ClassicElementSpec>, setup?: (elementsDir: string, root: string) => void) {
  const root = tempDir();
  const elementsDir = path.join(root, 'elements');
  for (const [name, spec] of Object.entries(elements)) writeClassicElement(elementsDir, name, spec);
  setup?.(elementsDir, root);
  const finder = new ElementFinder({ elementsPath: [elementsDir], searchRoots: [root] });
  return { elementsDir, elements: await resolveElements(Object.keys(elements), finder, { addBase: false, requireOperatingSystem: false }) };
}

const listing = (tree: HookTree, phase: keyof HookTree['phases']) => tree.phases[phase].map((h) => `${h.name} ${h.element}`);

describe('buildHookTree', () => {
  it("merges each phase's scripts from every element into one run-parts order, each with its owner", async () => {
    const { elements, elementsDir } = await resolved({
      one: { files: { 'install.d/10-one': SCRIPT, 'install.d/90-one': SCRIPT, 'root.d/50-one-root': SCRIPT } },
      two: { files: { 'install.d/05-two': SCRIPT, 'install.d/50-two': SCRIPT, 'install.d/10-two': SCRIPT, 'finalise.d/99-two': SCRIPT } },
    });
    const tree = buildHookTree(elements);
    expect(listing(tree, 'install')).toEqual(['05-two two', '10-one one', '10-two two', '50-two two', '90-one one']);
    expect(listing(tree, 'root')).toEqual(['50-one-root one']);
    expect(listing(tree, 'finalise')).toEqual(['99-two two']);
    expect(tree.phases.install[1].source).toBe(path.join(elementsDir, 'one', 'install.d', '10-one'));
    expect(Object.keys(tree.phases)).toEqual(PHASE_NAMES);
    expect(tree.phases['block-device']).toEqual([]);
    expect(tree.warnings).toEqual([]);
  });

  it('two elements shipping install.d/50-same is DIB_E_HOOK_COLLISION naming both elements', async () => {
    const { elements } = await resolved({
      alpha: { files: { 'install.d/50-same': SCRIPT } },
      beta: { files: { 'install.d/50-same': SCRIPT } },
    });
    const err = await dibError(() => buildHookTree(elements));
    expect(err.code).toBe('DIB_E_HOOK_COLLISION');
    expect(err.message).toBe('install.d/50-same is shipped by both "alpha" and "beta"');
    expect(err.location).toMatchObject({ element: 'beta', phase: 'install.d', script: '50-same' });
  });

  it('the same file name in different phases is no collision', async () => {
    const { elements } = await resolved({
      alpha: { files: { 'install.d/50-same': SCRIPT } },
      beta: { files: { 'post-install.d/50-same': SCRIPT } },
    });
    const tree = buildHookTree(elements);
    expect(listing(tree, 'install')).toEqual(['50-same alpha']);
    expect(listing(tree, 'post-install')).toEqual(['50-same beta']);
  });

  it('an executable script without a #! line is refused at plan time, naming element, phase and script', async () => {
    const { elements } = await resolved({ alpha: { files: { 'install.d/20-no-shebang': 'echo hi\n', 'install.d/30-ok': SCRIPT } } });
    const error = await dibError(() => buildHookTree(elements));
    expect(error.code).toBe('DIB_E_HOOK_NOT_RUNNABLE');
    expect(error.message).toBe('install.d/20-no-shebang of element alpha has no #! line');
    expect(error.location).toEqual({ element: 'alpha', phase: 'install', script: '20-no-shebang' });
  });

  it('a non-executable script is skipped with a warning saying chmod +x', async () => {
    const { elements } = await resolved({ alpha: { files: { 'install.d/20-noexec': SCRIPT, 'install.d/30-ok': SCRIPT } } }, (dir) =>
      chmodSync(path.join(dir, 'alpha', 'install.d', '20-noexec'), 0o644),
    );
    const tree = buildHookTree(elements);
    expect(listing(tree, 'install')).toEqual(['30-ok alpha']);
    expect(tree.warnings).toEqual(['alpha: install.d/20-noexec is skipped: it is not executable (chmod +x)']);
  });

  it('a script name with a dot (10-foo.sh) is skipped with a warning, as run-parts does', async () => {
    const { elements } = await resolved({ alpha: { files: { 'install.d/10-foo.sh': SCRIPT, 'install.d/11-foo': SCRIPT } } });
    const tree = buildHookTree(elements);
    expect(listing(tree, 'install')).toEqual(['11-foo alpha']);
    expect(tree.warnings).toHaveLength(1);
    expect(tree.warnings[0]).toMatch(/^alpha: install\.d\/10-foo\.sh is skipped: run-parts only runs names of letters, digits, "_" and "-"$/);
    // skipped scripts are still copied into the hook tree, as DIB does
    expect(tree.files.map((f) => `${f.dir}/${f.entry.name}`)).toContain('install.d/10-foo.sh');
  });

  it('environment.d files from every element are ordered by run-parts rules, dots allowed', async () => {
    const { elements } = await resolved({
      alpha: { files: { 'environment.d/50-alpha.bash': 'export A=1\n', 'environment.d/10-alpha': 'export B=1\n' } },
      beta: { files: { 'environment.d/02-beta.bash': 'export C=1\n', 'environment.d/100-beta': 'export D=1\n' } },
    });
    const tree = buildHookTree(elements);
    expect(tree.environment.map((h) => `${h.name} ${h.element}`)).toEqual(['02-beta.bash beta', '10-alpha alpha', '50-alpha.bash alpha', '100-beta beta']);
    expect(tree.warnings).toEqual([]);
    expect(Object.values(tree.phases).flat()).toEqual([]);
  });

  it('two elements shipping the same environment.d file is a collision too', async () => {
    const { elements } = await resolved({
      alpha: { files: { 'environment.d/10-env': 'export A=1\n' } },
      beta: { files: { 'environment.d/10-env': 'export A=2\n' } },
    });
    const err = await dibError(() => buildHookTree(elements));
    expect(err.code).toBe('DIB_E_HOOK_COLLISION');
    expect(err.message).toBe('environment.d/10-env is shipped by both "alpha" and "beta"');
  });

  it('copies bin/ and static/ files into the tree without running them', async () => {
    const { elements } = await resolved({
      alpha: { files: { 'bin/helper': SCRIPT, 'static/etc/motd': 'hello\n', 'install.d/10-a': SCRIPT } },
    });
    const tree = buildHookTree(elements);
    const files = tree.files.map((f) => `${f.dir}/${f.entry.name} ${f.entry.element}`);
    expect(files).toEqual(expect.arrayContaining(['bin/helper alpha', 'static/etc alpha', 'install.d/10-a alpha']));
    expect(listing(tree, 'install')).toEqual(['10-a alpha']);
  });

  it("TypeScript host hooks sort with the phase's scripts, and collide with a file of the same name", async () => {
    const manifest = (name: string, hook: string) =>
      `export default { name: '${name}', description: 'ts hooks', hooks: { root: [{ name: '${hook}', run: async () => {} }] } };\n`;
    const root = tempDir();
    writePackageElement(root, '@dib/element-tsel', {
      manifest: manifest('tsel', '20-ts-root'),
      files: { 'root.d/10-file-root': SCRIPT, 'root.d/30-file-root': SCRIPT },
    });
    const finder = new ElementFinder({ elementsPath: [], searchRoots: [root] });
    const tree = buildHookTree(await resolveElements(['tsel'], finder, { addBase: false, requireOperatingSystem: false }));
    expect(listing(tree, 'root')).toEqual(['10-file-root tsel', '20-ts-root tsel', '30-file-root tsel']);
    expect(tree.phases.root[1].hostHook).toBeDefined();
    expect(tree.phases.root[1].source).toBeUndefined();

    const clash = tempDir();
    writePackageElement(clash, '@dib/element-tsel', { manifest: manifest('tsel', '10-file-root'), files: { 'root.d/10-file-root': SCRIPT } });
    const finder2 = new ElementFinder({ elementsPath: [], searchRoots: [clash] });
    const els = await resolveElements(['tsel'], finder2, { addBase: false, requireOperatingSystem: false });
    const err = await dibError(() => buildHookTree(els));
    expect(err.code).toBe('DIB_E_HOOK_COLLISION');
    expect(err.message).toContain('root.d/10-file-root is shipped by both');
  });
});
