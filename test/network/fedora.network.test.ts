/**
 * Opt-in, for machines that reach Fedora's hosts (`DIB_TEST_NETWORK=1 npm run
 * test:network`, as root, with dnf installed): the real Fedora 45 Cloud Base image,
 * its CHECKSUM checked with the keys fedora-common ships, and a real fedora-minimal
 * tree from Fedora's repositories, every package checked against the same keys. No
 * fixture stands in for anything here; the default suite covers the same code against
 * loopback servers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTarFile, runDib } from '@dib/testing';
import { isRoot, OUT } from '../helpers.js';

describe.runIf(isRoot)("fedora from the real Cloud Base image, and fedora-minimal from Fedora's repositories", () => {
  it('fedora: the newest compose, its clearsigned CHECKSUM verified, with openssh-server installed by dnf and the tree labelled', async () => {
    const output = path.join(OUT, 'network-fedora');
    const r = await runDib(['create', '-o', output, '-t', 'tar', '-p', 'openssh-server', 'fedora'], { env: { DIB_RELEASE: '45' } });
    expect(r.exitCode, r.stderr).toBe(0);
    const log = readFileSync(`${output}.log`, 'utf8');
    expect(log).toMatch(/Fedora-Cloud-45-[0-9.]+-x86_64-CHECKSUM is signed by a key in .*fedora-keyring\.gpg/);
    expect(log).toContain('selinux: labelling the tree from the targeted policy');
    expect(readFileSync(`${output}.d/dib-packages`, 'utf8')).toMatch(/^openssh-server\t/m);
  });

  it('fedora-minimal: the host dnf installs the release, signatures checked', async () => {
    const output = path.join(OUT, 'network-fedora-minimal');
    const r = await runDib(['create', '-o', output, '-t', 'tar', 'fedora-minimal'], { env: { DIB_RELEASE: '45' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await readTarFile(`${output}.tar`, 'etc/os-release')).toMatch(/^ID=fedora$/m);
  });
});
