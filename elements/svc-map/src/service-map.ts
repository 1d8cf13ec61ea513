/**
 * svc-map files: each element may map generic service names to the names each distro
 * uses (`nova-api: { debian: nova-api, default: openstack-nova-api }`). They are read,
 * checked and merged on the host; the image gets one flat table for its distro.
 */
import { ElementError } from '@dib/core/element';
import type { DistroInfo } from '@dib/element-pkg-map';
import { parse } from 'yaml';
import { ERRORS } from './errors.js';

/** Service names as bin/svc-map can read them with plain sh, and any YAML reader as strings. */
const NAME = /^[A-Za-z0-9_.@:+-]+$/;

/** One element's svc-map file: service name -> { distro, family or "default" -> name }. */
export type ServiceMap = Record<string, Record<string, string>>;

export interface ElementServiceMap {
  element: string;
  file: string;
  services: ServiceMap;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks one svc-map file; `file` and `element` only name it in errors. */
export function parseServiceMap(text: string, file: string, element: string): ServiceMap {
  const invalid = (what: string) => new ElementError(ERRORS.DIB_E_SVC_MAP_INVALID, `${file} (element ${element}): ${what}`, { location: { file } });
  let data: unknown;
  try {
    data = parse(text);
  } catch (e) {
    throw invalid(`not valid YAML: ${(e as Error).message}`);
  }
  // An empty file maps nothing.
  if (data === null || data === undefined) return {};
  if (!isPlainObject(data)) throw invalid(`expected a mapping of service names, found ${describe(data)}`);
  const services: ServiceMap = {};
  for (const [service, mapping] of Object.entries(data)) {
    if (!NAME.test(service)) throw invalid(`service name "${service}" has characters other than letters, digits and . _ @ : + -`);
    if (!isPlainObject(mapping)) throw invalid(`${service}: expected a mapping of distro, family or "default" to a name, found ${describe(mapping)}`);
    const names: Record<string, string> = {};
    for (const [where, name] of Object.entries(mapping)) {
      if (typeof name !== 'string' || !NAME.test(name)) {
        throw invalid(`${service}.${where}: expected a service name of letters, digits and . _ @ : + -, found ${describe(name)}`);
      }
      names[where] = name;
    }
    services[service] = names;
  }
  return services;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The most specific name for this distro: its own, its family's, the default, else the service's own name. */
export function nameFor(service: string, names: Record<string, string>, d: DistroInfo): string {
  for (const key of [d.distro, d.family, 'default']) if (key && Object.hasOwn(names, key)) return names[key];
  return service;
}

/** Every element's services resolved for one distro; a service mapped by two elements is an error naming both. */
export function mergeServiceMaps(maps: readonly ElementServiceMap[], d: DistroInfo): Map<string, string> {
  const merged = new Map<string, string>();
  const owner = new Map<string, ElementServiceMap>();
  for (const m of maps) {
    for (const [service, names] of Object.entries(m.services)) {
      const first = owner.get(service);
      if (first) {
        throw new ElementError(
          ERRORS.DIB_E_SVC_MAP_DUPLICATE,
          `service "${service}" is mapped by element ${first.element} (${first.file}) and by element ${m.element} (${m.file})`,
          { location: { file: m.file } },
        );
      }
      owner.set(service, m);
      merged.set(service, nameFor(service, names, d));
    }
  }
  return merged;
}

/**
 * The image's /usr/share/svc-map/services: YAML, one `"service": "name"` line per service,
 * sorted. Quoted so that YAML readers take every name as a string; `{}` when empty.
 */
export function renderServices(merged: ReadonlyMap<string, string>, header: string): string {
  const lines = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([s, n]) => `${JSON.stringify(s)}: ${JSON.stringify(n)}`);
  return `# ${header}\n${lines.length ? lines.join('\n') : '{}'}\n`;
}
