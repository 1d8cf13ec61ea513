import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { bootstrapDebian } from './bootstrap.js';
import { isKnownRelease, RELEASE_HELP } from './releases.js';

export default defineElement({
  name: 'debian-minimal',
  description: 'A minimal Debian root filesystem (minbase) made with mmdebstrap or debootstrap, cached between builds',
  dependencies: ['dpkg', 'pkg-map', 'package-installs'],
  provides: ['operating-system'],
  env: {
    DISTRO_NAME: { description: 'Distribution name, for pkg-map and caches', default: 'debian' },
    DIB_RELEASE: {
      description: 'Debian release codename',
      default: 'bookworm',
      schema: z.string().refine(isKnownRelease, RELEASE_HELP),
    },
    DIB_DISTRIBUTION_MIRROR: { description: "Debian mirror URL; unset means the bootstrap tool's own default" },
    DIB_DEBIAN_SECURITY_MIRROR: { description: 'Security archive URL; default: "-security" beside the main mirror' },
    DIB_DEBIAN_COMPONENTS: { description: 'Archive components, comma separated (DIB_DEBIAN_COMPONENTS_WS: the same, space separated)', default: 'main' },
    // The facts classic (upstream) elements read from the operating-system element.
    DIB_INIT_SYSTEM: { description: "The image's init system, as classic elements read it", default: 'systemd', schema: z.enum(['systemd']) },
    EFI_BOOT_DIR: { description: "Directory on the ESP holding the distribution's own EFI boot files", default: 'EFI/debian' },
  },
  hostTools: [{ anyOf: ['mmdebstrap', 'debootstrap'], apt: 'mmdebstrap', why: 'making the Debian base tree' }],
  packages: {
    'linux-image-amd64': { arch: ['amd64'] },
    'linux-image-arm64': { arch: ['arm64'] },
    'linux-image-686': { arch: ['i386'] },
    'systemd-sysv': null,
    'initramfs-tools': null,
    netbase: null,
    'ca-certificates': null,
    adduser: null,
    // initramfs-tools compresses with zstd when it is there: faster and smaller than gzip.
    zstd: null,
    'apt-utils': { phase: 'pre-install' },
  },
  hooks: { root: [{ name: '08-debian-bootstrap', run: bootstrapDebian }] },
});
