/**
 * The Ubuntu base tree (dpkg's cached bootstrap), checked against Ubuntu's archive key
 * shipped with ubuntu-common (or DIB_APT_KEYRING), then sources.list with the release
 * and DIB_UBUNTU_MIRROR_DISTS on the same mirror, as upstream's ubuntu-minimal writes it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { bootstrapBaseTree, listOf } from '@dib/element-dpkg';
import { DEFAULT_UBUNTU_RELEASE, UBUNTU_ARCHIVE_KEYRING } from '@dib/element-ubuntu-common';
import { DEBOOTSTRAP_UBUNTU_SCRIPT, debootstrapDefaultMirror } from './default-mirror.js';
import { ERRORS } from './errors.js';

/** debootstrap of an older host knows no newer Ubuntu release; every Ubuntu script since gutsy is the same one. */
const debootstrapScriptFor = (release: string) => (existsSync(`/usr/share/debootstrap/scripts/${release}`) ? undefined : DEBOOTSTRAP_UBUNTU_SCRIPT);

export async function bootstrapUbuntu(ctx: HostHookContext): Promise<void> {
  const release = ctx.env.DIB_RELEASE ?? DEFAULT_UBUNTU_RELEASE;
  const components = listOf(ctx.env.DIB_DEBIAN_COMPONENTS ?? 'main,universe');
  // Always named: mmdebstrap falls back to Debian's mirror for a suite its host does not know as Ubuntu's.
  const mirror = ctx.env.DIB_DISTRIBUTION_MIRROR || debootstrapDefaultMirror(ctx.arch, release);
  if (!mirror) {
    throw new ElementError(ERRORS.DIB_E_UBUNTU_MIRROR_UNKNOWN, `DIB_DISTRIBUTION_MIRROR is unset and ${DEBOOTSTRAP_UBUNTU_SCRIPT} does not exist`);
  }
  await bootstrapBaseTree(ctx, {
    cacheName: 'ubuntu-minimal',
    distro: 'Ubuntu',
    release,
    components,
    mirror,
    keyring: ctx.env.DIB_APT_KEYRING || UBUNTU_ARCHIVE_KEYRING,
    debootstrapScript: debootstrapScriptFor(release),
  });
  const suites = [release, ...listOf(ctx.env.DIB_UBUNTU_MIRROR_DISTS ?? 'updates,security,backports').map((dist) => `${release}-${dist}`)];
  const lines = suites.map((suite) => `deb ${mirror.replace(/\/+$/, '')} ${suite} ${components.join(' ')}`);
  writeFileSync(path.join(ctx.targetRoot, 'etc/apt/sources.list'), `# Written by dib (ubuntu-minimal)\n${lines.join('\n')}\n`);
}
