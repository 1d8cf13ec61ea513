import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { ERRORS, SOURCE_REFUSED } from './errors.js';
import { checkInstallType } from './install-type.js';
import { PACKAGES, PKG_MAP } from './packages.js';

export { PACKAGES, PKG_MAP } from './packages.js';

export default defineElement({
  name: 'pip-and-virtualenv',
  description: "pip and virtualenv for the image's python (dib-python's), from the distribution's packages; exports DIB_PYTHON_PIP and DIB_PYTHON_VIRTUALENV",
  dependencies: ['dib-python', 'package-installs'],
  env: {
    DIB_INSTALLTYPE_pip_and_virtualenv: {
      description: 'package: pip and virtualenv from distribution packages (the only install type dib supports for this element)',
      default: 'package',
      schema: z.enum(['package', 'source']).refine((v) => v === 'package', SOURCE_REFUSED),
    },
    DIB_DISABLE_PIP_CLEANUP: {
      description: "1 keeps root's pip cache (~/.cache/pip) in the image; anything else removes it at post-install",
      default: '0',
    },
  },
  packages: PACKAGES,
  pkgMap: PKG_MAP,
  errors: ERRORS,
  hooks: { root: [{ name: '01-pip-and-virtualenv', run: checkInstallType }] },
});
