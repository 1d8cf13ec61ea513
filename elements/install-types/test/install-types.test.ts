/**
 * extra-data.d/99-install-types against a scratch hook tree laid out as a build's
 * TMP_HOOKS_PATH: which scripts end up linked into install.d, and that they run there.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild, writeClassicElement } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const SCRIPT = path.join(ELEMENT, 'extra-data.d/99-install-types');

let hooks: string;
beforeEach(() => {
  hooks = mkdtempSync(path.join(os.tmpdir(), 'install-types-'));
  const script = (rel: string) => {
    mkdirSync(path.dirname(path.join(hooks, rel)), { recursive: true });
    writeFileSync(path.join(hooks, rel), `#!/bin/sh\necho ${rel}\n`, { mode: 0o755 });
  };
  script('install.d/10-common');
  script('install.d/nova-source-install/74-nova');
  script('install.d/nova-package-install/74-nova');
  script('install.d/nova-package-install/75-nova-config');
  script('install.d/simple-init-source-install/50-simple-init');
  script('install.d/simple-init-repo-install/50-simple-init');
});
afterEach(() => rmSync(hooks, { recursive: true, force: true }));

const run = (env: Record<string, string>) =>
  execa(SCRIPT, [], { env: { PATH: process.env.PATH, TMP_HOOKS_PATH: hooks, DIB_DEFAULT_INSTALLTYPE: 'source', ...env }, extendEnv: false, reject: false });
/** install.d's links, as name -> target. */
const links = () =>
  Object.fromEntries(
    readdirSync(path.join(hooks, 'install.d'))
      .filter((n) => lstatSync(path.join(hooks, 'install.d', n)).isSymbolicLink())
      .sort()
      .map((n) => [n, readlinkSync(path.join(hooks, 'install.d', n))]),
  );

describe('extra-data.d/99-install-types', () => {
  it('links the default type (source) of every prefix, with links relative to install.d that run', async () => {
    const r = await run({});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(links()).toEqual({ '50-simple-init': 'simple-init-source-install/50-simple-init', '74-nova': 'nova-source-install/74-nova' });
    // The tree moves to /tmp/in_target.d in the chroot; a relative link still resolves.
    expect((await execa(path.join(hooks, 'install.d/74-nova'))).stdout).toBe('install.d/nova-source-install/74-nova');
    expect(r.stdout).toContain('install-types: install.d/74-nova -> nova-source-install/74-nova');
  });

  it('follows DIB_INSTALLTYPE_<prefix>, "_" standing for "-", and the default for the others', async () => {
    const r = await run({ DIB_INSTALLTYPE_simple_init: 'repo' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(links()).toEqual({ '50-simple-init': 'simple-init-repo-install/50-simple-init', '74-nova': 'nova-source-install/74-nova' });
  });

  it('follows DIB_DEFAULT_INSTALLTYPE; a prefix without that type gets nothing', async () => {
    const r = await run({ DIB_DEFAULT_INSTALLTYPE: 'package' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(links()).toEqual({ '74-nova': 'nova-package-install/74-nova', '75-nova-config': 'nova-package-install/75-nova-config' });
  });

  it('links nothing for a prefix whose chosen type has no directory, and says so', async () => {
    const r = await run({ DIB_INSTALLTYPE_nova: 'pip' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(links()).toEqual({ '50-simple-init': 'simple-init-source-install/50-simple-init' });
    expect(r.stderr).toContain('install-types: DIB_INSTALLTYPE_nova=pip, but no element has install.d/nova-pip-install; nothing of nova is linked');
  });

  it('ignores a DIB_INSTALLTYPE_ variable of an element without variants, and leaves plain scripts alone', async () => {
    const r = await run({ DIB_INSTALLTYPE_pip_and_virtualenv: 'package' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(lstatSync(path.join(hooks, 'install.d/10-common')).isFile()).toBe(true);
    expect(Object.keys(links())).toEqual(['50-simple-init', '74-nova']);
  });

  it('replaces links of an earlier run and succeeds without install.d', async () => {
    await run({ DIB_DEFAULT_INSTALLTYPE: 'package' });
    await run({});
    expect(links()['74-nova']).toBe('nova-source-install/74-nova');
    rmSync(path.join(hooks, 'install.d'), { recursive: true });
    const r = await run({});
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(hooks, 'install.d'))).toBe(false);
  });
});

describe('the manifest', () => {
  it("runs last in extra-data, with a classic element's variant directories in the hook tree", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'install-types-elements-'));
    writeClassicElement(dir, 'variants', {
      files: { 'install.d/variants-source-install/70-variants': '#!/bin/sh\n', 'install.d/variants-package-install/70-variants': '#!/bin/sh\n' },
    });
    const plan = await planBuild(['install-types', 'variants'], { searchRoots: [REPO], elementsPath: [dir] });
    rmSync(dir, { recursive: true, force: true });
    const extraData = plan.hooks.phases['extra-data'].map((h) => h.name);
    expect(extraData[extraData.length - 1]).toBe('99-install-types');
    const installDirs = plan.hooks.files.filter((f) => f.dir === 'install.d').map((f) => f.entry.name);
    expect(installDirs).toEqual(expect.arrayContaining(['variants-source-install', 'variants-package-install']));
    // Only linked scripts run: the variants themselves are not install scripts.
    expect(plan.hooks.phases.install.map((h) => h.name)).not.toContain('70-variants');
    expect(plan.environment.DIB_DEFAULT_INSTALLTYPE).toBe('source');
  });
});
