import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'local-config',
  description:
    "Copies the builder's ~/.ssh/authorized_keys into the image for a user, and the build's http_proxy, https_proxy and no_proxy into the package managers' settings",
  dependencies: ['package-installs'],
  env: {
    DIB_LOCAL_CONFIG_USERNAME: {
      description: "User of the image whose ~/.ssh/authorized_keys gets the builder's keys (root: /root, others: /home/NAME)",
      default: 'root',
      schema: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name: lower-case letters, digits, "_" and "-", starting with a letter or "_"'),
    },
  },
});
