import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineElement } from '@dib/core/element';
import { distroFromEnv } from './map.js';

export { mapPackage, familyOf, majorRelease, distroFromEnv, type DistroInfo } from './map.js';

/** Where bin/pkg-map finds an element's map in the image, as in DIB. */
export const PKG_MAP_DIR = 'usr/share/pkg-map';

export default defineElement({
  name: 'pkg-map',
  description: 'Maps generic package names to distribution names (pkg-map); provides bin/pkg-map in the chroot',
  env: {
    DIB_DISTRO_FAMILY: { description: 'Distribution family used for mapping; derived from DISTRO_NAME when unset' },
  },
  hooks: {
    'extra-data': [
      {
        name: '10-pkg-map-files',
        // Each element's map as JSON in the image, where DIB puts it, for bin/pkg-map.
        run: (ctx) => {
          const dir = path.join(ctx.targetRoot, PKG_MAP_DIR);
          mkdirSync(dir, { recursive: true });
          const mapped = ctx.elements.filter((el) => el.manifest.pkgMap);
          for (const el of mapped) writeFileSync(path.join(dir, el.name), `${JSON.stringify(el.manifest.pkgMap, null, 2)}\n`);
          const d = distroFromEnv(ctx.env);
          ctx.log(`pkg-map: maps of ${mapped.length} element(s) in /${PKG_MAP_DIR} (${d.distro || 'no distro'} ${d.release}, family ${d.family})`);
        },
      },
    ],
  },
});
