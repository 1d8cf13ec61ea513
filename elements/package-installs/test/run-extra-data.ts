/**
 * Plans a build and runs pkg-map's and package-installs' extra-data hooks as a build
 * does, into one hook tree and one image root; returns what they wrote.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadElement, planBuild, runElementHook } from '@dib/testing';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ExtraDataOptions {
  /** Where element packages are found besides the repository's (a test project). */
  project?: string;
  /** Classic element directories. */
  elementsPath?: string[];
  env: Record<string, string>;
  arch?: string;
  /** -p packages. */
  packages?: string[];
}

export interface ExtraDataResult {
  /** The hook tree (TMP_HOOKS_PATH). */
  hooks: string;
  /** The image root, holding usr/share/pkg-map. */
  root: string;
  /** Names in one list, e.g. list('install.uninstall'). */
  list(name: string): string[];
  /** Removes the temporary directories. */
  remove(): void;
}

export async function runExtraData(elements: string[], o: ExtraDataOptions): Promise<ExtraDataResult> {
  const plan = await planBuild(elements, {
    searchRoots: [...(o.project ? [o.project] : []), path.join(REPO, 'packages/cli')],
    elementsPath: o.elementsPath,
    image: { packages: o.packages ?? [], ...(o.arch ? { arch: o.arch } : {}) },
    env: o.env,
  });
  const root = mkdtempSync(path.join(os.tmpdir(), 'dib-pkg-root-'));
  const first = await runElementHook(await loadElement('pkg-map', { searchRoots: [REPO] }), 'extra-data', '10-pkg-map-files', {
    targetRoot: root,
    plan,
    env: o.env,
  });
  const remove = () => [root, first.outputDir].forEach((d) => rmSync(d, { recursive: true, force: true }));
  try {
    await runElementHook(await loadElement('package-installs', { searchRoots: [REPO] }), 'extra-data', '20-package-installs-lists', {
      targetRoot: root,
      plan,
      env: o.env,
      outputDir: first.outputDir,
    });
  } catch (e) {
    remove();
    throw e;
  }
  const hooks = path.join(first.outputDir, '.hooks');
  const list = (name: string) =>
    readFileSync(path.join(hooks, 'package-installs', name), 'utf8')
      .split('\n')
      .filter(Boolean);
  return { hooks, root, list, remove };
}
