import { defineElement } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { writeServices } from './write-services.js';

export { mergeServiceMaps, nameFor, parseServiceMap, renderServices, type ElementServiceMap, type ServiceMap } from './service-map.js';
export { SERVICES_FILE } from './write-services.js';

export default defineElement({
  name: 'svc-map',
  description: "Maps generic service names to the distribution's names from every element's svc-map file; provides bin/svc-map in the chroot",
  env: {
    DIB_DISTRO_FAMILY: { description: 'Distribution family used for mapping; derived from DISTRO_NAME when unset' },
  },
  errors: ERRORS,
  hooks: { 'extra-data': [{ name: '10-svc-map-services', run: writeServices }] },
});
