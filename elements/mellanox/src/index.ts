import { defineElement } from '@dib/core/element';
import { PACKAGES, PKG_MAP } from './packages.js';

export { PACKAGES, PKG_MAP } from './packages.js';

export default defineElement({
  name: 'mellanox',
  description: 'Mellanox InfiniBand/RDMA support: the verbs userland and tools, the kernel modules loaded at boot, a udev rule; in ramdisks too',
  dependencies: ['package-installs'],
  packages: PACKAGES,
  pkgMap: PKG_MAP,
  // install.d/65-mellanox installs this element's udev.d rule into the image, so the
  // directory must be in the hook tree of every build, not only of ramdisk builds.
  dataDirs: ['udev.d'],
});
