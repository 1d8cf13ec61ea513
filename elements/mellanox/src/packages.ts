/**
 * The InfiniBand/RDMA userland by generic name, and what each name is per family. The
 * generic names are diskimage-builder's, so `pkg-map --element mellanox NAME` and
 * `install-packages -m mellanox NAME` in the chroot answer as they did there.
 */
import type { ElementManifestInput } from '@dib/core/element';

type Packages = NonNullable<ElementManifestInput['packages']>;
type PkgMap = NonNullable<ElementManifestInput['pkgMap']>;

const GENERIC_NAMES = [
  'dkms',
  'ibacm',
  'ibverbs-utils',
  'infiniband-diags',
  'libibcommon',
  'libibmad',
  'libibumad',
  'libibverbs',
  'libibverbs-runtime',
  'libmlx4',
  'libmlx5',
  'librdmacm',
  'librdmacm-dev',
  'librdmacm-runtime',
  'mstflint',
  'opensm',
  'pciutils',
  'perftest',
  'qperf',
  'rdma',
  'rpm-build',
  'srptools',
  'vlan',
] as const;

export const PACKAGES: Packages = Object.fromEntries(GENERIC_NAMES.map((name) => [name, null]));

export const PKG_MAP: PkgMap = {
  family: {
    // Debian 12 (bookworm) names; rdma-core builds them all from one source. dkms and
    // librdmacm-dev fall to the default "": the kernel's own drivers need no module
    // build, and headers are for compiling, not for running.
    debian: {
      ibacm: 'ibacm',
      'ibverbs-utils': 'ibverbs-utils',
      libibmad: 'libibmad5',
      libibumad: 'libibumad3',
      libibverbs: 'libibverbs1',
      // The mlx4 and mlx5 verbs providers are one package; package-installs drops the repeat.
      libmlx4: 'ibverbs-providers',
      libmlx5: 'ibverbs-providers',
      librdmacm: 'librdmacm1',
      rdma: 'rdma-core rdmacm-utils',
      vlan: 'vlan',
    },
    redhat: {
      libibverbs: 'libibverbs.*',
      librdmacm: 'librdmacm.*',
      libmlx4: 'libmlx4.*',
      libmlx5: 'libmlx5.*',
      libibmad: 'libibmad.*',
      libibumad: 'libibumad.*',
      rdma: 'rdma',
      qperf: 'qperf',
      pciutils: 'pciutils',
    },
    suse: {
      libibverbs: 'libibverbs',
      librdmacm: 'librdmacm',
      libmlx4: 'libmlx4',
      libmlx5: 'libmlx5',
      libibmad: 'libibmad',
      libibumad: 'libibumad',
      rdma: 'rdma',
      qperf: 'qperf',
      'rpm-build': 'rpm-build',
      'libibverbs-runtime': 'libibverbs-runtime',
      'librdmacm-runtime': 'librdmacm-runtime',
      libibcommon: 'libibcommon',
    },
  },
  // Every family: the tools keep their names; the rest only where a family names them.
  default: {
    'infiniband-diags': 'infiniband-diags',
    mstflint: 'mstflint',
    opensm: 'opensm',
    perftest: 'perftest',
    srptools: 'srptools',
    ...Object.fromEntries(
      [
        'dkms',
        'ibacm',
        'ibverbs-utils',
        'libibcommon',
        'libibverbs-runtime',
        'librdmacm-dev',
        'librdmacm-runtime',
        'pciutils',
        'qperf',
        'rpm-build',
        'vlan',
      ].map((name) => [name, '']),
    ),
  },
};
