import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_BASE_TREE_NOT_CACHED: {
    title: 'No cached base tree for an offline build',
    hint: 'Run the same build once without --offline to fill the cache (DIB_IMAGE_CACHE).',
  },
  DIB_E_BASE_TREE_DAMAGED: {
    title: 'The cached base tree is damaged and the build is offline',
    hint: 'Run the build once without --offline: the damaged tree is removed and made again. Or delete the named file and its .sha256.',
  },
  DIB_E_APT_KEYRING_MISSING: {
    title: 'The archive keyring does not exist',
    hint: "Point DIB_APT_KEYRING at an OpenPGP keyring file holding the archive's signing key (binary .gpg or armored .asc).",
  },
});
