import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { ERRORS } from './errors.js';
import { checkKernelChoice } from './kernel.js';
import { DEFAULT_UBUNTU_RELEASE, UBUNTU_LTS_RELEASES, UBUNTU_RELEASES, type UbuntuRelease } from './releases.js';

export { UBUNTU_RELEASES, UBUNTU_LTS_RELEASES, DEFAULT_UBUNTU_RELEASE, type UbuntuRelease } from './releases.js';
export { UBUNTU_ARCHIVE_KEYRING, UBUNTU_CLOUD_IMAGE_KEYRING } from './keys.js';

const KERNELS = ['linux-image-generic', 'linux-image-virtual', 'linux-image-kvm', 'linux-image-hwe'] as const;
/** linux-image-hwe is a metapackage named after the release's version, on LTS releases only. */
const hweKernels = Object.fromEntries(
  UBUNTU_LTS_RELEASES.map((release) => [
    `linux-image-generic-hwe-${UBUNTU_RELEASES[release]}`,
    { when: ['DIB_UBUNTU_KERNEL = linux-image-hwe', `DIB_RELEASE = ${release}`] },
  ]),
);

export default defineElement({
  name: 'ubuntu-common',
  description: 'What the Ubuntu elements share: release, archive components and mirror, the kernel choice, Ubuntu keys',
  dependencies: ['dpkg', 'pkg-map', 'package-installs'],
  errors: ERRORS,
  hooks: { root: [{ name: '00-ubuntu-kernel-choice', run: checkKernelChoice }] },
  env: {
    DISTRO_NAME: { description: 'Distribution name, for pkg-map and caches', default: 'ubuntu' },
    DIB_RELEASE: {
      description: `Ubuntu release codename: ${Object.keys(UBUNTU_RELEASES).join(', ')}`,
      default: DEFAULT_UBUNTU_RELEASE,
      schema: z.enum(Object.keys(UBUNTU_RELEASES) as [UbuntuRelease, ...UbuntuRelease[]], {
        error: `an Ubuntu release this version of ubuntu-common knows: ${Object.keys(UBUNTU_RELEASES).join(', ')}`,
      }),
    },
    DIB_DISTRIBUTION_MIRROR: {
      description:
        "Ubuntu archive mirror URL; the image's apt sources for Ubuntu's own archive hosts are pointed at it. Unset: the bootstrap tool's default, the cloud image's own sources",
    },
    DIB_DISTRIBUTION_MIRROR_UBUNTU_IGNORE: { description: 'Extended regular expression: apt source lines matching it keep their URL' },
    DIB_DISTRIBUTION_MIRROR_UBUNTU_INSECURE: { description: 'Non-empty: apt in the image accepts unsigned repositories (a mirror without signatures)' },
    DIB_DEBIAN_COMPONENTS: {
      description: 'Archive components, comma separated (DIB_DEBIAN_COMPONENTS_WS: the same, space separated)',
      default: 'main,universe',
    },
    DIB_UBUNTU_KERNEL: {
      description: 'Kernel flavour: linux-image-generic, linux-image-virtual, linux-image-kvm (not arm64) or linux-image-hwe (LTS releases)',
      default: 'linux-image-generic',
      schema: z.enum(KERNELS),
    },
    DIB_INIT_SYSTEM: { description: "The image's init system, as classic elements read it", default: 'systemd', schema: z.enum(['systemd']) },
    EFI_BOOT_DIR: { description: "Directory on the ESP holding the distribution's own EFI boot files", default: 'EFI/ubuntu' },
  },
  packages: {
    'linux-image-generic': { when: ['DIB_UBUNTU_KERNEL = linux-image-generic'] },
    'linux-image-virtual': { when: ['DIB_UBUNTU_KERNEL = linux-image-virtual'] },
    'linux-image-kvm': { when: ['DIB_UBUNTU_KERNEL = linux-image-kvm'], notArch: ['arm64'] },
    ...hweKernels,
    'initramfs-tools': null,
  },
});
