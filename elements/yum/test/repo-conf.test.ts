import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { loadElement, runElementHook, scratchSpace } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const CLEAN = path.resolve(import.meta.dirname, '../finalise.d/97-dnf-clean');
const space = scratchSpace('dib-yum-repos');
afterEach(space.clean);

async function installRepos(value: string) {
  const element = await loadElement('yum', { searchRoots: [REPO] });
  const targetRoot = space.dir('root');
  await runElementHook(element, 'extra-data', '20-yum-repo-conf', { targetRoot, outputDir: space.dir('out'), env: { DIB_YUM_REPO_CONF: value } });
  return targetRoot;
}

it('DIB_YUM_REPO_CONF files are in /etc/yum.repos.d for the build, and only they leave at finalise', async () => {
  const host = space.dir('host');
  for (const name of ['local.repo', 'extra.repo']) writeFileSync(path.join(host, name), `[${name}]\nbaseurl=http://10.0.0.1/${name}\n`);
  const root = await installRepos(`${path.join(host, 'local.repo')}  ${path.join(host, 'extra.repo')}`);
  const repos = path.join(root, 'etc/yum.repos.d');
  writeFileSync(path.join(repos, 'fedora.repo'), '[fedora]\n');
  expect(readFileSync(path.join(repos, 'local.repo'), 'utf8')).toContain('baseurl=http://10.0.0.1/local.repo');
  // finalise runs in the chroot; here the script's paths are pointed into the test tree.
  const script = readFileSync(CLEAN, 'utf8').replaceAll('/etc/yum.repos.d', repos);
  const r = await execa('bash', ['-c', script], { env: { YUM: 'true' }, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(readdirSync(repos)).toEqual(['fedora.repo']);
});

it('refuses a file that is missing, one dnf would not read, and two with one name, before anything is copied', async () => {
  const host = space.dir('host');
  mkdirSync(path.join(host, 'a'));
  mkdirSync(path.join(host, 'b'));
  for (const f of ['a/x.repo', 'b/x.repo', 'x.conf']) writeFileSync(path.join(host, f), '[x]\n');
  for (const [value, message] of [
    ['/nonexistent/local.repo', '/nonexistent/local.repo: no such file'],
    [path.join(host, 'x.conf'), 'does not end in .repo'],
    [`${path.join(host, 'a/x.repo')} ${path.join(host, 'b/x.repo')}`, 'two files called x.repo'],
  ]) {
    const error = await installRepos(value).catch((e) => e);
    expect(error, value).toMatchObject({ code: 'DIB_E_YUM_REPO_CONF' });
    expect(error.message).toContain(message);
  }
});

it("refuses a file named like one of the image's own repositories, which finalise would then remove", async () => {
  const host = space.dir('host');
  writeFileSync(path.join(host, 'fedora.repo'), '[mine]\n');
  const element = await loadElement('yum', { searchRoots: [REPO] });
  const targetRoot = space.dir('root');
  mkdirSync(path.join(targetRoot, 'etc/yum.repos.d'), { recursive: true });
  writeFileSync(path.join(targetRoot, 'etc/yum.repos.d/fedora.repo'), '[fedora]\n');
  const error = await runElementHook(element, 'extra-data', '20-yum-repo-conf', {
    targetRoot,
    outputDir: space.dir('out'),
    env: { DIB_YUM_REPO_CONF: path.join(host, 'fedora.repo') },
  }).catch((e) => e);
  expect(error).toMatchObject({ code: 'DIB_E_YUM_REPO_CONF' });
  expect(error.message).toContain('the image has its own /etc/yum.repos.d/fedora.repo');
  expect(readFileSync(path.join(targetRoot, 'etc/yum.repos.d/fedora.repo'), 'utf8')).toBe('[fedora]\n');
});
