import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'dpkg',
  description: 'apt/dpkg handling for Debian-family images: install-packages, no recommends, shared apt cache, package manifest',
  dependencies: ['package-installs'],
  env: {
    DIB_APT_LOCAL_CACHE: { description: 'Share downloaded .deb files between builds under DIB_IMAGE_CACHE/apt ("0" turns it off)', default: '1' },
    DIB_APT_CACHE_LOCK_TIMEOUT: {
      description: 'Seconds install-packages waits for another build using the shared .deb cache before failing',
      default: '3600',
      schema: z.string().regex(/^\d+$/, 'a whole number of seconds'),
    },
    DIB_APT_KEEP_LISTS: { description: 'Keep /var/lib/apt/lists in the image ("1"); dropped by default to save space', default: '0' },
  },
  cacheMounts: [
    // One cache per distro/release/arch: .debs of different releases never mix.
    { cache: 'apt/${DISTRO_NAME}-${DIB_RELEASE}-${ARCH}', target: '/var/cache/apt/archives', disableWith: 'DIB_APT_LOCAL_CACHE' },
  ],
});
