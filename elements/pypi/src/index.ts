import { defineElement } from '@dib/core/element';
import { z } from 'zod';

/** Where the local mirror is, under DIB_IMAGE_CACHE, and where the chroot sees it. */
export const LOCAL_MIRROR = { cache: 'pypi/mirror', target: '/tmp/pypi' } as const;

const mirrorUrl = z.string().regex(/^((https?|file):\/\/\S+)?$/, 'an http://, https:// or file:// URL (or empty for the local mirror)');

export default defineElement({
  name: 'pypi',
  description: 'pip in the image uses PyPI mirrors during the build (by default a local one from the image cache); the image keeps its own pip configuration',
  env: {
    DIB_PYPI_MIRROR_URL: {
      description:
        'First PyPI mirror (a PEP 503 "simple" index URL); DIB_PYPI_MIRROR_URL_1, _2, ... add more, in string order. Empty: the local mirror DIB_IMAGE_CACHE/pypi/mirror as file:///tmp/pypi',
      default: '',
      schema: mirrorUrl,
    },
    DIB_NO_PYPI_PIP: { description: 'Non-empty: pip uses the mirrors only, not its default public index (as with --offline)', default: '' },
    DIB_PIP_RETRIES: {
      description: "pip's retries per connection (empty: pip's own default); 0 makes a failing mirror fall through to the next at once",
      default: '',
      schema: z.string().regex(/^\d*$/, 'a whole number of retries, or empty'),
    },
  },
  // Mounted during pre-install, install and post-install only: finalise and the outputs never see it.
  cacheMounts: [LOCAL_MIRROR],
});
