/**
 * The Ubuntu base tree (dpkg's cached bootstrap), checked against Ubuntu's archive key
 * shipped with ubuntu-common (or DIB_APT_KEYRING), then sources.list with the release
 * and DIB_UBUNTU_MIRROR_DISTS on the mirror the tool used, as upstream's ubuntu-minimal writes it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostHookContext } from '@dib/core/element';
import { bootstrapBaseTree, listOf, treeMirror } from '@dib/element-dpkg';
import { DEFAULT_UBUNTU_RELEASE, UBUNTU_ARCHIVE_KEYRING } from '@dib/element-ubuntu-common';

/** debootstrap of an older host knows no newer Ubuntu release; every Ubuntu script since gutsy is the same one. */
const debootstrapScriptFor = (release: string) =>
  existsSync(`/usr/share/debootstrap/scripts/${release}`) ? undefined : '/usr/share/debootstrap/scripts/gutsy';

export async function bootstrapUbuntu(ctx: HostHookContext): Promise<void> {
  const release = ctx.env.DIB_RELEASE ?? DEFAULT_UBUNTU_RELEASE;
  const components = listOf(ctx.env.DIB_DEBIAN_COMPONENTS ?? 'main,universe');
  await bootstrapBaseTree(ctx, {
    cacheName: 'ubuntu-minimal',
    distro: 'Ubuntu',
    release,
    components,
    mirror: ctx.env.DIB_DISTRIBUTION_MIRROR ?? '',
    keyring: ctx.env.DIB_APT_KEYRING || UBUNTU_ARCHIVE_KEYRING,
    debootstrapScript: debootstrapScriptFor(release),
  });
  const mirror = treeMirror(ctx.targetRoot);
  if (!mirror) return;
  const suites = [release, ...listOf(ctx.env.DIB_UBUNTU_MIRROR_DISTS ?? 'updates,security,backports').map((dist) => `${release}-${dist}`)];
  const lines = suites.map((suite) => `deb ${mirror} ${suite} ${components.join(' ')}`);
  writeFileSync(path.join(ctx.targetRoot, 'etc/apt/sources.list'), `# Written by dib (ubuntu-minimal)\n${lines.join('\n')}\n`);
}
