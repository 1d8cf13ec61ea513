import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { checkDatasources, DATASOURCE_LIST } from './datasources.js';
import { ERRORS } from './errors.js';

export default defineElement({
  name: 'cloud-init-datasources',
  description: 'Limits the data sources cloud-init queries at first boot to the comma-separated DIB_CLOUD_INIT_DATASOURCES (then None)',
  env: {
    // Required, as in diskimage-builder, but without a default: the root hook says so when it is missing.
    DIB_CLOUD_INIT_DATASOURCES: {
      description: 'Comma-separated cloud-init data sources to query at first boot, e.g. "Ec2" or "ConfigDrive, OpenStack" (required)',
      schema: z.string().regex(DATASOURCE_LIST, 'a comma-separated list of cloud-init datasource names such as "ConfigDrive, OpenStack"'),
    },
  },
  errors: ERRORS,
  hooks: { root: [{ name: '01-cloud-init-datasources', run: checkDatasources }] },
});
