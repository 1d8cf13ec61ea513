import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'dynamic-login',
  description: 'At boot, sets the root password hash (rootpwd=) and root SSH key (sshkey=) given on the kernel command line, for troubleshooting',
  dependencies: ['dib-init-system', 'install-static', 'openssh-server'],
});
