/**
 * The kernel choice checked against the release before anything is downloaded: only LTS
 * releases have an HWE kernel, and without this check the build would go on to install
 * no kernel at all.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { DEFAULT_UBUNTU_RELEASE, UBUNTU_LTS_RELEASES, type UbuntuRelease } from './releases.js';

export async function checkKernelChoice(ctx: HostHookContext): Promise<void> {
  const release = (ctx.env.DIB_RELEASE ?? DEFAULT_UBUNTU_RELEASE) as UbuntuRelease;
  if (ctx.env.DIB_UBUNTU_KERNEL === 'linux-image-hwe' && !UBUNTU_LTS_RELEASES.includes(release)) {
    throw new ElementError(
      ERRORS.DIB_E_UBUNTU_KERNEL_UNAVAILABLE,
      `DIB_UBUNTU_KERNEL=linux-image-hwe, but ${release} is not an LTS release (${UBUNTU_LTS_RELEASES.join(', ')}) and has no HWE kernel`,
    );
  }
}
