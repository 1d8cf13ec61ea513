/**
 * The extra-data hook against real sources: a git daemon and an HTTP server on loopback,
 * a real cache directory, and an image tree on disk. What a user sees: the files and
 * commits in the image, the manifests, the cache reused offline, and clear refusals.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, writeClassicElement, writePackageElement, type FileServer } from '@dib/testing';
import { git, makeDemoRepository, serveDownloads, startGitDaemon, type DemoRepository, type GitDaemon } from './sources.js';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const CACHE_URL = path.join(REPO, 'elements/cache-url/bin/cache-url');

let root: string;
let demo: DemoRepository;
let daemon: GitDaemon;
let server: FileServer;
const temps: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

beforeAll(async () => {
  root = temp('dib-sources-');
  demo = await makeDemoRepository(root);
  daemon = await startGitDaemon(path.dirname(demo.bare));
  server = await serveDownloads(root);
});
afterAll(async () => {
  await daemon?.stop();
  await server?.close();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

interface Build {
  /** Lines of the fixture element's classic file source-repository-demo. */
  lines?: string[];
  /** sourceRepositories of a fixture package element. */
  manifestSources?: Record<string, unknown>[];
  env?: Record<string, string>;
  cache?: string;
  offline?: boolean;
}

/** Plans source-repositories with a fixture element and runs its extra-data hook on a fresh tree. */
async function fetchInto(b: Build) {
  const elementsDir = temp('dib-sources-elements-');
  const project = temp('dib-sources-project-');
  const names = ['source-repositories'];
  if (b.lines) {
    writeClassicElement(elementsDir, 'demo-sources', { files: { 'source-repository-demo': `# demo sources\n\n${b.lines.join('\n')}\n` } });
    names.push('demo-sources');
  }
  if (b.manifestSources) {
    writePackageElement(project, 'dib-element-typed-sources', {
      manifest: { name: 'typed-sources', description: 'sources in the manifest', sourceRepositories: b.manifestSources },
    });
    names.push('typed-sources');
  }
  const env = { DIB_OFFLINE: b.offline ? '1' : '', ...b.env };
  const plan = await planBuild(names, { elementsPath: [elementsDir], searchRoots: [project, REPO], env, output: path.join(project, 'out', 'demo-image') });
  const target = temp('dib-sources-root-');
  const outputDir = temp('dib-sources-out-');
  mkdirSync(path.join(outputDir, '.hooks/bin'), { recursive: true });
  symlinkSync(CACHE_URL, path.join(outputDir, '.hooks/bin/cache-url'));
  const element = await loadElement('source-repositories', { searchRoots: [REPO] });
  const run = await runElementHook(element, 'extra-data', '98-source-repositories', {
    targetRoot: target,
    plan,
    outputDir,
    imageCache: b.cache ?? temp('dib-sources-cache-'),
    offline: b.offline,
    env: b.env,
  });
  const inImage = (file: string) => path.join(target, file);
  return { target, log: run.log.join('\n'), inImage, read: (file: string) => readFileSync(inImage(file), 'utf8') };
}

const headOf = async (dir: string) => (await git(dir, '-c', 'safe.directory=*', 'rev-parse', 'HEAD')).stdout.trim();

