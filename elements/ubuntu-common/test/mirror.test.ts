/**
 * pre-install.d/01-ubuntu-mirror on apt sources as Ubuntu ships them: one-line
 * sources.list files and noble's deb822 ubuntu.sources, with a PPA beside them.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { scratchSpace } from '@dib/testing';

const SCRIPT = path.resolve(import.meta.dirname, '../pre-install.d/01-ubuntu-mirror');
const MIRROR = 'http://mirror.example.test/ubuntu/';
const space = scratchSpace('dib-ubuntu-mirror');
afterEach(space.clean);

const DEB822 = `Types: deb
URIs: http://archive.ubuntu.com/ubuntu/
Suites: noble noble-updates noble-backports
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

Types: deb
URIs: http://security.ubuntu.com/ubuntu/
Suites: noble-security
Components: main restricted universe multiverse
Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg
`;

function tree(files: Record<string, string>) {
  const root = space.dir('root');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content, { mode: 0o644 });
  }
  mkdirSync(path.join(root, 'etc/apt/apt.conf.d'), { recursive: true });
  return root;
}
const run = (root: string, env: Record<string, string>) =>
  execa('bash', [SCRIPT], { env: { UBUNTU_MIRROR_ROOT: root, ...env }, extendEnv: false, reject: false });
const read = (root: string, name: string) => readFileSync(path.join(root, name), 'utf8');

it("points one-line and deb822 sources of Ubuntu's archive hosts at the mirror, and leaves a PPA alone", async () => {
  const root = tree({
    'etc/apt/sources.list': [
      '# comment about archive.ubuntu.com',
      'deb http://archive.ubuntu.com/ubuntu noble main universe',
      'deb-src http://gb.archive.ubuntu.com/ubuntu/ noble-updates main',
      'deb [arch=arm64] http://ports.ubuntu.com/ubuntu-ports noble main',
      'deb https://ppa.launchpadcontent.net/owner/ppa/ubuntu noble main',
      '',
    ].join('\n'),
    'etc/apt/sources.list.d/ubuntu.sources': DEB822,
  });
  const r = await run(root, { DIB_DISTRIBUTION_MIRROR: MIRROR });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(read(root, 'etc/apt/sources.list').split('\n')).toEqual([
    '# comment about archive.ubuntu.com',
    `deb ${MIRROR} noble main universe`,
    `deb-src ${MIRROR} noble-updates main`,
    `deb [arch=arm64] ${MIRROR} noble main`,
    'deb https://ppa.launchpadcontent.net/owner/ppa/ubuntu noble main',
    '',
  ]);
  const sources = read(root, 'etc/apt/sources.list.d/ubuntu.sources');
  expect(sources.match(/^URIs: .*$/gm)).toEqual([`URIs: ${MIRROR}`, `URIs: ${MIRROR}`]);
  expect(sources).toContain('Suites: noble noble-updates noble-backports');
  expect(statSync(path.join(root, 'etc/apt/sources.list')).mode & 0o777).toBe(0o644);
  expect(r.stdout).toContain(`apt sources in /etc/apt/sources.list.d/ubuntu.sources point at ${MIRROR}`);
});

it('keeps lines matching DIB_DISTRIBUTION_MIRROR_UBUNTU_IGNORE, and a mirror URL with & and backslashes verbatim', async () => {
  const root = tree({ 'etc/apt/sources.list': 'deb http://archive.ubuntu.com/ubuntu noble main\ndeb http://security.ubuntu.com/ubuntu noble-security main\n' });
  const odd = 'http://m.test/a&b\\c';
  const r = await run(root, { DIB_DISTRIBUTION_MIRROR: odd, DIB_DISTRIBUTION_MIRROR_UBUNTU_IGNORE: 'noble-security' });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(read(root, 'etc/apt/sources.list')).toBe(`deb ${odd} noble main\ndeb http://security.ubuntu.com/ubuntu noble-security main\n`);
});

it('changes nothing without DIB_DISTRIBUTION_MIRROR; _INSECURE lets apt accept unsigned repositories, with a warning', async () => {
  const list = 'deb http://archive.ubuntu.com/ubuntu noble main\n';
  const root = tree({ 'etc/apt/sources.list': list });
  const r = await run(root, { DIB_DISTRIBUTION_MIRROR_UBUNTU_INSECURE: '1' });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(read(root, 'etc/apt/sources.list')).toBe(list);
  expect(r.stdout).toContain('warning: DIB_DISTRIBUTION_MIRROR_UBUNTU_INSECURE is set');
  expect(read(root, 'etc/apt/apt.conf.d/95dib-allow-unauthenticated')).toContain('Acquire::AllowInsecureRepositories "true";');
});
