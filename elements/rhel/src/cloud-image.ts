/**
 * The root tree from a RHEL KVM guest image (qcow2, xfs root): the file the user
 * downloaded from Red Hat (DIB_LOCAL_IMAGE), or the one on their own mirror
 * (DIB_CLOUD_IMAGES + BASE_IMAGE_FILE), checked against that mirror's SHA256SUMS,
 * signed with DIB_CLOUD_IMAGE_KEYRING or, with DIB_CLOUD_IMAGE_VERIFY=checksum, not.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { provideCloudImage, unpackImage } from '@dib/element-cloud-image';
import { ERRORS } from './errors.js';

/** Red Hat's names for dib's architectures. */
export const RHEL_ARCHES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', ppc64el: 'ppc64le', s390x: 's390x' };

export async function unpackRhelGuestImage(ctx: HostHookContext): Promise<void> {
  const arch = RHEL_ARCHES[ctx.arch];
  if (!arch) throw new ElementError(ERRORS.DIB_E_RHEL_ARCH, `-a ${ctx.arch}: RHEL is built for ${Object.keys(RHEL_ARCHES).join(', ')}`);
  const { DIB_LOCAL_IMAGE: local, DIB_CLOUD_IMAGES: mirror, BASE_IMAGE_FILE: file } = ctx.env;
  if (!local && !(mirror && file)) {
    throw new ElementError(
      ERRORS.DIB_E_RHEL_IMAGE_SOURCE,
      mirror
        ? 'DIB_CLOUD_IMAGES is set but BASE_IMAGE_FILE is not: name the guest image file on your mirror'
        : 'neither DIB_LOCAL_IMAGE nor DIB_CLOUD_IMAGES is set',
    );
  }
  const image = await provideCloudImage(ctx, {
    title: `RHEL ${ctx.env.DIB_RELEASE} ${arch} guest image`,
    cacheName: 'rhel',
    baseUrl: (mirror ?? '').replace(/\/+$/, ''),
    file: file ?? '',
    checksums: 'SHA256SUMS',
    signature: { detached: 'SHA256SUMS.gpg' },
    // Red Hat signs no checksum file: a mirror's own key, given by the user, or none.
    keyring: ctx.env.DIB_CLOUD_IMAGE_KEYRING ?? '',
  });
  await unpackImage(ctx, image);
}
