import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'runtime-ssh-host-keys',
  description: 'Removes the SSH host keys from the image; a unit makes new ones at first boot, before the SSH server starts (Debian, Ubuntu)',
  dependencies: ['dib-init-system', 'install-static', 'package-installs'],
  packages: { 'openssh-client': null },
  pkgMap: {
    family: {
      redhat: { 'openssh-client': 'openssh' },
      suse: { 'openssh-client': 'openssh' },
      gentoo: { 'openssh-client': '' },
    },
  },
});
