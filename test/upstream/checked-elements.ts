/**
 * Upstream diskimage-builder elements that dib's integration tests build and check. The
 * upstream integration test imports this list, and tools/compat-table.mjs reads it (as
 * text) to mark these elements "built and checked" in docs/compatibility.md.
 */
export const CHECKED_UPSTREAM_ELEMENTS = [
  'dib-init-system',
  'install-static',
  'install-types',
  'source-repositories',
  'manifests',
  'devuser',
  'growroot',
  'dhcp-all-interfaces',
  'runtime-ssh-host-keys',
  'openssh-server',
  'cloud-init-datasources',
  'enable-serial-console',
  'modprobe',
  'sysctl',
  'svc-map',
  'journal-to-console',
  'cache-url',
  'local-config',
  'pip-and-virtualenv',
  'dib-python',
  'epel',
  'package-installs',
  'pkg-map',
] as const;

/**
 * Checked names whose upstream versions need upstream's python tooling (package-installs-v2,
 * pkg-map, svc-map's PyYAML, dib-python's links): the upstream test builds them with dib's
 * packages, as a user's build does. Every other checked element is upstream's copy.
 */
export const UPSTREAM_ELEMENTS_REPLACED_BY_DIB = ['package-installs', 'pkg-map', 'svc-map', 'dib-python'] as const;

/**
 * Upstream elements that plan but cannot build on Debian 12, with the reason (upstream
 * DIB fails on them the same way). tools/compat-table.mjs reads this (as text) too.
 */
export const UPSTREAM_ELEMENTS_FAILING_ON_DEBIAN_12: Record<string, string> = {
  'stable-interface-names': 'installs biosdevname, which Debian 12 does not package (upstream DIB fails the same way)',
};
