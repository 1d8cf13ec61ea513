import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HostHookContext } from '@dib/core/element';
import { distroFromEnv } from '@dib/element-pkg-map';
import { mergeServiceMaps, parseServiceMap, renderServices, type ElementServiceMap } from './service-map.js';

/** Where scripts in the image (and bin/svc-map) read the merged table, as in diskimage-builder. */
export const SERVICES_FILE = 'usr/share/svc-map/services';

/** extra-data: merges the svc-map file of every element of the build into the image's services table. */
export function writeServices(ctx: HostHookContext): void {
  const maps: ElementServiceMap[] = [];
  for (const el of ctx.elements) {
    const file = path.join(el.directory, 'svc-map');
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    maps.push({ element: el.name, file, services: parseServiceMap(readFileSync(file, 'utf8'), file, el.name) });
  }
  const distro = distroFromEnv(ctx.env);
  const merged = mergeServiceMaps(maps, distro);
  const target = path.join(ctx.targetRoot, SERVICES_FILE);
  mkdirSync(path.dirname(target), { recursive: true });
  const from = maps.map((m) => m.element).join(', ') || 'no element';
  const header = `Service names for ${distro.distro || '(no distro)'} (family ${distro.family || 'none'}) from the svc-map files of ${from}; written by dib's svc-map element.`;
  writeFileSync(target, renderServices(merged, header), { mode: 0o644 });
  ctx.log(`svc-map: ${merged.size} service name(s) from ${from} in /${SERVICES_FILE}`);
}
