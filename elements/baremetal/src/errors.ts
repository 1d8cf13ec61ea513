import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_NO_KERNEL: {
    title: 'The image has no kernel with an initramfs',
    hint: 'baremetal needs an operating-system element that installs a kernel and builds its initramfs (debian-minimal does).',
  },
});
