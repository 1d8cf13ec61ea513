/**
 * manifests' scripts against a scratch TARGET_ROOT, with the environment a planned build
 * gives them (DIB_ENV, DIB_MANIFEST_IMAGE_DIR and IMAGE_NAME from planBuild).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const EXTRA_DATA = path.join(ELEMENT, 'extra-data.d/20-manifests-dir');
const CLEANUP = path.join(ELEMENT, 'cleanup.d/01-manifests');

let work: string;
let root: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'manifests-'));
  root = path.join(work, 'root');
  mkdirSync(root);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** The hooks' environment of a planned build with the manifests element and these caller variables. */
async function buildEnvironment(env: Record<string, string> = {}) {
  const plan = await planBuild(['manifests'], { searchRoots: [REPO], env, output: path.join(work, 'out/image') });
  return { ...plan.environment, TARGET_ROOT: root, PATH: process.env.PATH! };
}
const run = (script: string, env: Record<string, string>) => execa(script, [], { env, extendEnv: false, reject: false });
const manifests = () => path.join(root, 'etc/dib-manifests');

describe('extra-data.d/20-manifests-dir', () => {
  it('creates /etc/dib-manifests in the image, for extra-data scripts of other elements', async () => {
    const r = await run(EXTRA_DATA, await buildEnvironment());
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(manifests()).isDirectory()).toBe(true);
  });
});

describe('cleanup.d/01-manifests', () => {
  /** The directory as the build leaves it before cleanup: the core's metadata and another element's manifest. */
  function filledManifests() {
    mkdirSync(manifests(), { recursive: true });
    writeFileSync(path.join(manifests(), 'dib_arguments'), "create -o image 'debian-minimal'\n", { mode: 0o644 });
    writeFileSync(path.join(manifests(), 'dib_environment'), "export DIB_RELEASE='bookworm'\n", { mode: 0o644 });
    writeFileSync(path.join(manifests(), 'dib-manifest-git-demo'), 'demo git /opt/demo abc123\n', { mode: 0o644 });
  }

  it("records DIB_ENV as DIB's declare -x lines, keeps the other manifests, and makes every file root-only", async () => {
    filledManifests();
    const env = await buildEnvironment({ DIB_INSTALLTYPE_pip_and_virtualenv: 'package', DIB_DEV_USER_PASSWORD: 'secret' });
    const r = await run(CLEANUP, env);
    expect(r.exitCode, r.stderr).toBe(0);
    const recorded = readFileSync(path.join(manifests(), 'dib_environment'), 'utf8');
    expect(recorded).toBe(`${env.DIB_ENV}\n`);
    expect(recorded).toContain('declare -x DIB_INSTALLTYPE_pip_and_virtualenv="package"');
    expect(readFileSync(path.join(manifests(), 'dib_arguments'), 'utf8')).toBe("create -o image 'debian-minimal'\n");
    expect(readFileSync(path.join(manifests(), 'dib-manifest-git-demo'), 'utf8')).toBe('demo git /opt/demo abc123\n');
    for (const f of readdirSync(manifests())) {
      const st = statSync(path.join(manifests(), f));
      expect(st.mode & 0o777, f).toBe(0o600);
      if (process.getuid?.() === 0) expect(st.uid, f).toBe(0);
    }
  });

  it('copies the manifests to DIB_MANIFEST_SAVE_DIR as DIR/dib-manifests, with their modes before the lock-down', async () => {
    filledManifests();
    const save = path.join(work, 'saved');
    const r = await run(CLEANUP, await buildEnvironment({ DIB_MANIFEST_SAVE_DIR: `${save}/` }));
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(path.join(save, 'dib-manifests')).sort()).toEqual(['dib-manifest-git-demo', 'dib_arguments', 'dib_environment']);
    expect(statSync(path.join(save, 'dib-manifests/dib-manifest-git-demo')).mode & 0o777).toBe(0o644);
    expect(r.stdout).toContain(`manifests: copied to ${save}/dib-manifests`);
  });

  it('leaves IMAGE_NAME.d to dib: no copy when DIB_MANIFEST_SAVE_DIR names it', async () => {
    filledManifests();
    const env = await buildEnvironment();
    const r = await run(CLEANUP, { ...env, DIB_MANIFEST_SAVE_DIR: `${env.IMAGE_NAME}.d/` });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(`${env.IMAGE_NAME}.d`)).toBe(false);
    expect(r.stdout).toBe('');
  });

  it('fails clearly when the directory was never made', async () => {
    const r = await run(CLEANUP, await buildEnvironment());
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`manifests: ${manifests()} does not exist`);
  });
});

describe('the manifest', () => {
  it('makes the directory before source-repositories-like extra-data scripts, with the core naming it', async () => {
    const plan = await planBuild(['manifests'], { searchRoots: [REPO] });
    expect(plan.environment.DIB_MANIFEST_IMAGE_DIR).toBe('/etc/dib-manifests');
    expect(plan.environment.DIB_MANIFEST_SAVE_DIR).toBe('');
    expect(plan.hooks.phases['extra-data'].map((h) => h.name)).toContain('20-manifests-dir');
    expect(plan.hooks.phases.cleanup.map((h) => h.name)).toContain('01-manifests');
  });

  it('refuses a relative DIB_MANIFEST_SAVE_DIR before the build starts', async () => {
    await expect(planBuild(['manifests'], { searchRoots: [REPO], env: { DIB_MANIFEST_SAVE_DIR: 'out.d' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });
});
