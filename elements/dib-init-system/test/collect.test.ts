/**
 * The extra-data hook as a build runs it: package elements' init-scripts/ copied into the
 * hook tree beside what the core merged for classic elements; bad layouts and two
 * elements shipping one file are refused with the element's error codes.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, writeClassicElement, writePackageElement } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const scratch = (what: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), `dib-init-scripts-${what}-`));
  dirs.push(d);
  return d;
};

/** A project holding package elements with these files, and a directory of classic elements. */
function project(packages: Record<string, Record<string, string>>, classic: Record<string, Record<string, string>> = {}) {
  const dir = scratch('project');
  const elementsDir = scratch('classic');
  for (const [name, files] of Object.entries(packages))
    writePackageElement(dir, `dib-element-${name}`, { manifest: { name, description: `${name} for the test` }, files });
  for (const [name, files] of Object.entries(classic)) writeClassicElement(elementsDir, name, { files });
  return { dir, elementsDir };
}

/** Runs the hook for a build of dib-init-system and the given elements; resolves the hook tree and the log. */
async function collect(names: string[], where: { dir: string; elementsDir: string }) {
  const plan = await planBuild(['dib-init-system', ...names], { searchRoots: [where.dir, REPO], elementsPath: [where.elementsDir] });
  const element = await loadElement('dib-init-system', { searchRoots: [REPO] });
  const run = await runElementHook(element, 'extra-data', '20-dib-init-system-scripts', { targetRoot: scratch('root'), plan });
  dirs.push(run.outputDir);
  return { hooks: path.join(run.outputDir, '.hooks'), log: run.log };
}

it("copies every package element's init-scripts into the hook tree, for every init system, modes kept", async () => {
  const where = project({
    alpha: { 'init-scripts/systemd/alpha.service': '[Unit]\nDescription=alpha\n', 'init-scripts/openrc/alpha': '#!/sbin/openrc-run\n' },
    beta: { 'init-scripts/systemd/beta.service': '[Unit]\nDescription=beta\n' },
    gamma: { 'install.d/50-gamma': '#!/bin/sh\n' },
  });
  chmodSync(path.join(where.dir, 'node_modules/dib-element-alpha/init-scripts/openrc/alpha'), 0o755);
  const { hooks, log } = await collect(['alpha', 'beta', 'gamma'], where);
  expect(readFileSync(path.join(hooks, 'init-scripts/systemd/alpha.service'), 'utf8')).toBe('[Unit]\nDescription=alpha\n');
  expect(readFileSync(path.join(hooks, 'init-scripts/systemd/beta.service'), 'utf8')).toBe('[Unit]\nDescription=beta\n');
  expect(statSync(path.join(hooks, 'init-scripts/openrc/alpha')).mode & 0o777).toBe(0o755);
  expect(log.join('\n')).toContain('dib-init-system: 2 init script(s) of element "alpha": openrc/alpha, systemd/alpha.service');
});

it('leaves the init-scripts of classic elements to the core, which merges them itself', async () => {
  const where = project({ alpha: { 'init-scripts/systemd/alpha.service': 'alpha\n' } }, { classic: { 'init-scripts/systemd/classic.service': 'classic\n' } });
  const { hooks } = await collect(['alpha', 'classic'], where);
  expect(existsSync(path.join(hooks, 'init-scripts/systemd/alpha.service'))).toBe(true);
  // The core writes the classic element's files when it writes the tree; the hook does not copy them a second time.
  expect(existsSync(path.join(hooks, 'init-scripts/systemd/classic.service'))).toBe(false);
});

it('keeps symbolic links (unit aliases) as links', async () => {
  const where = project({ alpha: { 'init-scripts/systemd/alpha.service': 'alpha\n' } });
  symlinkSync('alpha.service', path.join(where.dir, 'node_modules/dib-element-alpha/init-scripts/systemd/alias.service'));
  const { hooks } = await collect(['alpha'], where);
  expect(lstatSync(path.join(hooks, 'init-scripts/systemd/alias.service')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(path.join(hooks, 'init-scripts/systemd/alias.service'))).toBe('alpha.service');
});

it('refuses a file that is not under an init system directory (DIB_E_INIT_SCRIPTS_INVALID)', async () => {
  const where = project({ alpha: { 'init-scripts/system/alpha.service': 'alpha\n' } });
  await expect(collect(['alpha'], where)).rejects.toMatchObject({
    code: 'DIB_E_INIT_SCRIPTS_INVALID',
    message: expect.stringMatching(/init-scripts\/system\/alpha\.service \(element "alpha"\) is not in a directory named after an init system/),
  });
});

it('refuses two elements shipping the same file (DIB_E_INIT_SCRIPTS_COLLISION), naming both', async () => {
  const where = project({
    alpha: { 'init-scripts/systemd/same.service': 'alpha\n' },
    beta: { 'init-scripts/systemd/same.service': 'beta\n' },
  });
  await expect(collect(['alpha', 'beta'], where)).rejects.toMatchObject({
    code: 'DIB_E_INIT_SCRIPTS_COLLISION',
    message: expect.stringContaining('init-scripts/systemd/same.service is shipped by element "beta" and by element "alpha"'),
  });
});

it('refuses a package file that a classic element already put in the tree', async () => {
  const where = project({ alpha: { 'init-scripts/systemd/same.service': 'alpha\n' } });
  const plan = await planBuild(['dib-init-system', 'alpha'], { searchRoots: [where.dir, REPO] });
  const outputDir = scratch('out');
  mkdirSync(path.join(outputDir, '.hooks/init-scripts/systemd'), { recursive: true });
  writeFileSync(path.join(outputDir, '.hooks/init-scripts/systemd/same.service'), 'classic\n');
  const element = await loadElement('dib-init-system', { searchRoots: [REPO] });
  await expect(runElementHook(element, 'extra-data', '20-dib-init-system-scripts', { targetRoot: scratch('root'), plan, outputDir })).rejects.toMatchObject({
    code: 'DIB_E_INIT_SCRIPTS_COLLISION',
    message: expect.stringContaining('and by a classic element of the build'),
  });
});

it('refuses a DIB_INIT_SYSTEM it does not know before the build starts', async () => {
  await expect(planBuild(['dib-init-system'], { searchRoots: [REPO], env: { DIB_INIT_SYSTEM: 'runit' } })).rejects.toMatchObject({ code: 'DIB_E_ENV_INVALID' });
});

it('runs the install script after the packages of install, and openrc enabling in post-install', async () => {
  const plan = await planBuild(['dib-init-system', 'debian'], { searchRoots: [REPO] });
  const install = plan.hooks.phases.install.map((h) => h.name);
  expect(install.indexOf('01-package-installs')).toBeLessThan(install.indexOf('20-dib-init-system-scripts'));
  expect(plan.hooks.phases['extra-data'].map((h) => h.name)).toContain('20-dib-init-system-scripts');
  expect(plan.hooks.phases['post-install'].map((h) => h.name)).toContain('10-dib-init-system-enable');
  expect(plan.environment.DIB_INIT_SYSTEM).toBe('systemd');
});
