import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlan, listEntries, planToJson, pruneEntries, stageKeys, type ImageOptionsInput, type PlanRequest } from '@dib/core';
import { commitEntry, readEntry, verifyEntry } from '../src/stage-cache/entries.js';
import { SCRIPT, dibError, planRequest, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const tempDir = useTempDirs();

function project() {
  const root = tempDir();
  const elementsDir = path.join(root, 'elements');
  writeClassicElement(elementsDir, 'myos', {
    provides: ['operating-system'],
    files: { 'root.d/05-myos': SCRIPT, 'install.d/10-myos': SCRIPT, 'install.d/myos.conf': 'a=1\n', 'environment.d/10-myos.bash': 'export MYOS=1\n' },
  });
  const app = writePackageElement(root, '@dib/element-app', {
    manifest: `export default { name: 'app', description: 'Test', dependencies: ['myos'], env: { APP_MODE: { description: 'mode', default: 'fast' } }, hooks: { root: [{ name: '20-app', run: async () => {} }] } };\n`,
    files: { 'post-install.d/20-app': SCRIPT },
  });
  return { root, elementsDir, app, myos: path.join(elementsDir, 'myos') };
}

/** A tar build of app, without the base element. */
const request = (root: string, elementsDir: string, image: Partial<ImageOptionsInput> = {}, callerEnv: NodeJS.ProcessEnv = {}, output = 'img') =>
  planRequest(root, elementsDir, { skipBase: true, types: ['tar'], ...image }, callerEnv, output);

/** The keys of a plan, taken now (they read the element files). */
const keysOf = async (req: PlanRequest) => stageKeys(await createPlan(req));

/** The first phase whose key differs between two sets of keys. */
const firstChanged = (ka: ReturnType<typeof stageKeys>, kb: ReturnType<typeof stageKeys>) => {
  return Object.keys(ka.phases).find((p) => ka.phases[p as 'root'] !== kb.phases[p as 'root']) ?? (ka.outputs !== kb.outputs ? 'outputs' : 'none');
};

describe('stage keys', () => {
  it('are the same for the same inputs, whatever -x, --offline, the command line or the output directory', async () => {
    const { root, elementsDir } = project();
    const a = await keysOf(request(root, elementsDir));
    const b = await keysOf({ ...request(root, elementsDir, { trace: true }, {}, 'elsewhere/img'), offline: true, argv: ['dib', 'create', '-x', 'app'] });
    expect(b).toEqual(a);
  });

  it('change from the phase whose script or data file changed, not before', async () => {
    const { root, elementsDir, myos } = project();
    const before = await keysOf(request(root, elementsDir));
    writeFileSync(path.join(myos, 'install.d/myos.conf'), 'a=2\n');
    expect(firstChanged(before, await keysOf(request(root, elementsDir)))).toBe('install');
    const again = await keysOf(request(root, elementsDir));
    chmodSync(path.join(myos, 'install.d/10-myos'), 0o644);
    expect(firstChanged(again, await keysOf(request(root, elementsDir)))).toBe('install');
  });

  it("within a phase, change from the script that changed: the scripts before it keep theirs; the phase's data files change them all", async () => {
    const { root, elementsDir, myos } = project();
    const late = path.join(myos, 'install.d/20-late');
    writeFileSync(late, SCRIPT);
    chmodSync(late, 0o755);
    const before = await keysOf(request(root, elementsDir));
    // root: 05-myos, then the package's 20-app; install: 10-myos, then 20-late.
    expect(before.scripts.root).toHaveLength(1);
    expect(before.scripts.install).toHaveLength(1);
    expect(before.scripts['post-install']).toEqual([]);
    writeFileSync(late, `${SCRIPT}echo changed\n`);
    const lateChanged = await keysOf(request(root, elementsDir));
    expect(lateChanged.scripts.install).toEqual(before.scripts.install);
    expect(lateChanged.phases.install).not.toBe(before.phases.install);
    writeFileSync(path.join(myos, 'install.d/10-myos'), `${SCRIPT}echo changed\n`);
    const firstChangedToo = await keysOf(request(root, elementsDir));
    expect(firstChangedToo.scripts.install[0]).not.toBe(lateChanged.scripts.install[0]);
    expect(firstChangedToo.scripts.root).toEqual(before.scripts.root);
    writeFileSync(path.join(myos, 'install.d/myos.conf'), 'a=2\n');
    expect((await keysOf(request(root, elementsDir))).scripts.install[0]).not.toBe(firstChangedToo.scripts.install[0]);
  });

  it("change from the first phase for a variable, -p, the architecture, environment.d or a package element's code", async () => {
    const { root, elementsDir, myos, app } = project();
    const before = await keysOf(request(root, elementsDir));
    expect(firstChanged(before, await keysOf(request(root, elementsDir, {}, { APP_MODE: 'slow' })))).toBe('root');
    expect(firstChanged(before, await keysOf(request(root, elementsDir, { packages: ['vim'] })))).toBe('root');
    // Trees of two architectures never share a stage: ARCH is a variable every hook sees.
    expect(firstChanged(before, await keysOf(request(root, elementsDir, { arch: 'arm64' })))).toBe('root');
    expect(await keysOf(request(root, elementsDir, { arch: 'aarch64' }))).toEqual(await keysOf(request(root, elementsDir, { arch: 'arm64' })));
    writeFileSync(path.join(myos, 'environment.d/10-myos.bash'), 'export MYOS=2\n');
    const envd = await keysOf(request(root, elementsDir));
    expect(firstChanged(before, envd)).toBe('root');
    writeFileSync(path.join(app, 'index.js'), readFileSync(path.join(app, 'index.js'), 'utf8').replace("'fast'", "'quick'"));
    expect(firstChanged(envd, await keysOf(request(root, elementsDir)))).toBe('root');
  });

  it('follow a symlinked script to its content, as the hook tree is written', async () => {
    const { root, elementsDir, myos } = project();
    const shared = path.join(root, 'shared.sh');
    writeFileSync(shared, SCRIPT);
    rmSync(path.join(myos, 'install.d/10-myos'));
    symlinkSync(shared, path.join(myos, 'install.d/10-myos'));
    const before = await keysOf(request(root, elementsDir));
    writeFileSync(shared, '#!/bin/sh\necho changed\n');
    expect(firstChanged(before, await keysOf(request(root, elementsDir)))).toBe('install');
  });

  it('hold the content of a host file a variable names, and not the terminal or proxy the build ran with', async () => {
    const { root, elementsDir } = project();
    const keys = path.join(root, 'authorized_keys');
    writeFileSync(keys, 'ssh-ed25519 AAAA old\n');
    const env = { DIB_DEV_USER_AUTHORIZED_KEYS: keys };
    const before = await keysOf(request(root, elementsDir, {}, env));
    expect(await keysOf(request(root, elementsDir, {}, { ...env, TERM: 'screen', http_proxy: 'http://proxy.test:3128' }))).toEqual(before);
    writeFileSync(keys, 'ssh-ed25519 AAAA new\n');
    expect(firstChanged(before, await keysOf(request(root, elementsDir, {}, env)))).toBe('root');
  });

  it('leave the phases alone when only the output options change', async () => {
    const { root, elementsDir } = project();
    const before = await keysOf(request(root, elementsDir));
    expect(firstChanged(before, await keysOf(request(root, elementsDir, { qemuImgOptions: '-o compat=1.1' })))).toBe('outputs');
  });

  it("a package element's hook script changes its phase only, not its package digest", async () => {
    const { root, elementsDir, app } = project();
    const before = await keysOf(request(root, elementsDir));
    writeFileSync(path.join(app, 'post-install.d/20-app'), '#!/bin/sh\necho changed\n');
    expect(firstChanged(before, await keysOf(request(root, elementsDir)))).toBe('post-install');
  });
});

describe('stage cache settings', () => {
  it('--no-cache, DIB_STAGE_CACHE=0 and break points turn it off, and the plan says why', async () => {
    const { root, elementsDir } = project();
    expect((await createPlan(request(root, elementsDir))).stageCache).toMatchObject({ enabled: true, minSeconds: 10, maxBytes: 20 * 1024 ** 3 });
    expect((await createPlan({ ...request(root, elementsDir), noCache: true })).stageCache).toMatchObject({ enabled: false, why: '--no-cache' });
    expect((await createPlan(request(root, elementsDir, {}, { DIB_STAGE_CACHE: '0' }))).stageCache.why).toBe('DIB_STAGE_CACHE=0');
    const broken = await createPlan(request(root, elementsDir, {}, { break: 'after-install' }));
    expect(broken.stageCache.why).toBe('break points are set: every phase runs');
    expect(planToJson(broken).stageCache).toMatchObject({ enabled: false, restore: null, summary: ['off (break points are set: every phase runs)'] });
  });

  it.each([
    ['DIB_STAGE_CACHE', 'yes', '1 (use the stage cache, the default) or 0'],
    ['DIB_STAGE_CACHE_MIN_SECONDS', '1.5', 'a whole number of seconds'],
    ['DIB_STAGE_CACHE_MAX_SIZE', 'big', 'a size such as 20G'],
  ])('%s=%s is refused before anything runs', async (name, value, expected) => {
    const { root, elementsDir } = project();
    const e = await dibError(createPlan(request(root, elementsDir, {}, { [name]: value })));
    expect(e.code).toBe('DIB_E_ARGUMENT');
    expect(e.message).toContain(`${name}="${value}" is not ${expected}`);
  });
});

describe('filesystem identities', () => {
  it('are derived from the inputs: the same build gets the same UUIDs, another build others', async () => {
    const { root, elementsDir } = project();
    const layout = [
      '- local_loop:',
      '    name: image0',
      '- partitioning:',
      '    base: image0',
      '    label: mbr',
      '    partitions:',
      '      - name: root',
      '        size: 50%',
      '        mkfs:',
      '          type: ext4',
      '          mount:',
      '            mount_point: /',
      '      - name: data',
      '        size: 50%',
      '        mkfs:',
      '          type: ext4',
      '          mount:',
      '            mount_point: /data',
    ].join('\n');
    const dataUuid = async (env: NodeJS.ProcessEnv) =>
      (await createPlan(request(root, elementsDir, { types: ['raw'] }, { DIB_BLOCK_DEVICE_CONFIG: layout, ...env }))).layout!.filesystems.find(
        (f) => f.mountPoint === '/data',
      )!.uuid;
    const a = await dataUuid({});
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await dataUuid({})).toBe(a);
    expect(await dataUuid({ APP_MODE: 'slow' })).not.toBe(a);
  });
});

