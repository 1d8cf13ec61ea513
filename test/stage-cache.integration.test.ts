/**
 * The stage cache, on real builds of a small tree (the host's bash and coreutils, so
 * each build takes seconds): which phases a rebuild runs after each kind of change, a
 * damaged or half-written entry never used, concurrent builds, --no-cache, the dry-run
 * and dib cache. The package archive the tree names is a loopback server; the probe
 * is dpkg's own (InRelease and Release of every suite in sources.list).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIB_BIN, hostState, leakedSince, readTarFile, runDib, serveDirectory, writePackageElement, type FileServer, type HostState } from '@dib/testing';
import { isRoot, OUT, REPO } from './helpers.js';

const ROOT_SCRIPT = `#!/bin/bash
# The host's bash and a few tools with their libraries: enough for chroot phases.
set -eu
for bin in /usr/bin/bash /usr/bin/cat /usr/bin/env /usr/bin/mkdir /usr/bin/rm /usr/bin/head; do
  for f in "$bin" $(ldd "$bin" | grep -o '/[^ ]*'); do
    [ -e "$TARGET_ROOT$f" ] || install -D -m 0755 "$f" "$TARGET_ROOT$f"
  done
done
ln -s usr/bin "$TARGET_ROOT/bin"
mkdir -p "$TARGET_ROOT"/etc/apt "$TARGET_ROOT"/tmp "$TARGET_ROOT"/proc "$TARGET_ROOT"/sys "$TARGET_ROOT"/dev "$TARGET_ROOT"/root "$TARGET_ROOT"/var/log
ln -s bash "$TARGET_ROOT/usr/bin/sh"
echo "deb $TINY_ARCHIVE stable main" > "$TARGET_ROOT/etc/apt/sources.list"
if [ "$TINY_FILLER_MB" != 0 ]; then head -c "\${TINY_FILLER_MB}M" /dev/urandom > "$TARGET_ROOT/var/filler"; fi
`;

const installScript = (word: string) => `#!/bin/bash\necho "install $TINY_VALUE ${word}" > /etc/tiny-install\n`;

type Event = { event: string; phase?: string; action?: string; at?: string; script?: string; message?: string };
/** A stage point as the events name it: `install`, or `install/40-tiny-first` within the phase. */
const pointOf = (e: Event) => (e.script ? `${e.at}/${e.script}` : e.at);

