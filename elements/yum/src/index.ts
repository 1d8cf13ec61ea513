import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { ERRORS } from './errors.js';
import { installBuildRepos } from './repo-conf.js';
import { dnfRepoProbes } from './repo-probes.js';

export { ERRORS as YUM_ERRORS } from './errors.js';
export { repoFiles } from './repo-conf.js';

export { dnfRepoProbes } from './repo-probes.js';

export default defineElement({
  name: 'yum',
  description:
    'dnf/rpm handling for Fedora- and RHEL-family images: install-packages, build-time repositories (DIB_YUM_REPO_CONF), shared dnf cache, package manifest',
  dependencies: ['package-installs', 'pkg-map'],
  errors: ERRORS,
  env: {
    YUM: { description: 'The package manager install-packages and classic elements call', default: 'dnf' },
    DIB_YUM_REPO_CONF: {
      description: 'Space-separated .repo files on the build host, used during the build only (removed at finalise)',
    },
    DIB_DNF_MODULE_STREAMS: {
      description:
        'Space-separated module streams (NAME:STREAM, or NAME for its default stream) to enable before packages are installed (RHEL 8 and 9 AppStream), as upstream',
      schema: z.string().regex(/^\s*([\w.+-]+(:[\w.+-]+)?(\/[\w.+-]+)?(\s+|$))*$/, 'space-separated module streams, as container-tools:rhel8'),
    },
    DIB_SELINUX_RELABEL: {
      description: 'Label the finished tree from the image\'s SELinux policy with setfiles at the end of finalise ("0" leaves it to the first boot)',
      default: '1',
      schema: z.enum(['0', '1']),
    },
    DIB_DISABLE_KERNEL_CLEANUP: {
      description: 'At finalise, every kernel but the newest is removed (dnf keeps several); "1" keeps them all',
      default: '0',
      schema: z.string().regex(/^\d+$/, '0 (remove old kernels) or 1 (keep them)'),
    },
    DIB_DRACUT_INITRAMFS: {
      description:
        "build: make each kernel's /boot/initramfs-VERSION.img with the image's dracut at finalise, not host-only; skip: keep what the kernel packages made; auto: skip in ramdisk builds (they boot the kernel with their own), build otherwise",
      default: 'auto',
      schema: z.enum(['auto', 'build', 'skip']),
    },
    DIB_DRACUT_INITRAMFS_MODULES: {
      description:
        "Drivers in the initramfs: generic (dracut's no-host-only set, any hardware), virtual (a virtual machine's disk and root filesystem drivers: virtio, Xen, Hyper-V, VMware, AHCI, NVMe; about a third of the time and half the size); kept in the image's dracut.conf.d for later kernels",
      default: 'generic',
      schema: z.enum(['generic', 'virtual']),
    },
    DIB_DNF_LOCAL_CACHE: {
      description: 'Share downloaded packages and metadata between builds under DIB_IMAGE_CACHE/dnf ("0" turns it off)',
      default: '1',
    },
    DIB_DNF_CACHE_LOCK_TIMEOUT: {
      description: 'Seconds install-packages waits for another build using the shared dnf cache before failing',
      default: '3600',
      schema: z.string().regex(/^\d+$/, 'a whole number of seconds'),
    },
  },
  hooks: { 'extra-data': [{ name: '20-yum-repo-conf', run: installBuildRepos }] },
  cacheProbes: dnfRepoProbes,
  cacheMounts: [
    // One cache per distro/release/arch: packages and metadata of different releases never mix.
    { cache: 'dnf/${DISTRO_NAME}-${DIB_RELEASE}-${ARCH}', target: '/var/cache/dnf', disableWith: 'DIB_DNF_LOCAL_CACHE' },
  ],
});
