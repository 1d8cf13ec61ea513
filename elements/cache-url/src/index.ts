import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'cache-url',
  description: 'Puts the cache-url command on PATH for every hook: downloads a URL into a cache file and revalidates it on later builds',
  dependencies: ['package-installs'],
  env: {
    DIB_OFFLINE: { description: 'Non-empty (--offline): cache-url uses the cached copy and never the network; it fails when there is none' },
  },
  // Host scripts (extra-data, root) call it as often as chroot scripts do.
  hostTools: [{ anyOf: ['curl'], apt: 'curl', why: 'cache-url downloads with curl' }],
  packages: { curl: null },
  pkgMap: { distro: { gentoo: { curl: 'net-misc/curl' } } },
});
