import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { unpackRhelGuestImage } from './cloud-image.js';
import { ERRORS } from './errors.js';
import { checkRegistration } from './registration.js';

export { RHEL_ARCHES } from './cloud-image.js';
export { registrationProblem } from './registration.js';

const reg = (description: string, secret = false) => ({ description, ...(secret ? { secret } : {}) });

export default defineElement({
  name: 'rhel',
  description: 'Red Hat Enterprise Linux from the KVM guest image you supply, registered with subscription-manager for the build and unregistered at the end',
  dependencies: ['yum', 'cloud-image', 'pkg-map', 'package-installs'],
  provides: ['operating-system'],
  errors: ERRORS,
  env: {
    DISTRO_NAME: { description: 'Distribution name, for pkg-map and caches', default: 'rhel' },
    DIB_RELEASE: {
      description: 'RHEL major release (9, 10), or major.minor',
      default: '9',
      schema: z.string().regex(/^[1-9][0-9]*(\.[0-9]+)?$/, 'a RHEL release such as 9 or 9.6'),
    },
    DIB_CLOUD_IMAGES: { description: 'Your mirror of the guest image (Red Hat publishes it behind a login); with BASE_IMAGE_FILE' },
    BASE_IMAGE_FILE: { description: 'The guest image file on DIB_CLOUD_IMAGES, listed in its SHA256SUMS' },
    DIB_INIT_SYSTEM: { description: "The image's init system, as classic elements read it", default: 'systemd', schema: z.enum(['systemd']) },
    EFI_BOOT_DIR: { description: "Directory on the ESP holding the distribution's own EFI boot files", default: 'EFI/redhat' },
    REG_METHOD: {
      description: 'portal (Red Hat), satellite, or disable; unset: no registration',
      schema: z.enum(['portal', 'satellite', 'disable']),
    },
    REG_USER: reg('Red Hat account user name'),
    REG_PASSWORD: reg('Its password (never logged, never in the image)', true),
    REG_ACTIVATION_KEY: reg('Activation key, instead of user and password (never logged, never in the image)', true),
    REG_ORG: reg('Organisation the activation key belongs to'),
    REG_POOL_ID: reg('Subscription pool to attach, without REG_AUTO_ATTACH'),
    REG_AUTO_ATTACH: reg('Attach the best subscription automatically (any value)'),
    REG_SERVICE_LEVEL: reg('Service level for REG_AUTO_ATTACH'),
    REG_RELEASE: reg('Pin a minor release (9.4); enables the EUS repositories'),
    REG_REPOS: reg('Comma-separated repositories to enable instead of BaseOS and AppStream'),
    REG_BASE_URL: reg('Content base URL'),
    REG_SERVER_URL: reg('Entitlement server URL'),
    REG_ENVIRONMENT: reg('Content environment'),
    REG_FORCE: reg('Register even if already registered (any value)'),
    REG_MACHINE_NAME: reg('Consumer name shown in the portal'),
    REG_TYPE: reg('Consumer type'),
    REG_SAT_URL: reg('Satellite URL, for REG_METHOD=satellite'),
    REG_SAT_CERT: { description: "The Satellite's consumer RPM under REG_SAT_URL/pub", default: 'katello-ca-consumer-latest.noarch.rpm' },
    REG_HALT_UNREGISTER: reg('Leave the image registered at the end (any value)'),
  },
  hooks: {
    root: [
      { name: '00-rhel-registration-check', run: checkRegistration },
      { name: '10-rhel-cloud-image', run: unpackRhelGuestImage },
    ],
  },
});
