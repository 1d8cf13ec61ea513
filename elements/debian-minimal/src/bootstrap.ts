/**
 * The Debian base tree (dpkg's cached bootstrap), then sources.list with -updates and
 * security beside the mirror the tool used.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostHookContext } from '@dib/core/element';
import { bootstrapBaseTree, listOf, treeMirror } from '@dib/element-dpkg';

export async function bootstrapDebian(ctx: HostHookContext): Promise<void> {
  const release = ctx.env.DIB_RELEASE ?? 'bookworm';
  const components = listOf(ctx.env.DIB_DEBIAN_COMPONENTS);
  await bootstrapBaseTree(ctx, {
    cacheName: 'debian-minimal',
    distro: 'Debian',
    release,
    components,
    mirror: ctx.env.DIB_DISTRIBUTION_MIRROR ?? '',
    keyring: ctx.env.DIB_APT_KEYRING || undefined,
  });
  writeSources(ctx.targetRoot, release, components, ctx.env.DIB_DEBIAN_SECURITY_MIRROR);
}

/**
 * The security archive sits beside the main one on Debian mirrors (".../debian" ->
 * ".../debian-security"); DIB_DEBIAN_SECURITY_MIRROR overrides that guess.
 */
function writeSources(root: string, release: string, components: string[], securityMirror?: string): void {
  const mirror = treeMirror(root);
  if (!mirror) return;
  const comps = components.join(' ');
  const security = securityMirror || (mirror.endsWith('/debian') ? `${mirror}-security` : '');
  const lines = [`deb ${mirror} ${release} ${comps}`, `deb ${mirror} ${release}-updates ${comps}`];
  if (security && !['sid', 'unstable'].includes(release)) lines.push(`deb ${security} ${release}-security ${comps}`);
  writeFileSync(path.join(root, 'etc/apt/sources.list'), `# Written by dib (debian-minimal)\n${lines.join('\n')}\n`);
}
