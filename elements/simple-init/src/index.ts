import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { checkSimpleInit } from './check.js';
import { ERRORS } from './errors.js';

export default defineElement({
  name: 'simple-init',
  description:
    "At every boot: network, hostname and root's SSH keys from an OpenStack config drive, else DHCP on every interface; with ifupdown or NetworkManager, no glean",
  dependencies: ['cloud-init-datasources', 'dib-init-system', 'package-installs', 'runtime-ssh-host-keys'],
  env: {
    // No default here: environment.d decides per distro when the user sets nothing.
    DIB_SIMPLE_INIT_NETWORKMANAGER: {
      description:
        '0: configure interfaces with ifupdown (Debian, Ubuntu); anything else: with NetworkManager keyfiles. Default 1 on the redhat family, 0 elsewhere',
      schema: z.string().regex(/^\d+$/, 'a number: 0 for ifupdown, 1 for NetworkManager'),
    },
  },
  packages: {
    jq: null,
    'dhcp-client': { when: ['DIB_SIMPLE_INIT_NETWORKMANAGER = 0'] },
    ifupdown: { when: ['DIB_SIMPLE_INIT_NETWORKMANAGER = 0'] },
    NetworkManager: { when: ['DIB_SIMPLE_INIT_NETWORKMANAGER != 0'] },
  },
  pkgMap: {
    family: {
      debian: { 'dhcp-client': 'isc-dhcp-client', ifupdown: 'ifupdown', NetworkManager: 'network-manager' },
      redhat: { 'dhcp-client': 'dhclient' },
      suse: { 'dhcp-client': 'dhcp-client' },
    },
    default: { ifupdown: '' },
  },
  // simple-init.d/simple-init is the boot-time script install.d/50-simple-init installs.
  dataDirs: ['simple-init.d'],
  errors: ERRORS,
  hooks: { root: [{ name: '02-simple-init', run: checkSimpleInit }] },
});
