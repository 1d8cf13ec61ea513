import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineElement } from '@dib/core/element';
import { distroFromEnv, flattenMap } from './map.js';

export { mapPackage, flattenMap, familyOf, distroFromEnv, type DistroInfo } from './map.js';

export default defineElement({
  name: 'pkg-map',
  description: 'Maps generic package names to distribution names (pkg-map); provides bin/pkg-map in the chroot',
  env: {
    DIB_DISTRO_FAMILY: { description: 'Distribution family used for mapping; derived from DISTRO_NAME when unset' },
  },
  hooks: {
    'extra-data': [
      {
        name: '10-pkg-map-tables',
        // Flattened per-element tables, so in-chroot scripts can map names without Node or Python.
        run: (ctx) => {
          const dir = path.join(ctx.hooksPath, 'pkg-map');
          mkdirSync(dir, { recursive: true });
          const distro = distroFromEnv(ctx.env);
          for (const el of ctx.elements) {
            const rows = flattenMap(el.manifest.pkgMap, distro);
            if (rows.length) writeFileSync(path.join(dir, el.name), rows.map(([from, to]) => `${from}\t${to}`).join('\n') + '\n');
          }
          ctx.log(`pkg-map tables for ${distro.distro || '(no distro)'} ${distro.release} (family ${distro.family})`);
        },
      },
    ],
  },
});
