/**
 * @dib/nx as a team meets it: a workspace with three images in one config file (two
 * sharing an element), set up with `dib init --nx` and npm from a registry on loopback.
 * Nx infers a project per image, `affected` follows the elements, `run-many` builds them
 * for real, and a second checkout with an empty local cache restores an image from a
 * self-hosted remote cache on 127.0.0.1 instead of building it.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { stripVTControlCharacters } from 'node:util';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostState, leakedSince, readTarFile, type HostState } from '@dib/testing';
import { isRoot, REPO } from './helpers.js';
import { startNxCacheServer, type NxCacheServer } from './nx-cache-server.js';
import { publishWorkspace, startRegistry, type LocalRegistry } from './registry.js';

const FIXTURE = path.join(REPO, 'test/fixtures/nx-workspace');
const IMAGES = ['api', 'db', 'web'];

let registry: LocalRegistry;
let cacheServer: NxCacheServer;
let before: HostState;
const dirs: string[] = [];

/** A scratch directory removed at the end. */
const scratch = (name: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), `dib-nx-${name}-`));
  dirs.push(dir, imageCacheOf(dir));
  return dir;
};

/** A checkout's image cache: beside it, so Nx does not walk it as workspace files. */
const imageCacheOf = (dir: string) => `${dir}-image-cache`;

/** Environment of one checkout: its own image cache, the registry, the remote cache, no daemon or terminal UI. */
const envFor = (dir: string, extra: Record<string, string> = {}) => ({
  ...registry.env,
  CI: '1',
  NX_DAEMON: 'false',
  NX_TUI: 'false',
  NX_NO_CLOUD: 'true',
  DIB_IMAGE_CACHE: imageCacheOf(dir),
  NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cacheServer.url,
  NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: cacheServer.token,
  ...extra,
});
/** Runs a command in a checkout; its output without colours, as a log reader sees it. */
const run = async (file: string, args: string[], cwd: string, extra: Record<string, string> = {}) => {
  const r = await execa(file, args, { cwd, env: envFor(cwd, extra), reject: false, stdin: 'ignore', all: true });
  return { exitCode: r.exitCode, stdout: stripVTControlCharacters(r.stdout), all: stripVTControlCharacters(r.all ?? '') };
};
const nx = (args: string[], cwd: string, extra: Record<string, string> = {}) => run('npx', ['nx', ...args], cwd, extra);
const git = (args: string[], cwd: string) => execa('git', ['-c', 'user.name=dib', '-c', 'user.email=dib@example.invalid', ...args], { cwd });
const affected = async (cwd: string) => {
  const r = await nx(['show', 'projects', '--affected', '--base=HEAD', '--json'], cwd);
  expect(r.exitCode, r.all).toBe(0);
  return (JSON.parse(r.stdout) as string[]).sort();
};
type Target = { options: { command: string; cwd: string }; inputs: Record<string, unknown>[]; outputs: string[]; cache: boolean };
const imageTarget = async (cwd: string, project: string): Promise<Target> => {
  const r = await nx(['show', 'project', project, '--json'], cwd);
  expect(r.exitCode, r.all).toBe(0);
  return JSON.parse(r.stdout).targets.image;
};

