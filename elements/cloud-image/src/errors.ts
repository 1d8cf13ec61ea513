import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_CLOUD_IMAGE_DOWNLOAD: {
    title: 'A cloud image file could not be downloaded',
    hint: 'Check the URL (DIB_CLOUD_IMAGES, BASE_IMAGE_FILE, DIB_RELEASE) and the network or proxy; or use DIB_LOCAL_IMAGE.',
  },
  DIB_E_CLOUD_IMAGE_SIGNATURE: {
    title: 'The checksum file is not signed by the expected key',
    hint: 'Nothing was cached. If you use a private mirror, make sure it copies the checksum file and its signature unchanged, or give its key with DIB_CLOUD_IMAGE_KEYRING.',
  },
  DIB_E_CLOUD_IMAGE_CHECKSUM: {
    title: 'The downloaded image does not match the signed checksum',
    hint: 'Nothing was cached under the final name. The mirror may be mid-sync: retry later, or use another DIB_CLOUD_IMAGES.',
  },
  DIB_E_CLOUD_IMAGE_NOT_LISTED: {
    title: 'The checksum file does not list the image',
    hint: 'Check DIB_RELEASE, the architecture (-a) and BASE_IMAGE_FILE against the files the mirror publishes.',
  },
  DIB_E_CLOUD_IMAGE_OFFLINE: {
    title: 'An offline build needs a cached, verified cloud image',
    hint: 'Run the same build once without --offline (DIB_OFFLINE) to fill the cache, or use DIB_LOCAL_IMAGE.',
  },
  DIB_E_CLOUD_IMAGE_LOCAL_MISSING: {
    title: 'DIB_LOCAL_IMAGE names no readable file',
    hint: 'Give the path of a cloud image file on this host, or unset DIB_LOCAL_IMAGE to download one.',
  },
  DIB_E_CLOUD_IMAGE_FORMAT: {
    title: 'The image file is of a kind dib cannot unpack',
    hint: 'Use a squashfs or tar root filesystem, or a qcow2/raw disk whose root filesystem (ext4, xfs or btrfs) holds /etc/fstab.',
  },
  DIB_E_CLOUD_IMAGE_KEYRING: {
    title: 'The keyring to verify the checksum file with does not exist',
    hint: 'Point DIB_CLOUD_IMAGE_KEYRING at a binary OpenPGP keyring (.gpg), or unset it to use the key shipped with the element.',
  },
});
