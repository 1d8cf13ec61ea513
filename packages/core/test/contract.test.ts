/**
 * The element contract as an author meets it: a misspelled manifest key fails both the
 * type check and loading, element error codes are checked, and the dry-run shows the
 * variables the core decides.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ElementFinder } from '@dib/core';
import { dibError, useTempDirs, writePackageElement } from './helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tempDir = useTempDirs();

const loadOne = async (manifest: Record<string, unknown> | string) => {
  const project = tempDir();
  writeFileSync(path.join(project, 'package.json'), '{"name":"p","private":true}');
  writePackageElement(project, 'dib-element-typo', { manifest });
  return new ElementFinder({ elementsPath: [], searchRoots: [project] }).require('typo');
};

describe('a misspelled manifest key', () => {
  it('fails loading with the key path', async () => {
    const e = await dibError(loadOne({ name: 'typo', description: 'd', env: { DIB_TYPO_X: { description: 'x', defualt: 'y' } } }));
    expect(e.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(e.message).toContain('env.DIB_TYPO_X');
    expect(e.message).toContain('defualt');
  });

  it('fails loading in a nested hook entry and in a block-device layout', async () => {
    const hook = await dibError(loadOne(`export default { name: 'typo', description: 'd', hooks: { root: [{ name: '10-x', run() {}, phase: 'root' }] } };`));
    expect(hook.message).toContain('hooks.root[0]');
    const layout = await dibError(loadOne({ name: 'typo', description: 'd', blockDevice: [{ local_loop: { name: 'image0', sise: '2GiB' } }] }));
    expect(layout.message).toContain('blockDevice[0]');
  });

  it('fails the type check of the element package (tsc)', async () => {
    // Inside the repository, so that @dib/core/element resolves as it does for a workspace element.
    const dir = mkdtempSync(path.join(REPO, 'node_modules', '.dib-typecheck-'));
    try {
      writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
      writeFileSync(
        path.join(dir, 'index.ts'),
        `import { defineElement } from '@dib/core/element';\nexport default defineElement({\n  name: 'typo',\n  description: 'd',\n  env: { DIB_TYPO_X: { description: 'x', defualt: 'y' } },\n});\n`,
      );
      const r = await execa(
        'npx',
        ['tsc', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--skipLibCheck', path.join(dir, 'index.ts')],
        { cwd: REPO, reject: false },
      );
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toMatch(/index\.ts\(5,\d+\): error TS25?\d+: Object literal may only specify known properties, (and|but) 'defualt' does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('element error catalogues', () => {
  it('refuse a code of the core catalogue', async () => {
    const e = await dibError(loadOne({ name: 'typo', description: 'd', errors: { DIB_E_HOOK_FAILED: { code: 'DIB_E_HOOK_FAILED', title: 't', hint: 'h' } } }));
    expect(e.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(e.message).toContain("errors.DIB_E_HOOK_FAILED: DIB_E_HOOK_FAILED is one of dib's own codes");
  });

  it('refuse an entry whose code is not its key', async () => {
    const e = await dibError(loadOne({ name: 'typo', description: 'd', errors: { DIB_E_TYPO_ONE: { code: 'DIB_E_TYPO_TWO', title: 't', hint: 'h' } } }));
    expect(e.message).toContain("errors.DIB_E_TYPO_ONE: the entry's code is DIB_E_TYPO_TWO");
  });
});

describe('secret variables', () => {
  it('are refused under a DIB_* name, which the image records', async () => {
    const e = await dibError(loadOne({ name: 'typo', description: 'd', env: { DIB_TYPO_TOKEN: { description: 'a token', secret: true } } }));
    expect(e.code).toBe('DIB_E_MANIFEST_INVALID');
    expect(e.message).toContain('env.DIB_TYPO_TOKEN.secret');
    expect(e.message).toContain('/etc/dib_environment');
  });
});
