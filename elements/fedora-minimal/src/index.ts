import { defineElement } from '@dib/core/element';
import { bootstrapFedoraMinimal } from './bootstrap.js';
import { ERRORS } from './errors.js';

export { FEDORA_MINIMAL_PACKAGES } from './bootstrap.js';
export { fedoraBootstrapRepos } from './repos.js';

export default defineElement({
  name: 'fedora-minimal',
  description: "A minimal Fedora tree installed by the host's dnf from Fedora's repositories, every package's signature checked",
  dependencies: ['fedora-common'],
  provides: ['operating-system'],
  errors: ERRORS,
  env: {
    DIB_YUM_MINIMAL_BOOTSTRAP_REPOS: { description: "A directory of .repo files to bootstrap from, instead of Fedora's repositories" },
    DIB_YUM_MINIMAL_EXTRA_PACKAGES: { description: 'Packages installed with the bootstrap, beside the minimal set (space or comma separated)' },
  },
  hostTools: [{ anyOf: ['dnf'], apt: 'dnf', why: 'installing the Fedora tree from the host' }],
  hooks: { root: [{ name: '08-fedora-minimal-bootstrap', run: bootstrapFedoraMinimal }] },
});
