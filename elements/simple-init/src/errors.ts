import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_SIMPLE_INIT_UNSUPPORTED: {
    title: 'simple-init cannot configure the network of this image this way',
    hint: 'On the redhat and suse families set DIB_SIMPLE_INIT_NETWORKMANAGER=1 (ifupdown is Debian and Ubuntu only); simple-init needs systemd (DIB_INIT_SYSTEM=systemd).',
  },
});
