import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'dib-python',
  description: 'Links /usr/bin/dib-python to the image python for build scripts (removed at cleanup); exports DIB_PYTHON and DIB_PYTHON_VERSION',
  env: {
    // No default here: environment.d decides per distro when the user sets nothing.
    DIB_PYTHON_VERSION: {
      description:
        'Python major version (or major.minor) build scripts use: DIB_PYTHON=python$DIB_PYTHON_VERSION; 3 unless set, 2 on releases without python 3',
      schema: z.string().regex(/^\d+(\.\d+)?$/, 'a python version such as 3 or 3.11'),
    },
  },
});
