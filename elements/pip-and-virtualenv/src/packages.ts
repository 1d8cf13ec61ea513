/**
 * diskimage-builder's generic package names and map for pip-and-virtualenv (so
 * `pkg-map --element pip-and-virtualenv NAME` answers as there), less the development
 * headers it installs for the source install type only.
 */
import type { ElementManifestInput } from '@dib/core/element';

type Packages = NonNullable<ElementManifestInput['packages']>;
type PkgMap = NonNullable<ElementManifestInput['pkgMap']>;

export const PACKAGES: Packages = {
  // openSUSE splits core modules out of its python packages; they are needed early.
  'python-xml': { phase: 'pre-install', pythonVersion: '2' },
  python3: { phase: 'pre-install', installType: 'package', pythonVersion: '3' },
  'python-pip': { installType: 'package', pythonVersion: '2' },
  'python3-pip': { installType: 'package', pythonVersion: '3' },
  'python-virtualenv': { installType: 'package', pythonVersion: '2' },
  'python3-virtualenv': { installType: 'package', pythonVersion: '3' },
  // "python3 -m venv" needs ensurepip, a package of its own on Debian and Ubuntu.
  'python3-venv': { pythonVersion: '3' },
};

export const PKG_MAP: PkgMap = {
  family: {
    debian: { 'python3-venv': 'python3-venv' },
    gentoo: {
      'python-pip': 'dev-python/pip',
      'python3-pip': 'dev-python/pip',
      'python-virtualenv': 'dev-python/virtualenv',
      'python3-virtualenv': 'dev-python/virtualenv',
    },
    suse: { 'python-xml': 'python-xml', python3: 'python3' },
  },
  default: { 'python-xml': '', python3: '', 'python3-venv': '' },
};
