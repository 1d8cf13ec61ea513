import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { checkBinaries } from './check-binaries.js';
import { ERRORS } from './errors.js';
import { createRamdisk } from './create-ramdisk.js';

export default defineElement({
  name: 'ramdisk-base',
  description:
    'Turns the image tree into a kernel + initramfs pair: binary-deps.d executables with their libraries, init.d fragments, udev.d rules, kernel modules',
  packages: {
    busybox: null,
    udev: null,
    kmod: null,
  },
  env: {
    DIB_RAMDISK_COMPRESSION: {
      description: 'initramfs compression: auto (zstd when the kernel unpacks it, else gzip), zstd, gzip, xz or none',
      default: 'auto',
      schema: z.enum(['auto', 'zstd', 'gzip', 'xz', 'none']),
    },
    DIB_RAMDISK_MODULES_EXCLUDE: {
      description: 'Module trees left out of the ramdisk, relative to /lib/modules/VERSION, space separated',
      default: [
        'kernel/sound',
        'kernel/drivers/gpu',
        'kernel/drivers/media',
        'kernel/drivers/staging',
        'kernel/drivers/iio',
        'kernel/drivers/comedi',
        'kernel/drivers/bluetooth',
        'kernel/drivers/net/wireless',
        'kernel/drivers/input/joystick',
        'kernel/drivers/input/touchscreen',
        'kernel/net/bluetooth',
        'kernel/net/mac80211',
        'kernel/net/wireless',
      ].join(' '),
    },
    DIB_RAMDISK_EXTRA_LIBRARIES: {
      description: 'Libraries (sonames) copied into the ramdisk with their dependencies although no executable links them: ones loaded at run time with dlopen',
      default: 'libkmod.so.2',
    },
    DIB_RAMDISK_UDEV_RULES: {
      description: "The image's udev rules copied into the ramdisk (names without .rules), space separated; elements add their own with udev.d",
      default: '50-udev-default 60-block 60-persistent-storage 80-drivers',
    },
  },
  hostTools: [
    { anyOf: ['cpio'], apt: 'cpio', why: 'packing the initramfs' },
    { anyOf: ['zstd'], apt: 'zstd', why: 'compressing the initramfs (DIB_RAMDISK_COMPRESSION=auto picks zstd when the kernel unpacks it)' },
  ],
  outputs: [
    { name: 'kernel', description: 'the kernel the ramdisk was made for (boot it with -kernel, or from PXE)' },
    { name: 'initramfs', description: 'the ramdisk: a compressed newc cpio archive with /init' },
  ],
  // Every element in the build may add to the ramdisk with files in these directories.
  dataDirs: ['binary-deps.d', 'init.d', 'udev.d'],
  makes: ['ramdisk'],
  errors: ERRORS,
  hooks: {
    'post-root': [{ name: '01-ramdisk-binaries', run: checkBinaries }],
    cleanup: [{ name: '99-ramdisk-create', run: createRamdisk }],
  },
});
