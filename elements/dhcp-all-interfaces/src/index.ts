import { defineElement } from '@dib/core/element';
import { z } from 'zod';

export default defineElement({
  name: 'dhcp-all-interfaces',
  description: 'Configures every network interface with a real MAC address and a link for DHCP (and IPv6 autoconfiguration) when it appears at boot',
  dependencies: ['dib-init-system', 'install-static', 'package-installs', 'pkg-map'],
  env: {
    DIB_DHCP_TIMEOUT: {
      description: 'Seconds to wait for a link and for a DHCP answer on each interface (the unit waits twice as long)',
      default: '30',
      schema: z.string().regex(/^[1-9]\d*$/, 'a whole number of seconds'),
    },
    // No default: NetworkManager's own client, or dhclient on Red Hat family, unless set.
    DIB_DHCP_CLIENT: { description: 'DHCP client NetworkManager uses, when the image has NetworkManager (internal, dhclient)' },
  },
  packages: { 'dhcp-client': null, ifupdown: null, ndisc6: null },
  pkgMap: {
    family: {
      debian: { ifupdown: 'ifupdown', ndisc6: 'ndisc6' },
      redhat: { 'dhcp-client': 'dhclient' },
      suse: { 'dhcp-client': 'dhcp-client' },
    },
    // ifupdown and ndisc6 only on Debian and Ubuntu, which configure interfaces with ifupdown.
    default: { 'dhcp-client': 'isc-dhcp-client', ifupdown: '', ndisc6: '' },
  },
});
