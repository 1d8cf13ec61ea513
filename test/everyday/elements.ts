/**
 * dib's everyday element packages (issue 12, item 4) and the packages beside them, built
 * together by test/everyday-elements and planned from the registry by test/registry.
 */
export const EVERYDAY_ELEMENTS = [
  'dib-init-system',
  'install-static',
  'install-types',
  'svc-map',
  'dib-python',
  'pip-and-virtualenv',
  'cache-url',
  'manifests',
  'devuser',
  'cloud-init-datasources',
  'growroot',
  'dhcp-all-interfaces',
  'enable-serial-console',
  'runtime-ssh-host-keys',
  'openssh-server',
  'dynamic-login',
  'modprobe',
  'sysctl',
  'selinux-permissive',
  'stable-interface-names',
  'journal-to-console',
  'disable-nouveau',
  'local-config',
  'source-repositories',
  'pypi',
  'mellanox',
];

/** The two that cannot be in that build: no-final-image makes no disk, simple-init replaces dhcp-all-interfaces. */
export const EVERYDAY_ELEMENTS_ELSEWHERE = ['simple-init', 'no-final-image'];
