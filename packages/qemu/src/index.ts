/** @dib/qemu: boot an image (or a kernel and ramdisk) under QEMU and read its serial console; used by `dib boot-test` and @dib/testing. */
export { bootImage, findOvmf, kvmUsable, LOGIN_PROMPT, consoleTail, type BootOptions, type BootResult, type BootDisk, type BootStep } from './qemu.js';
export { BOOTABLE_ARCHES, findFirmware, machineFor, MACHINES, type Machine } from './machines.js';
