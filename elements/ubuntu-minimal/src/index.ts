import { defineElement } from '@dib/core/element';
import { bootstrapUbuntu } from './bootstrap.js';
import { ERRORS } from './errors.js';

export default defineElement({
  name: 'ubuntu-minimal',
  description: 'A minimal Ubuntu root filesystem (minbase) bootstrapped from the archive with mmdebstrap or debootstrap, cached between builds',
  dependencies: ['ubuntu-common', 'dpkg', 'pkg-map', 'package-installs'],
  provides: ['operating-system'],
  errors: ERRORS,
  env: {
    DIB_UBUNTU_MIRROR_DISTS: {
      description: 'Suites beside the release in sources.list (RELEASE-DIST), comma separated',
      default: 'updates,security,backports',
    },
  },
  hostTools: [
    { anyOf: ['mmdebstrap', 'debootstrap'], apt: 'mmdebstrap', why: 'making the Ubuntu base tree' },
    // mmdebstrap only suggests it; its Ubuntu script names the default archive.
    { anyOf: ['debootstrap'], apt: 'debootstrap', why: 'naming the default Ubuntu archive (when DIB_DISTRIBUTION_MIRROR is unset)' },
  ],
  packages: {
    'systemd-sysv': null,
    netbase: null,
    'ca-certificates': null,
    busybox: null,
    sudo: null,
    zstd: null,
    'apt-utils': { phase: 'pre-install' },
  },
  hooks: { root: [{ name: '08-ubuntu-bootstrap', run: bootstrapUbuntu }] },
});
