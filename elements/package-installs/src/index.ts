import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defineElement } from '@dib/core/element';
import { distroFromEnv } from '@dib/element-pkg-map';
import { collectPackages } from './collect.js';
import { ERRORS } from './errors.js';

export { collectPackages, type PlannedPackage } from './collect.js';
export { installTypeOf } from './conditions.js';
export { ERRORS } from './errors.js';

export default defineElement({
  name: 'package-installs',
  description: 'Installs and removes the packages each element declares, at the start (install) or end (uninstall) of pre-install, install and post-install',
  dependencies: ['pkg-map'],
  installsPackages: true,
  errors: ERRORS,
  hooks: {
    'extra-data': [
      {
        name: '20-package-installs-lists',
        run: (ctx) => {
          const planned = collectPackages(ctx.elements, ctx.env, ctx.arch, distroFromEnv(ctx.env));
          const dir = path.join(ctx.hooksPath, 'package-installs');
          mkdirSync(dir, { recursive: true });
          for (const phase of ['pre-install', 'install', 'post-install'] as const) {
            for (const action of ['install', 'uninstall'] as const) {
              const names = [...new Set(planned.filter((p) => p.phase === phase && p.action === action).map((p) => p.name))];
              writeFileSync(path.join(dir, `${phase}.${action}`), names.length ? `${names.join('\n')}\n` : '');
            }
          }
          writeFileSync(path.join(dir, 'packages.json'), JSON.stringify(planned, null, 2));
          ctx.log(`package-installs: ${planned.length} package actions from ${new Set(planned.map((p) => p.element)).size} sources`);
        },
      },
    ],
  },
});
