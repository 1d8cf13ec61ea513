import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'manifests',
  description:
    'Creates the manifests directory in the image early (extra-data), records DIB_ENV in it and locks it down at cleanup; dib copies it beside the image as IMAGE_NAME.d',
  env: {
    DIB_MANIFEST_SAVE_DIR: {
      description:
        'Another directory (absolute) to copy the manifests into at cleanup, as DIR/dib-manifests; empty: only IMAGE_NAME.d, which dib always writes',
      default: '',
      schema: z.string().regex(/^(\/.*)?$/, 'an absolute path, or empty'),
    },
  },
});
