import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_BASE_TREE_NOT_CACHED: {
    title: 'No cached base tree for an offline build',
    hint: 'Run the same build once without --offline to fill the cache (DIB_IMAGE_CACHE).',
  },
});
