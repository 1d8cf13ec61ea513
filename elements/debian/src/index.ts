import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'debian',
  description: 'A Debian cloud image: debian-minimal plus openssh-server, cloud-init and the usual tools',
  dependencies: ['debian-minimal'],
  packages: {
    'openssh-server': null,
    'cloud-init': null,
    'cloud-initramfs-growroot': null,
    ifupdown: null,
    'isc-dhcp-client': null,
    sudo: null,
    less: null,
    curl: null,
    'bash-completion': null,
  },
});
