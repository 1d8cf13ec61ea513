import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'disable-nouveau',
  description: "Blacklists the nouveau driver and turns its modesetting off (modprobe.d), and leaves it out of dracut's initramfs",
  dependencies: ['modprobe'],
});