describe.runIf(isRoot)('@dib/nx: images as Nx projects', () => {
  let first: string;

  beforeAll(async () => {
    before = await hostState();
    registry = await startRegistry();
    cacheServer = await startNxCacheServer(path.join(scratch('remote-cache'), 'entries'));
    await publishWorkspace(registry);
    first = scratch('first');
    cpSync(FIXTURE, first, { recursive: true });
    renameSync(path.join(first, 'gitignore'), path.join(first, '.gitignore'));
    writeFileSync(path.join(first, 'package.json'), JSON.stringify({ name: 'fleet', private: true }));
    // The route the docs give: dib init --nx keeps the images and adds the plugin, then npm install.
    const init = await run('npx', ['--yes', '@dib/cli', 'init', '--nx'], first);
    expect(init.exitCode, init.all).toBe(0);
    const install = await run('npm', ['install'], first);
    expect(install.exitCode, install.all).toBe(0);
    await git(['init', '-q', '-b', 'main'], first);
    await git(['add', '-A'], first);
    await git(['commit', '-q', '-m', 'three images'], first);
  }, 900_000);

  afterAll(async () => {
    await registry?.stop();
    await cacheServer?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('infers one project per image, each with its own inputs and outputs', async () => {
    const r = await nx(['show', 'projects', '--json'], first);
    expect(r.exitCode, r.all).toBe(0);
    expect((JSON.parse(r.stdout) as string[]).sort()).toEqual(IMAGES);
    const web = await imageTarget(first, 'web');
    expect(web.cache).toBe(true);
    expect(web.options).toEqual({ command: 'dib create web --config dib.config.json --json', cwd: 'images' });
    expect(web.inputs).toContainEqual({ json: '{workspaceRoot}/images/dib.config.json', fields: ['images.web', 'elementsPath', 'logfile'] });
    expect(web.inputs).toContainEqual({ fileset: '{workspaceRoot}/images/elements/shared/**/*' });
    expect(web.inputs).toContainEqual({ env: 'SHARED_GREETING' });
    // dib's own packages by their lockfile versions; not every npm package of the workspace.
    const external = web.inputs.find((i) => 'externalDependencies' in i)?.externalDependencies;
    expect(external).toEqual(['@dib/cli', '@dib/core']);
    expect(web.outputs).toEqual(['{workspaceRoot}/images/out/web.tar', '{workspaceRoot}/images/out/web.d', '{workspaceRoot}/images/out/web.log']);
    const api = await imageTarget(first, 'api');
    expect(api.inputs).not.toContainEqual({ fileset: '{workspaceRoot}/images/elements/shared/**/*' });
    expect(api.inputs).toContainEqual({ fileset: '{workspaceRoot}/images/elements/api-role/**/*' });
  });

  it('a change to the shared element makes exactly the two images that use it affected', async () => {
    const script = path.join(first, 'images/elements/shared/install.d/50-shared');
    const original = readFileSync(script, 'utf8');
    writeFileSync(script, `${original}# a comment\n`);
    try {
      expect(await affected(first)).toEqual(['db', 'web']);
    } finally {
      writeFileSync(script, original);
    }
    expect(await affected(first)).toEqual([]);
  });

  it('nx run-many -t image builds the three images, and stores them in the remote cache', async () => {
    const r = await nx(['run-many', '-t', 'image', '--parallel=3'], first);
    expect(r.exitCode, r.all).toBe(0);
    for (const image of IMAGES) {
      const tar = path.join(first, 'images/out', `${image}.tar`);
      expect(await readTarFile(tar, 'etc/role')).toBe(image);
      expect(existsSync(path.join(first, 'images/out', `${image}.log`))).toBe(true);
    }
    expect(await readTarFile(path.join(first, 'images/out/web.tar'), 'etc/shared')).toBe('shared hello');
    // The build's --json events are what Nx recorded as the task's output.
    expect(r.all).toMatch(/\{"event":"build-end","status":"ok"/);
    expect(cacheServer.requests.filter((q) => q.startsWith('PUT ') && q.endsWith(' 200'))).toHaveLength(3);
  });

  it("editing one image's entry rebuilds that image alone; the others come from the cache", async () => {
    const file = path.join(first, 'images/dib.config.json');
    const original = readFileSync(file, 'utf8');
    const config = JSON.parse(original);
    config.images.db.environment = { SHARED_GREETING: 'hi db' };
    writeFileSync(file, JSON.stringify(config, null, 2));
    try {
      // Every image of the file is affected; their own inputs decide which one builds.
      expect(await affected(first)).toEqual(IMAGES);
      const r = await nx(['run-many', '-t', 'image'], first);
      expect(r.exitCode, r.all).toBe(0);
      expect(r.all).toMatch(/nx run web:image\s+\[local cache\]/);
      expect(r.all).toMatch(/nx run api:image\s+\[local cache\]/);
      expect(r.all).not.toMatch(/nx run db:image\s+\[(local|remote) cache\]/);
      expect(await readTarFile(path.join(first, 'images/out/db.tar'), 'etc/shared')).toBe('shared hi db');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a second checkout with an empty local cache restores an image from the remote cache instead of building it', async () => {
    const second = scratch('second');
    await git(['clone', '-q', first, second], os.tmpdir());
    const install = await run('npm', ['ci'], second);
    expect(install.exitCode, install.all).toBe(0);
    const started = Date.now();
    const r = await nx(['run', 'web:image'], second);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    expect(r.exitCode, r.all).toBe(0);
    expect(r.all, `restore took ${seconds} s`).toMatch(/nx run web:image\s+\[remote cache\]/);
    expect(readFileSync(path.join(second, 'images/out/web.tar')).equals(readFileSync(path.join(first, 'images/out/web.tar')))).toBe(true);
    // No build ran: this checkout's image cache was never made, and dib left no state of a build.
    expect(existsSync(imageCacheOf(second))).toBe(false);
    expect(cacheServer.requests.some((q) => q.startsWith('GET ') && q.endsWith(' 200'))).toBe(true);
  });

  it('leaves no mount or loop device behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
