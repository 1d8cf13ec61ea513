import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'selinux-permissive',
  description: 'Puts SELinux in permissive mode (SELINUX=permissive in /etc/selinux/config), for debugging policy denials',
});
