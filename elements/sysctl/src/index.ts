import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'sysctl',
  description: 'Gives chroot hooks sysctl-write-value and sysctl-set-value: a kernel parameter for every boot of the image, in /etc/sysctl.d/NAME.conf',
});
