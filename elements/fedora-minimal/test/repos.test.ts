import path from 'node:path';
import { expect, it } from 'vitest';
import { loadElement, runElementHook, scratchSpace } from '@dib/testing';
import { fedoraRpmKeys } from '@dib/element-fedora-common';
import { fedoraBootstrapRepos } from '../src/repos.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const space = scratchSpace('dib-fedora-minimal');

it("bootstraps from Fedora's metalinks, every package checked against the shipped keys", () => {
  const text = fedoraBootstrapRepos({ keys: ['/k/41', '/k/45'] });
  expect(text).toContain(
    '[fedora]\nname=Fedora $releasever - $basearch\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever&arch=$basearch\n',
  );
  expect(text).toContain('metalink=https://mirrors.fedoraproject.org/metalink?repo=updates-released-f$releasever&arch=$basearch');
  expect(text.match(/^gpgcheck=1$/gm)).toHaveLength(2);
  expect(text).toContain('gpgkey=file:///k/41 file:///k/45\n');
  expect(fedoraRpmKeys().map((k) => path.basename(k))).toContain('RPM-GPG-KEY-fedora-45-primary');
});

it('takes the releases and updates trees of DIB_DISTRIBUTION_MIRROR instead', () => {
  const text = fedoraBootstrapRepos({ mirror: 'http://10.0.0.5/fedora/', keys: ['/k'] });
  expect(text).toContain('baseurl=http://10.0.0.5/fedora/releases/$releasever/Everything/$basearch/os/\n');
  expect(text).toContain('baseurl=http://10.0.0.5/fedora/updates/$releasever/Everything/$basearch/\n');
  expect(text).not.toContain('metalink');
});

it('refuses DIB_YUM_MINIMAL_BOOTSTRAP_REPOS without .repo files, and an architecture Fedora is not built for', async () => {
  const element = await loadElement('fedora-minimal', { searchRoots: [REPO] });
  const hook = (env: Record<string, string>, arch = 'amd64') =>
    runElementHook(element, 'root', '08-fedora-minimal-bootstrap', { targetRoot: space.dir('root'), outputDir: space.dir('out'), arch, env });
  await expect(hook({ DIB_YUM_MINIMAL_BOOTSTRAP_REPOS: space.dir('empty') })).rejects.toMatchObject({ code: 'DIB_E_FEDORA_MINIMAL_REPOS' });
  await expect(hook({}, 'armhf')).rejects.toMatchObject({ code: 'DIB_E_FEDORA_MINIMAL_ARCH' });
  space.clean();
});
