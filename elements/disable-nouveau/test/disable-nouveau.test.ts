/**
 * A planned build with disable-nouveau: the modprobe element comes with it, and its
 * extra-data script (as the plan has it) installs this element's file from a hook tree
 * holding what the plan merges.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'disable-nouveau-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

it('puts the blacklist and modeset=0 into /etc/modprobe.d through the modprobe element', async () => {
  const plan = await planBuild(['disable-nouveau'], { searchRoots: [REPO], env: { DIB_MODPROBE_BLACKLIST: 'floppy' } });
  expect(plan.elements.map((e) => e.name)).toEqual(expect.arrayContaining(['modprobe', 'disable-nouveau']));
  const merged = plan.hooks.files.filter((f) => f.dir === 'modprobe.d');
  expect(merged.map((f) => `${f.entry.element}:${f.entry.name}`)).toEqual(['disable-nouveau:disable-nouveau.conf']);

  const hooks = path.join(work, 'hooks');
  mkdirSync(path.join(hooks, 'modprobe.d'), { recursive: true });
  for (const f of merged) copyFileSync(f.entry.source!, path.join(hooks, 'modprobe.d', f.entry.name));
  const script = plan.hooks.phases['extra-data'].find((h) => h.name === '50-modprobe-conf')!.source!;
  const root = path.join(work, 'root');
  const r = await execa(script, [], { env: { PATH: process.env.PATH, TMP_HOOKS_PATH: hooks, TARGET_ROOT: root }, extendEnv: false, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const conf = readFileSync(path.join(root, 'etc/modprobe.d/disable-nouveau.conf'), 'utf8').split('\n');
  expect(conf).toEqual(expect.arrayContaining(['blacklist nouveau', 'options nouveau modeset=0']));
});

it("keeps dracut's setting in the element's directory, where dracut-regenerate-style scripts look", async () => {
  const plan = await planBuild(['disable-nouveau'], { searchRoots: [REPO] });
  const dir = JSON.parse(plan.environment.IMAGE_ELEMENT_YAML)['disable-nouveau'] as string;
  expect(readFileSync(path.join(dir, 'dracut.conf.d/disable-nouveau.conf'), 'utf8')).toContain('omit_drivers+=" nouveau "');
});
