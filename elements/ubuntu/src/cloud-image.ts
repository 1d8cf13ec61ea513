/**
 * The root tree from Ubuntu's cloud image: the release's squashfs root filesystem,
 * checked against SHA256SUMS and its signature by Ubuntu's cloud image key (shipped in
 * ubuntu-common), cached, and unpacked. DIB_LOCAL_IMAGE replaces the download.
 */
import type { HostHookContext } from '@dib/core/element';
import { provideCloudImage, unpackImage } from '@dib/element-cloud-image';
import { DEFAULT_UBUNTU_RELEASE, UBUNTU_CLOUD_IMAGE_KEYRING } from '@dib/element-ubuntu-common';

export const defaultCloudImages = (release: string) => `https://cloud-images.ubuntu.com/${release}/current`;

export async function unpackUbuntuCloudImage(ctx: HostHookContext): Promise<void> {
  const release = ctx.env.DIB_RELEASE ?? DEFAULT_UBUNTU_RELEASE;
  const file = await provideCloudImage(ctx, {
    title: `Ubuntu ${release} ${ctx.arch} cloud image`,
    cacheName: 'ubuntu',
    baseUrl: (ctx.env.DIB_CLOUD_IMAGES || defaultCloudImages(release)).replace(/\/+$/, ''),
    file: ctx.env.BASE_IMAGE_FILE || `${release}-server-cloudimg-${ctx.arch}.squashfs`,
    checksums: 'SHA256SUMS',
    signature: { detached: 'SHA256SUMS.gpg' },
    keyring: UBUNTU_CLOUD_IMAGE_KEYRING,
  });
  await unpackImage(ctx, file);
}
