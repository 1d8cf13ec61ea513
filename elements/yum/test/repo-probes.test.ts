import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { dnfRepoProbes } from '../src/repo-probes.js';

const trees: string[] = [];
afterEach(() => trees.splice(0).forEach((t) => rmSync(t, { recursive: true, force: true })));

it("a tree's enabled repositories are probed by repomd.xml, or by the repomd.xml hashes their metalink lists", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dib-dnf-probes-'));
  trees.push(root);
  mkdirSync(path.join(root, 'etc/yum.repos.d'), { recursive: true });
  writeFileSync(
    path.join(root, 'etc/yum.repos.d/fedora.repo'),
    [
      '[fedora]',
      'name=Fedora $releasever - $basearch',
      'baseurl=http://mirror.test/fedora/releases/$releasever/Everything/$basearch/os/',
      '        http://second.test/fedora/',
      'enabled=1',
      '',
      '[fedora-debuginfo]',
      'baseurl=http://mirror.test/debug/',
      'enabled=0',
      '',
      '[updates]',
      'metalink=https://meta.test/metalink?repo=updates-released-f$releasever&arch=${basearch}',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(root, 'etc/yum.repos.d/notes.txt'), '[x]\nbaseurl=http://ignored.test/\n');
  expect(dnfRepoProbes(root, { ARCH: 'amd64', DIB_RELEASE: '45' })).toEqual([
    'http://mirror.test/fedora/releases/45/Everything/x86_64/os/repodata/repomd.xml',
    { url: 'https://meta.test/metalink?repo=updates-released-f45&arch=x86_64', match: /<hash type="sha256">[0-9a-f]+<\/hash>/g },
  ]);
});