describe.runIf(isRoot)('the stage cache', () => {
  let project: string;
  let element: string;
  let cache: string;
  let archive: string;
  let server: FileServer;
  let before: HostState;

  beforeAll(async () => {
    before = await hostState();
    // Under the repository, so the element's import of @dib/element-dpkg resolves to the workspace.
    project = mkdtempSync(path.join(REPO, 'test', '.stage-project-'));
    writeFileSync(path.join(project, 'package.json'), '{"name":"stage-project","private":true}');
    element = writePackageElement(project, 'dib-element-tiny', {
      manifest: `import { aptArchiveProbes } from '@dib/element-dpkg';
export default {
  name: 'tiny',
  description: 'A small tree of the host binaries, for stage cache tests',
  provides: ['operating-system'],
  env: {
    TINY_VALUE: { description: 'written by install.d', default: 'one' },
    TINY_ARCHIVE: { description: 'the package archive sources.list names' },
    TINY_FILLER_MB: { description: 'MiB of random data in the tree', default: '0' },
  },
  cacheProbes: aptArchiveProbes,
};
`,
      files: {
        'root.d/10-tiny-root': ROOT_SCRIPT,
        'install.d/40-tiny-first': '#!/bin/bash\necho first >> /etc/tiny-runs\n',
        'install.d/50-tiny-install': installScript('a'),
        'post-install.d/50-tiny-post': '#!/bin/bash\n{ cat /etc/tiny-install; echo post; } > /etc/tiny-post\n',
      },
    });
    cache = mkdtempSync(path.join(OUT, 'stage-cache-'));
    archive = mkdtempSync(path.join(OUT, 'stage-archive-'));
    mkdirSync(path.join(archive, 'debian/dists/stable'), { recursive: true });
    writeFileSync(path.join(archive, 'debian/dists/stable/InRelease'), 'Origin: test\nDate: one\n');
    server = await serveDirectory(archive);
  });

  afterAll(async () => {
    await server?.close();
    rmSync(project, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
    rmSync(archive, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    DIB_STAGE_CACHE: '1',
    DIB_STAGE_CACHE_MIN_SECONDS: '0',
    TINY_ARCHIVE: server.hostUrl('debian'),
    ...extra,
  });

  /** Builds to RUN/img: every run has its own directory, and the same output name (manifests and checksums are named after it). */
  const build = async (name: string, extra: Record<string, string> = {}, args: string[] = []) => {
    const output = path.join(OUT, 'stage-runs', name, 'img');
    mkdirSync(path.dirname(output), { recursive: true });
    const run = await runDib(['create', '--json', '-n', '-t', 'tar', '--image-cache', cache, '-o', output, ...args, 'tiny'], { cwd: project, env: env(extra) });
    if (run.exitCode !== 0) throw new Error(`build ${name} failed: ${run.stderr}\n${run.stdout.slice(-3000)}`);
    const events: Event[] = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    return {
      output,
      tar: `${output}.tar`,
      ran: events.filter((e) => e.event === 'phase-start').map((e) => e.phase),
      scripts: events.filter((e) => e.event === 'script-start').map((e) => `${e.phase}/${e.script}`),
      restored: events.filter((e) => e.event === 'stage' && e.action === 'restored').map(pointOf)[0],
      stored: events.filter((e) => e.event === 'stage' && e.action === 'stored').map(pointOf),
      warnings: events.filter((e) => e.event === 'warning').map((e) => e.message ?? ''),
      log: readFileSync(`${output}.log`, 'utf8'),
    };
  };
  const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const entries = () => readdirSync(path.join(cache, 'stages')).filter((n) => !n.startsWith('.') && !n.endsWith('.lock'));
  /** The newest entry stored for `at` (older ones belong to builds with other inputs). */
  const entryOf = (at: string) =>
    entries()
      .map((k) => ({ k, meta: JSON.parse(readFileSync(path.join(cache, 'stages', k, 'meta.json'), 'utf8')) }))
      .filter((e) => (at === 'outputs' ? e.meta.kind === 'outputs' : e.meta.phase === at && !e.meta.scripts))
      .sort((a, b) => b.meta.created.localeCompare(a.meta.created))[0];

  let first: Awaited<ReturnType<typeof build>>;

  it('a cold build runs every phase with scripts and stores the tree after each, and after each script within one, then the outputs', async () => {
    first = await build('stage-a');
    expect(first.ran).toEqual(['root', 'install', 'post-install']);
    expect(first.restored).toBeUndefined();
    expect(first.stored).toEqual(['root', 'install/40-tiny-first', 'install', 'post-install', 'outputs']);
    expect(await readTarFile(first.tar, './etc/tiny-post')).toBe('install one a\npost');
  });

  it('an unchanged rebuild runs no phase: the outputs come from the cache, byte for byte, even to another path', async () => {
    const again = await build('stage-b');
    expect(again.ran).toEqual([]);
    expect(again.restored).toBe('outputs');
    expect(sha(again.tar)).toBe(sha(first.tar));
    expect(again.log).toContain('stage cache: restored the finished outputs');
    expect(existsSync(`${again.output}.d/dib-element-list`)).toBe(true);
  });

  it('the dry-run says what will be restored', async () => {
    const run = await runDib(['create', '--dry-run', '-n', '-t', 'tar', '--image-cache', cache, '-o', path.join(OUT, 'stage-runs', 'dry', 'img'), 'tiny'], {
      cwd: project,
      env: env(),
    });
    expect(run.stdout).toMatch(/Stage cache \(.+\/stages\):\n {2}the outputs are cached \(\w+\): no phase runs, the files are copied/);
    const json = await runDib(
      ['create', '--dry-run', '--json', '-n', '-t', 'tar', '--image-cache', cache, '-o', path.join(OUT, 'stage-runs', 'dry', 'img'), 'tiny', '-p', 'x'],
      {
        cwd: project,
        env: env(),
      },
    );
    expect(JSON.parse(json.stdout).stageCache).toMatchObject({ enabled: true, restore: null, summary: ['nothing cached for this build: every phase runs'] });
  });

  it('a changed install.d script runs the rest of install and what follows, from the tree stored after the script before it', async () => {
    writeFileSync(path.join(element, 'install.d/50-tiny-install'), installScript('b'));
    const dry = await runDib(['create', '--dry-run', '-n', '-t', 'tar', '--image-cache', cache, '-o', path.join(OUT, 'stage-runs', 'dry', 'img'), 'tiny'], {
      cwd: project,
      env: env(),
    });
    expect(dry.stdout).toMatch(
      /restore the tree after install\/40-tiny-first \(\w+\); run the rest of install \(1 script\), post-install, post-root, block-device, pre-finalise, finalise, cleanup, then the outputs/,
    );
    const changed = await build('stage-c');
    expect(changed.restored).toBe('install/40-tiny-first');
    expect(changed.ran).toEqual(['install', 'post-install']);
    expect(changed.scripts).toEqual(['install/50-tiny-install', 'post-install/50-tiny-post']);
    expect(changed.log).toContain('stage cache: restored the tree after install/40-tiny-first from');
    expect(await readTarFile(changed.tar, './etc/tiny-post')).toBe('install one b\npost');
    // 40-tiny-first ran once, in the build that stored the tree.
    expect(await readTarFile(changed.tar, './etc/tiny-runs')).toBe('first');
  });

  it("a phase's first script changed runs the whole phase, from the tree stored after root", async () => {
    writeFileSync(path.join(element, 'install.d/40-tiny-first'), '#!/bin/bash\necho first-b >> /etc/tiny-runs\n');
    const changed = await build('stage-c2');
    expect(changed.restored).toBe('root');
    expect(changed.scripts).toEqual(['install/40-tiny-first', 'install/50-tiny-install', 'post-install/50-tiny-post']);
    expect(await readTarFile(changed.tar, './etc/tiny-runs')).toBe('first-b');
    expect(await readTarFile(changed.tar, './etc/tiny-post')).toBe('install one b\npost');
    // The tree restored from root still has what root made.
    expect(await readTarFile(changed.tar, './etc/apt/sources.list')).toContain(server.hostUrl('debian'));
  });

  it('a changed variable or -p runs every phase: any script may read them', async () => {
    const variable = await build('stage-d', { TINY_VALUE: 'two' });
    expect(variable.restored).toBeUndefined();
    expect(variable.ran).toEqual(['root', 'install', 'post-install']);
    expect(await readTarFile(variable.tar, './etc/tiny-post')).toBe('install two b\npost');
    const packages = await build('stage-d', {}, ['-p', 'extra-package']);
    expect(packages.ran).toEqual(['root', 'install', 'post-install']);
  });

  it('a new Release file in the archive makes every stored stage out of date', async () => {
    writeFileSync(path.join(archive, 'debian/dists/stable/InRelease'), 'Origin: test\nDate: two\n');
    const updated = await build('stage-e');
    expect(updated.restored).toBeUndefined();
    expect(updated.ran).toEqual(['root', 'install', 'post-install']);
    expect(updated.log).toContain(`${server.hostUrl('debian')}/dists/stable/InRelease changed since it was stored`);
    // Stored anew against the new Release file: the next build is served from the cache again.
    expect((await build('stage-e')).restored).toBe('outputs');
  });

  it('a damaged entry is named, discarded and the build goes on from the stage before it', async () => {
    const outputs = entryOf('outputs');
    const file = path.join(cache, 'stages', outputs.k, 'out.tar');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff; // same size, one byte changed
    writeFileSync(file, bytes);
    const post = entryOf('post-install');
    const tree = path.join(cache, 'stages', post.k, 'tree.tar');
    writeFileSync(tree, readFileSync(tree).subarray(0, statSync(tree).size >> 1)); // truncated
    const repaired = await build('stage-f');
    expect(repaired.warnings.join('\n')).toMatch(/stage cache entry .+ \(outputs\) is damaged \(out\.tar does not match its sha256\)/);
    expect(repaired.warnings.join('\n')).toMatch(/stage cache entry .+ \(post-install\) is damaged \(tree\.tar has \d+ bytes, \d+ were stored\)/);
    expect(repaired.restored).toBe('install');
    expect(repaired.ran).toEqual(['post-install']);
    expect(await readTarFile(repaired.tar, './etc/tiny-post')).toBe('install one b\npost');
  });

  it('--no-cache runs every phase and stores nothing', async () => {
    const fresh = await build('stage-g', {}, ['--no-cache']);
    expect(fresh.ran).toEqual(['root', 'install', 'post-install']);
    expect(fresh.stored).toEqual([]);
    expect(fresh.log).toContain('stage cache: off (--no-cache)');
  });

  it('two builds sharing the cache at once both succeed, and the next one is served from it', async () => {
    const [a, b] = await Promise.all([build('stage-h1', { TINY_VALUE: 'three' }), build('stage-h2', { TINY_VALUE: 'three' })]);
    for (const r of [a, b]) expect(await readTarFile(r.tar, './etc/tiny-post')).toBe('install three b\npost');
    const third = await build('stage-h3', { TINY_VALUE: 'three' });
    expect(third.restored).toBe('outputs');
    // The outputs of whichever of the two stored first.
    expect([sha(a.tar), sha(b.tar)]).toContain(sha(third.tar));
  });

  it('a build killed while storing a stage leaves nothing a later build uses', async () => {
    const stages = path.join(cache, 'stages');
    const output = path.join(OUT, 'stage-runs', 'killed-first', 'img');
    mkdirSync(path.dirname(output), { recursive: true });
    // A tree large enough that storing it takes a while.
    const child = execa(process.execPath, [DIB_BIN, 'create', '-n', '-t', 'tar', '--image-cache', cache, '-o', output, 'tiny'], {
      cwd: project,
      env: env({ TINY_VALUE: 'killed', TINY_FILLER_MB: '300' }),
      reject: false,
      detached: true,
    });
    const deadline = Date.now() + 120_000;
    while (!readdirSync(stages).some((n) => n.startsWith('.tmp-') && readdirSync(path.join(stages, n)).length) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    process.kill(-child.pid!, 'SIGKILL');
    await child;
    const half = readdirSync(stages).filter((n) => n.startsWith('.tmp-'));
    expect(half.length).toBe(1);
    const cleanup = await execa(process.execPath, [DIB_BIN, 'cleanup']);
    // The archiver the killed build started ran in its own process group: dib cleanup ends it.
    for (let i = 0; i < 50 && (await execa('pgrep', ['-f', half[0]!], { reject: false })).stdout; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await execa('pgrep', ['-a', '-f', half[0]!], { reject: false })).stdout, cleanup.stdout).toBe('');
    // Swept once its build is gone and it has been still for ten minutes (a build in another PID namespace may own it).
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(path.join(stages, half[0]), anHourAgo, anHourAgo);
    const after = await build('stage-killed', { TINY_VALUE: 'killed' });
    expect(after.restored).toBeUndefined();
    expect(after.ran).toEqual(['root', 'install', 'post-install']);
    expect(readdirSync(stages).filter((n) => n.startsWith('.tmp-'))).toEqual([]);
  });

  it('dib cache lists the entries and prunes them', async () => {
    const list = await runDib(['cache', 'list', '--image-cache', cache], { cwd: project });
    expect(list.exitCode).toBe(0);
    expect(list.stdout).toMatch(/^\w+ +[\d.]+ MiB +used \S+ +img, after install$/m);
    expect(list.stdout).toMatch(/^\w+ +[\d.]+ MiB +used \S+ +img, after install\/40-tiny-first$/m);
    expect(list.stdout).toMatch(/^\w+ +[\d.]+ MiB +used \S+ +img, outputs$/m);
    const count = entries().length;
    const prune = await runDib(['cache', 'prune', '--all', '--image-cache', cache], { cwd: project });
    expect(prune.stdout).toContain(`removed ${count} entries`);
    expect(entries()).toEqual([]);
    const bad = await runDib(['cache', 'prune', '--max-size', 'lots', '--image-cache', cache], { cwd: project });
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('DIB_E_ARGUMENT');
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