describe('stage cache entries', () => {
  const fill = (body: string) => async (dir: string) => {
    writeFileSync(path.join(dir, 'tree.tar'), body);
    return { kind: 'tree' as const, image: 'img', phase: 'install', buildSeconds: 12, probes: {}, files: ['tree.tar'] };
  };

  it('are committed whole, verified by size and sha256, and a second commit of a key keeps the first', async () => {
    const dir = tempDir();
    const entry = (await commitEntry(dir, 'k1', fill('one')))!;
    expect(await verifyEntry(entry)).toBeUndefined();
    expect(await commitEntry(dir, 'k1', fill('two'))).toBeUndefined();
    expect(readFileSync(path.join(dir, 'k1', 'tree.tar'), 'utf8')).toBe('one');
    writeFileSync(path.join(dir, 'k1', 'tree.tar'), 'ONE');
    expect(await verifyEntry(entry)).toBe('tree.tar does not match its sha256');
    writeFileSync(path.join(dir, 'k1', 'tree.tar'), 'on');
    expect(await verifyEntry(entry)).toBe('tree.tar has 2 bytes, 3 were stored');
  });

  it('an unreadable meta.json is reported as damaged; a temporary directory of a dead build is swept', async () => {
    const dir = tempDir();
    await commitEntry(dir, 'k1', fill('one'));
    writeFileSync(path.join(dir, 'k1', 'meta.json'), '{"format": 1,');
    expect(readEntry(dir, 'k1')).toMatchObject({ corrupt: expect.stringContaining('meta.json unreadable') });
    mkdirSync(path.join(dir, '.tmp-k2-999999999-abc'));
    expect(listEntries(dir).map((e) => e.key)).toEqual(['k1']);
    expect(listEntries(dir)).toHaveLength(1);
    expect(pruneEntries(dir, {}).map((e) => e.key)).toEqual(['k1']);
  });

  it('are evicted least recently used first beyond the size cap, and kept while a build holds them', async () => {
    const dir = tempDir();
    for (const [i, key] of ['old', 'mid', 'new'].entries()) {
      await commitEntry(dir, key, fill('x'.repeat(1000)));
      const t = new Date(Date.now() - (3 - i) * 86_400_000);
      utimesSync(path.join(dir, key, 'meta.json'), t, t);
    }
    mkdirSync(path.join(dir, 'old.lock'));
    const removed = pruneEntries(dir, { maxBytes: 2600 });
    expect(removed.map((e) => e.key)).toEqual(['mid']);
    expect(pruneEntries(dir, { olderThanDays: 2 }).map((e) => e.key)).toEqual([]);
    expect(listEntries(dir).map((e) => e.key)).toEqual(['new', 'old']);
  });
});