describe('git sources', () => {
  it('clones master by default over git://, records the commit and the destination, and points origin at the location', async () => {
    const url = daemon.url('demo.git');
    const b = await fetchInto({ lines: [`demo git /opt/demo ${url}`] });
    expect(b.read('opt/demo/README')).toBe('tip\n');
    expect(await headOf(b.inImage('opt/demo'))).toBe(demo.tip);
    expect((await git(b.inImage('opt/demo'), '-c', 'safe.directory=*', 'remote', 'get-url', 'origin')).stdout.trim()).toBe(url);
    expect(b.read('etc/dib-manifests/dib-manifest-git-demo-image')).toBe(`demo git /opt/demo ${url} ${demo.tip}\n`);
    expect(b.read('etc/dib-manifests/dib-manifest-source-repositories-demo-image')).toBe(`demo git /opt/demo ${url} ${demo.tip}\n`);
    expect(b.read('etc/dib-source-repositories')).toBe('/opt/demo\n');
  });

  it('takes the ref from the line, and DIB_REPOREF_/DIB_REPOLOCATION_ overrides over it', async () => {
    const byLine = await fetchInto({ lines: [`demo git /opt/demo ${daemon.url('demo.git')} stable`] });
    expect(await headOf(byLine.inImage('opt/demo'))).toBe(demo.stable);
    const byVariables = await fetchInto({
      lines: [`demo git /opt/demo git://127.0.0.1:1/nowhere.git stable`],
      env: { DIB_REPOREF_demo: 'v1', DIB_REPOLOCATION_demo: demo.bare },
    });
    expect(await headOf(byVariables.inImage('opt/demo'))).toBe(demo.first);
    expect(byVariables.read('opt/demo/README')).toBe('first\n');
  });

  it('checks out a commit id reachable from a branch', async () => {
    const b = await fetchInto({ lines: [`demo git /opt/demo ${daemon.url('demo.git')} ${demo.stable}`] });
    expect(await headOf(b.inImage('opt/demo'))).toBe(demo.stable);
  });

  it('moves git locations to DIB_GITREPOBASE', async () => {
    const b = await fetchInto({ lines: ['demo git /opt/demo https://git.invalid/~someone/demo.git'], env: { DIB_GITREPOBASE: daemon.url('') } });
    expect(await headOf(b.inImage('opt/demo'))).toBe(demo.tip);
    expect(b.log).toContain(`demo: git ${daemon.url('demo.git')} master -> /opt/demo`);
  });

  it('refuses a ref the repository lacks, naming the file, line and ref', async () => {
    await expect(fetchInto({ lines: [`demo git /opt/demo ${daemon.url('demo.git')} no-such-branch`] })).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_REF_MISSING',
      message: expect.stringMatching(/no branch, tag or commit "no-such-branch".*source-repository-demo:3 \(element demo-sources\)/),
    });
  });

  it('builds from the cache with DIB_OFFLINE while the server is down, and refuses offline what was never fetched', async () => {
    const repos = temp('dib-sources-offline-');
    const local = await makeDemoRepository(repos);
    const own = await startGitDaemon(path.dirname(local.bare));
    const cache = temp('dib-sources-cache-');
    const line = `demo git /opt/demo ${own.url('demo.git')} v1`;
    await fetchInto({ lines: [line], cache });
    await own.stop();
    const offline = await fetchInto({ lines: [line], cache, offline: true });
    expect(await headOf(offline.inImage('opt/demo'))).toBe(local.first);
    await expect(fetchInto({ lines: [line], cache })).rejects.toMatchObject({ code: 'DIB_E_SOURCE_REPOSITORY_FETCH' });
    await expect(fetchInto({ lines: [`demo git /opt/demo ${own.url('demo.git')} no-such-branch`], cache, offline: true })).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_OFFLINE',
      message: expect.stringContaining('the cached clone has no no-such-branch'),
    });
    await expect(fetchInto({ lines: [line], offline: true })).rejects.toMatchObject({ code: 'DIB_E_SOURCE_REPOSITORY_OFFLINE' });
  });
});

describe('tar and file sources', () => {
  it('extracts the contents of the top-level directory ("*", the default), the whole archive ("."), or one directory', async () => {
    const url = server.hostUrl('payload.tar.gz');
    const b = await fetchInto({ lines: [`all tar /opt/all ${url}`, `whole tar /opt/whole ${url} .`, `docs tar /opt/docs ${url} payload-1.0/docs`] });
    expect(b.read('opt/all/setup.cfg')).toContain('name = payload');
    expect(b.read('opt/whole/payload-1.0/setup.cfg')).toContain('name = payload');
    expect(b.read('opt/docs/index.txt')).toBe('docs\n');
    expect(existsSync(b.inImage('opt/docs/setup.cfg'))).toBe(false);
    expect(b.read('etc/dib-source-repositories')).toBe('/opt/all\n/opt/whole\n/opt/docs\n');
    expect(b.read('etc/dib-manifests/dib-manifest-source-repositories-demo-image')).toMatch(/^all tar \/opt\/all \S+ sha256:[0-9a-f]{64}$/m);
    expect(existsSync(b.inImage('etc/dib-manifests/dib-manifest-git-demo-image'))).toBe(false);
    expect(readdirNames(b.inImage('tmp'))).toEqual([]);
  });

  it('copies a file, and reuses the cached download offline', async () => {
    const cache = temp('dib-sources-cache-');
    const line = `notes file /etc/notes.txt ${server.hostUrl('notes.txt')}`;
    expect((await fetchInto({ lines: [line], cache })).read('etc/notes.txt')).toBe('notes from the server\n');
    const before = server.requests.length;
    expect((await fetchInto({ lines: [line], cache, offline: true })).read('etc/notes.txt')).toBe('notes from the server\n');
    expect(server.requests.length).toBe(before);
  });

  it('refuses a directory the archive lacks, and a download the server does not have', async () => {
    await expect(fetchInto({ lines: [`docs tar /opt/docs ${server.hostUrl('payload.tar.gz')} payload-1.0/nope`] })).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_TAR_PATH',
    });
    await expect(fetchInto({ lines: [`gone file /etc/gone ${server.hostUrl('gone.txt')}`] })).rejects.toMatchObject({ code: 'DIB_E_SOURCE_REPOSITORY_FETCH' });
  });
});

