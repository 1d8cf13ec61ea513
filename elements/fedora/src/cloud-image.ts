/**
 * The root tree from Fedora's Cloud Base image (the Generic qcow2): the release's
 * CHECKSUM file is found in the image directory (its name carries the compose, e.g.
 * Fedora-Cloud-45-1.2-x86_64-CHECKSUM), its inline signature checked against Fedora's
 * keys shipped in fedora-common, the newest Generic qcow2 it lists downloaded, checked and cached,
 * and its btrfs root (with /boot and the other subvolumes its fstab mounts) unpacked.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { newestListed, provideCloudImage, unpackImage } from '@dib/element-cloud-image';
import { ERRORS } from './errors.js';
import { DEFAULT_FEDORA_RELEASE, FEDORA_ARCHES, FEDORA_KEYRING } from '@dib/element-fedora-common';

const PRIMARY_ARCHES = new Set(['x86_64', 'aarch64']);

/** Where Fedora publishes a release's cloud images; the secondary architectures have their own tree. */
export function defaultCloudImages(release: string, fedoraArch: string): string {
  const tree = PRIMARY_ARCHES.has(fedoraArch) ? 'fedora/linux' : 'fedora-secondary';
  return `https://download.fedoraproject.org/pub/${tree}/releases/${release}/Cloud/${fedoraArch}/images`;
}

export async function unpackFedoraCloudImage(ctx: HostHookContext): Promise<void> {
  // fedora-common's schema makes it a number, so it goes into the patterns as it is.
  const release = ctx.env.DIB_RELEASE || DEFAULT_FEDORA_RELEASE;
  const arch = FEDORA_ARCHES[ctx.arch];
  if (!arch && !ctx.env.DIB_LOCAL_IMAGE) {
    throw new ElementError(ERRORS.DIB_E_FEDORA_ARCH, `-a ${ctx.arch}: Fedora Cloud images exist for ${Object.keys(FEDORA_ARCHES).join(', ')}`);
  }
  const title = `Fedora ${release} ${arch ?? ctx.arch} cloud image`;
  const baseUrl = (ctx.env.DIB_CLOUD_IMAGES || defaultCloudImages(release, arch)).replace(/\/+$/, '');
  const local = ctx.env.DIB_LOCAL_IMAGE;
  // The checksum file is looked up only when there is something to check.
  const listed = local
    ? undefined
    : await newestListed(ctx, { title, cacheName: 'fedora', baseUrl, pattern: new RegExp(`^Fedora-Cloud-${release}-[0-9.]+-${arch}-CHECKSUM$`) });
  const file = await provideCloudImage(ctx, {
    title,
    cacheName: 'fedora',
    baseUrl,
    // Generic since Fedora 41; the plain name before.
    file: ctx.env.BASE_IMAGE_FILE || new RegExp(`^Fedora-Cloud-Base-(Generic-)?${release}-[0-9.]+\\.${arch}\\.qcow2$`),
    checksums: listed?.name ?? '',
    signature: 'clearsigned',
    keyring: FEDORA_KEYRING,
  });
  // Only a compose that was verified and cached is what --offline builds use.
  listed?.remember();
  await unpackImage(ctx, file);
}
