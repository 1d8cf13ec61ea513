import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_RAMDISK_BINARY_MISSING: {
    title: 'A binary the ramdisk needs is not in the image',
    hint: "Install the package that provides it (package-installs or -p), or remove the name from the element's binary-deps.d.",
  },
  DIB_E_NO_KERNEL: {
    title: 'The image has no kernel to boot the ramdisk with',
    hint: 'Use an operating-system element that installs a kernel (debian-minimal installs linux-image-*).',
  },
});