describe('what is fetched at all', () => {
  it('expands variables in lines, and skips sources whose install type is not source', async () => {
    await expect(
      fetchInto({ lines: ['demo git ${DIB_DEMO_DEST_UNSET} ${DIB_DEMO_URL}'], env: { DIB_DEMO_URL: daemon.url('demo.git') } }),
    ).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_INVALID',
      message: expect.stringMatching(/source-repository-demo .*DIB_DEMO_DEST_UNSET: unbound variable/s),
    });
    const ok = await fetchInto({
      lines: ['demo git ${DIB_DEMO_DEST} ${DIB_DEMO_URL}', 'notes file /etc/notes.txt ${DIB_NOTES_URL}', 'pkg package'],
      env: { DIB_DEMO_URL: daemon.url('demo.git'), DIB_NOTES_URL: server.hostUrl('notes.txt'), DIB_INSTALLTYPE_notes: 'package', DIB_DEMO_DEST: '/srv/demo' },
    });
    expect(ok.read('srv/demo/README')).toBe('tip\n');
    expect(existsSync(ok.inImage('etc/notes.txt'))).toBe(false);
    expect(ok.log).toContain('notes skipped: install type package');
  });

  it("fetches a package element's sourceRepositories, expanded from the environment", async () => {
    const b = await fetchInto({
      manifestSources: [{ name: 'demo', type: 'git', destination: '/opt/typed', location: '${DIB_DEMO_URL}', ref: 'v1' }],
      env: { DIB_DEMO_URL: daemon.url('demo.git') },
    });
    expect(await headOf(b.inImage('opt/typed'))).toBe(demo.first);
  });

  it('refuses two sources with one destination before fetching anything, and fetches one source declared twice once', async () => {
    const url = daemon.url('demo.git');
    await expect(fetchInto({ lines: [`notes file /opt/x ${server.hostUrl('notes.txt')}`, `demo git /opt/x/ ${url}`] })).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_DUPLICATE',
      message: expect.stringMatching(/\/opt\/x\/: notes .*source-repository-demo:3.* and demo .*source-repository-demo:4/),
    });
    const twice = await fetchInto({
      lines: [`demo git /opt/demo ${url}`],
      manifestSources: [{ name: 'demo', type: 'git', destination: '/opt/demo', location: url, ref: 'master' }],
    });
    expect(twice.read('etc/dib-source-repositories')).toBe('/opt/demo\n');
  });

  it('refuses a line it cannot read, with file and line', async () => {
    await expect(fetchInto({ lines: ['demo svn /opt/demo somewhere'] })).rejects.toMatchObject({
      code: 'DIB_E_SOURCE_REPOSITORY_INVALID',
      message: expect.stringContaining('source-repository-demo:3 (element demo-sources): "demo svn /opt/demo somewhere" is not'),
    });
    await expect(fetchInto({ lines: ['demo git opt/demo somewhere'] })).rejects.toMatchObject({
      message: expect.stringContaining('needs an absolute destination'),
    });
  });

  it('fetches nothing when NO_SOURCE_REPOSITORIES is set', async () => {
    const b = await fetchInto({ lines: [`demo git /opt/demo ${daemon.url('demo.git')}`], env: { NO_SOURCE_REPOSITORIES: '1' } });
    expect(existsSync(b.inImage('opt/demo'))).toBe(false);
  });
});

function readdirNames(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}
