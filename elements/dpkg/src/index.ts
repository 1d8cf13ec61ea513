import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { ERRORS } from './errors.js';
import { aptArchiveProbes } from './archive-probes.js';

export { bootstrapBaseTree, listOf, treeMirror, BASE_TREE_PACKAGES, type BaseTreeSpec } from './base-tree.js';
export { ERRORS as DPKG_ERRORS } from './errors.js';
export { aptArchiveProbes, aptSources } from './archive-probes.js';

export default defineElement({
  name: 'dpkg',
  description:
    'apt/dpkg handling for Debian-family images: the cached base tree, install-packages, no recommends, shared apt cache, one initramfs build, package manifest',
  dependencies: ['package-installs'],
  errors: ERRORS,
  env: {
    DIB_APT_LOCAL_CACHE: { description: 'Share downloaded .deb files between builds under DIB_IMAGE_CACHE/apt ("0" turns it off)', default: '1' },
    DIB_APT_CACHE_LOCK_TIMEOUT: {
      description: 'Seconds install-packages waits for another build using the shared .deb cache before failing',
      default: '3600',
      schema: z.string().regex(/^\d+$/, 'a whole number of seconds'),
    },
    DIB_APT_KEEP_LISTS: { description: 'Keep /var/lib/apt/lists in the image ("1"); dropped by default to save space', default: '0' },
    DIB_APT_KEYRING: {
      description:
        "Keyring the archive's Release file must be signed with when the base tree is bootstrapped (binary .gpg or armored .asc); the image trusts it too",
    },
    DIB_DEBIAN_BOOTSTRAP_TOOL: {
      description: 'auto (mmdebstrap when installed), mmdebstrap or debootstrap',
      default: 'auto',
      schema: z.enum(['auto', 'mmdebstrap', 'debootstrap']),
    },
    DIB_DEBIAN_BOOTSTRAP_INCLUDE: { description: 'Extra packages put in the cached base tree, comma separated', default: '' },
    DIB_DEBIAN_BASE_CACHE_DAYS: {
      description: 'Rebuild the cached base tree when older than this many days',
      default: '7',
      schema: z.string().regex(/^\d+$/, 'a whole number of days'),
    },
    DIB_DEBIAN_INITRAMFS: {
      description:
        'build: make the initramfs of every kernel once, at post-install; skip: make none; auto: skip in ramdisk builds (they boot the kernel with their own), build otherwise',
      default: 'auto',
      schema: z.enum(['auto', 'build', 'skip']),
    },
    DIB_DEBIAN_INITRAMFS_MODULES: {
      description:
        "Modules in the initramfs: most (Debian's default, any hardware), netboot (network and NFS root), virtual (a virtual machine's disk and root filesystem drivers: virtio, Xen, Hyper-V, VMware, AHCI, NVMe; about a tenth of the build time); kept in the image for later kernels",
      default: 'most',
      schema: z.enum(['most', 'netboot', 'virtual']),
    },
    DIB_DEBIAN_INITRAMFS_BATCH: {
      description:
        'Run Debian\'s mkinitramfs with its modules and their firmware copied in batches: the same initramfs from a few hundred processes instead of about 20 000 ("0" runs it unchanged)',
      default: '1',
    },
    DIB_DEBIAN_INITRAMFS_CACHE: {
      description:
        'Reuse an initramfs made before from the same inputs (packages, initramfs-tools and modprobe configuration, fstab, modules), kept under DIB_IMAGE_CACHE/initramfs ("0" turns it off)',
      default: '1',
    },
  },
  cacheProbes: aptArchiveProbes,
  cacheMounts: [
    // One cache per distro/release/arch: .debs of different releases never mix.
    { cache: 'apt/${DISTRO_NAME}-${DIB_RELEASE}-${ARCH}', target: '/var/cache/apt/archives', disableWith: 'DIB_APT_LOCAL_CACHE' },
    // The last package lists fetched, for --offline builds (the base tree has none).
    { cache: 'apt-lists/${DISTRO_NAME}-${DIB_RELEASE}-${ARCH}', target: '/tmp/dib-apt-lists-cache' },
    { cache: 'initramfs/${DISTRO_NAME}-${DIB_RELEASE}-${ARCH}', target: '/tmp/dib-initramfs-cache', disableWith: 'DIB_DEBIAN_INITRAMFS_CACHE' },
  ],
});
