import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { scratchSpace } from '@dib/testing';

const SCRIPT = path.resolve(import.meta.dirname, '../pre-install.d/01-fedora-mirror');
const space = scratchSpace('dib-fedora-mirror');
afterEach(space.clean);

/** Repository files as Fedora ships them: a metalink, and the baseurl it stands for commented out. */
const FEDORA_REPO = `[fedora]
name=Fedora $releasever - $basearch
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/$basearch/os/
metalink=https://mirrors.example/metalink?repo=fedora-$releasever&arch=$basearch
enabled=1
gpgcheck=1

[fedora-source]
#baseurl=http://download.example/pub/fedora/linux/releases/$releasever/Everything/source/tree/
metalink=https://mirrors.example/metalink?repo=fedora-source-$releasever&arch=$basearch
enabled=0
`;
const UPDATES_REPO = `[updates]
#baseurl=http://download.example/pub/fedora-secondary/updates/$releasever/Everything/$basearch/
metalink=https://mirrors.example/metalink?repo=updates-released-f$releasever&arch=$basearch
enabled=1
`;

async function rewrite(mirror?: string) {
  const dir = space.dir('repos');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'fedora.repo'), FEDORA_REPO);
  writeFileSync(path.join(dir, 'fedora-updates.repo'), UPDATES_REPO);
  writeFileSync(path.join(dir, 'other.repo'), '[other]\nmetalink=https://other.example/m\n');
  const env: Record<string, string> = { _FEDORA_REPOS_DIR: dir, ...(mirror === undefined ? {} : { DIB_DISTRIBUTION_MIRROR: mirror }) };
  const r = await execa('bash', [SCRIPT], { env, extendEnv: false, reject: false });
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return { r, read };
}

it('points every Fedora repository at the mirror, keeping the path below it, and drops the metalinks', async () => {
  const { r, read } = await rewrite('http://10.0.0.5/fedora/');
  expect(r.exitCode, r.stderr).toBe(0);
  expect(read('fedora.repo')).toContain('baseurl=http://10.0.0.5/fedora/releases/$releasever/Everything/$basearch/os/\n');
  expect(read('fedora.repo')).toContain('baseurl=http://10.0.0.5/fedora/releases/$releasever/Everything/source/tree/\n');
  expect(read('fedora.repo')).not.toContain('metalink');
  expect(read('fedora.repo')).toContain('gpgcheck=1');
  expect(read('fedora-updates.repo')).toContain('baseurl=http://10.0.0.5/fedora/updates/$releasever/Everything/$basearch/\n');
  // Not Fedora's: left alone.
  expect(read('other.repo')).toContain('metalink=');
});

it('takes a mirror URL holding sed metacharacters literally', async () => {
  const { r, read } = await rewrite('https://user:p&ss@m.example/a|b\\c');
  expect(r.exitCode, r.stderr).toBe(0);
  expect(read('fedora.repo')).toContain('baseurl=https://user:p&ss@m.example/a|b\\c/releases/$releasever/');
});

it('changes nothing without DIB_DISTRIBUTION_MIRROR', async () => {
  const { r, read } = await rewrite();
  expect(r.exitCode).toBe(0);
  expect(read('fedora.repo')).toBe(FEDORA_REPO);
});
