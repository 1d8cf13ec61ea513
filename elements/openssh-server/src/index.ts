import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'openssh-server',
  description: 'Installs the OpenSSH server, starts it at boot, and limits it to strong key exchange, cipher and MAC algorithms',
  dependencies: ['dib-init-system', 'package-installs', 'runtime-ssh-host-keys'],
  env: {
    DIB_OPENSSH_SERVER_HARDENING: {
      description: '1: limit sshd to strong KexAlgorithms, Ciphers and MACs; 0: leave its configuration as the package has it',
      default: '1',
      schema: z.enum(['0', '1']),
    },
  },
  packages: { 'openssh-server': null },
  pkgMap: { family: { suse: { 'openssh-server': 'openssh' }, gentoo: { 'openssh-server': 'openssh' } } },
});
