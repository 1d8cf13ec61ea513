import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_CLOUD_INIT_DATASOURCES_UNSET: {
    title: 'DIB_CLOUD_INIT_DATASOURCES is not set',
    hint: 'Set DIB_CLOUD_INIT_DATASOURCES to the data sources cloud-init may use, comma separated (e.g. "ConfigDrive, OpenStack"), or leave the cloud-init-datasources element out.',
  },
  DIB_E_CLOUD_INIT_DATASOURCES_INVALID: {
    title: 'DIB_CLOUD_INIT_DATASOURCES is not a list of datasource names',
    hint: 'An environment.d fragment of the build changed DIB_CLOUD_INIT_DATASOURCES into something that is not a comma-separated list of names (letters and digits, e.g. "Ec2, NoCloud"); fix the fragment.',
  },
});
