import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { ERRORS } from './errors.js';

export { provideCloudImage, type CloudImageSource } from './fetch-image.js';
export { newestListed, linkedNames, type ListingQuery, type ListedFile } from './listing.js';
export { byVersion } from './versions.js';
export { unpackImage, imageKind, type ImageKind } from './unpack.js';
export { parseSha256Sums } from './checksums.js';
export { type ChecksumSignature } from './signature.js';
export { ERRORS as CLOUD_IMAGE_ERRORS } from './errors.js';

export default defineElement({
  name: 'cloud-image',
  description:
    "Downloads a distribution's cloud image into the image cache, checks its checksum file's OpenPGP signature and the image's sha256, and unpacks it (used by ubuntu)",
  errors: ERRORS,
  env: {
    DIB_LOCAL_IMAGE: { description: 'A cloud image file on this host to use instead of downloading one (not checked against a published checksum)' },
    DIB_CLOUD_IMAGE_KEYRING: {
      description: "Binary OpenPGP keyring the checksum file must be signed with; default: the distribution's key shipped with its element",
    },
    DIB_CLOUD_IMAGE_VERIFY: {
      description: "signature: the checksum file's signature and the image's checksum; checksum: the checksum only (a private mirror without signatures)",
      default: 'signature',
      schema: z.enum(['signature', 'checksum']),
    },
  },
  hostTools: [
    { anyOf: ['curl'], apt: 'curl', why: 'downloading cloud images and their checksum files' },
    { anyOf: ['gpgv'], apt: 'gpgv', why: "checking the checksum file's signature" },
    { anyOf: ['unsquashfs'], apt: 'squashfs-tools', why: 'unpacking squashfs cloud images' },
    { anyOf: ['qemu-img'], apt: 'qemu-utils', why: 'reading qcow2 guest images' },
    { anyOf: ['sfdisk'], apt: 'fdisk', why: "reading a guest image's partition table" },
  ],
});
