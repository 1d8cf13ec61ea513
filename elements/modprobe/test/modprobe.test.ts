/**
 * modprobe's scripts against scratch trees: extra-data with a hook tree holding the merged
 * modprobe.d files, install with MODPROBE_ROOT standing for the image's /.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planBuild, writeClassicElement } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const EXTRA_DATA = path.join(ELEMENT, 'extra-data.d/50-modprobe-conf');
const BLACKLIST = path.join(ELEMENT, 'install.d/80-modprobe-blacklist');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'modprobe-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const run = (script: string, env: Record<string, string>) => execa(script, [], { env: { PATH: process.env.PATH, ...env }, extendEnv: false, reject: false });

describe('extra-data.d/50-modprobe-conf', () => {
  it('installs every *.conf of the merged modprobe.d with mode 0644, and nothing else', async () => {
    const hooks = path.join(work, 'hooks');
    mkdirSync(path.join(hooks, 'modprobe.d'), { recursive: true });
    writeFileSync(path.join(hooks, 'modprobe.d/blacklist-pcspkr.conf'), 'blacklist pcspkr\n', { mode: 0o600 });
    writeFileSync(path.join(hooks, 'modprobe.d/options-ixgbe.conf'), 'options ixgbe allow_unsupported_sfp=1\n');
    writeFileSync(path.join(hooks, 'modprobe.d/notes.txt'), 'not configuration\n');
    const root = path.join(work, 'root');
    const r = await run(EXTRA_DATA, { TMP_HOOKS_PATH: hooks, TARGET_ROOT: root });
    expect(r.exitCode, r.stderr).toBe(0);
    const etc = path.join(root, 'etc/modprobe.d');
    expect(readdirSync(etc).sort()).toEqual(['blacklist-pcspkr.conf', 'options-ixgbe.conf']);
    expect(readFileSync(path.join(etc, 'blacklist-pcspkr.conf'), 'utf8')).toBe('blacklist pcspkr\n');
    expect(statSync(path.join(etc, 'blacklist-pcspkr.conf')).mode & 0o777).toBe(0o644);
    expect(r.stdout).toContain('modprobe: /etc/modprobe.d/options-ixgbe.conf');
  });

  it('makes /etc/modprobe.d when no element ships a file', async () => {
    const root = path.join(work, 'root');
    const r = await run(EXTRA_DATA, { TMP_HOOKS_PATH: path.join(work, 'hooks'), TARGET_ROOT: root });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(path.join(root, 'etc/modprobe.d'))).toEqual([]);
  });
});

describe('install.d/80-modprobe-blacklist', () => {
  const blacklist = () => readFileSync(path.join(work, 'etc/modprobe.d/blacklist.conf'), 'utf8');

  it('adds one line per module of DIB_MODPROBE_BLACKLIST', async () => {
    const r = await run(BLACKLIST, { MODPROBE_ROOT: work, DIB_MODPROBE_BLACKLIST: ' floppy  pcspkr\tigb ' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(blacklist()).toBe('blacklist floppy\nblacklist pcspkr\nblacklist igb\n');
  });

  it('keeps what the file has and does not list a module twice', async () => {
    mkdirSync(path.join(work, 'etc/modprobe.d'), { recursive: true });
    writeFileSync(path.join(work, 'etc/modprobe.d/blacklist.conf'), '# mine\nblacklist floppy\n');
    const r = await run(BLACKLIST, { MODPROBE_ROOT: work, DIB_MODPROBE_BLACKLIST: 'floppy igb igb' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(blacklist()).toBe('# mine\nblacklist floppy\nblacklist igb\n');
  });

  it('writes nothing when the variable is empty', async () => {
    const r = await run(BLACKLIST, { MODPROBE_ROOT: work, DIB_MODPROBE_BLACKLIST: ' ' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(work, 'etc/modprobe.d/blacklist.conf'))).toBe(false);
  });
});

describe('the manifest', () => {
  it("merges the modprobe.d of every element of the build, a classic one's too", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'modprobe-elements-'));
    writeClassicElement(dir, 'quiet-beep', { files: { 'modprobe.d/blacklist-quiet-beep.conf': 'blacklist pcspkr\n' } });
    const plan = await planBuild(['modprobe', 'quiet-beep'], { searchRoots: [REPO], elementsPath: [dir] });
    rmSync(dir, { recursive: true, force: true });
    expect(plan.hooks.files.filter((f) => f.dir === 'modprobe.d').map((f) => `${f.entry.element}:${f.entry.name}`)).toEqual([
      'quiet-beep:blacklist-quiet-beep.conf',
    ]);
    expect(plan.environment.DIB_MODPROBE_BLACKLIST).toBe('');
  });

  it('refuses a DIB_MODPROBE_BLACKLIST that is not module names before the build starts', async () => {
    await expect(planBuild(['modprobe'], { searchRoots: [REPO], env: { DIB_MODPROBE_BLACKLIST: 'floppy;reboot' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
    });
  });
});
