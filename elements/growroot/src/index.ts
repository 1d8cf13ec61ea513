import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'growroot',
  description: 'Grows the root partition to the end of its disk at boot (growpart), then the root filesystem (ext2/3/4, xfs, btrfs)',
  dependencies: ['dib-init-system', 'install-static', 'package-installs'],
  packages: { growpart: null, e2fsprogs: null },
  pkgMap: {
    family: {
      debian: { growpart: 'cloud-guest-utils' },
      redhat: { growpart: 'cloud-utils-growpart' },
      suse: { growpart: 'growpart' },
      gentoo: { growpart: 'sys-fs/growpart', e2fsprogs: 'sys-fs/e2fsprogs' },
    },
  },
});
