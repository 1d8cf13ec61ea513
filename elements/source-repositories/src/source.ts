/**
 * One source to fetch, whether it came from a classic `source-repository-*` line or a
 * package manifest's `sourceRepositories`, and what the caller's DIB_REPO* variables
 * make of it.
 */
import { ElementError, type SourceRepository } from '@dib/core/element';
import { ERRORS } from './errors.js';

export type SourceType = SourceRepository['type'];
const TYPES: readonly SourceType[] = ['git', 'tar', 'file', 'package'];

/** Where a source was declared: for messages, and so an element's file can replace an earlier one of the same name. */
export interface SourceOrigin {
  element: string;
  /** The classic file, or the package's manifest. */
  file: string;
  /** 1-based line of a classic file. */
  line?: number;
}

export interface Source {
  name: string;
  type: SourceType;
  /** Absolute path in the image ('' for the package type). */
  destination: string;
  location: string;
  ref: string;
  origin: SourceOrigin;
}

/** git without a ref takes master, as diskimage-builder does; tar extracts the contents of every top-level directory. */
const DEFAULT_REF: Record<SourceType, string> = { git: 'master', tar: '*', file: '', package: '' };

/** The fields of an expanded line: name, type, then an optional absolute destination, location and ref. */
const LINE = /^(\S+) (git|tar|file|package)(?: (\/\S+))?(?: (\S+))?(?: (\S+))?$/;

export const where = (o: SourceOrigin): string => `${o.file}${o.line ? `:${o.line}` : ''} (element ${o.element})`;

const invalid = (origin: SourceOrigin, what: string) =>
  new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_INVALID, `${where(origin)}: ${what}`, { location: { file: origin.file } });

/** Parses one line after variable expansion; blank lines and comments give undefined. */
export function parseLine(text: string, origin: SourceOrigin): Source | undefined {
  const line = text.trim().replace(/\s+/g, ' ');
  if (line === '' || line.startsWith('#')) return undefined;
  const m = LINE.exec(line);
  if (!m) throw invalid(origin, `"${line}" is not "<name> <git|tar|file|package> <destination> <location> [<ref>]"`);
  const [, name, type, destination = '', location = '', ref = ''] = m;
  return check({ name, type: type as SourceType, destination, location, ref: ref || DEFAULT_REF[type as SourceType], origin });
}

/** A manifest entry, its strings expanded from the environment. */
export function fromManifest(entry: SourceRepository, env: Readonly<Record<string, string>>, origin: SourceOrigin): Source {
  const x = (s: string | undefined) => (s === undefined ? '' : expandVariables(s, env, origin));
  return check({
    name: entry.name,
    type: entry.type,
    destination: x(entry.destination),
    location: x(entry.location),
    ref: x(entry.ref) || DEFAULT_REF[entry.type],
    origin,
  });
}

/** `$VAR` and `${VAR}` from the environment; an unset variable is an error, as under the classic scripts' `set -u`. */
export function expandVariables(text: string, env: Readonly<Record<string, string>>, origin: SourceOrigin): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = env[name];
    if (value === undefined) throw invalid(origin, `"${text}" names ${name}, which is not set`);
    return value;
  });
}

/** The variable suffix for a source name: anything but letters and digits becomes "_". */
export const variableName = (name: string): string => name.replace(/[^A-Za-z0-9]/g, '_');

/**
 * The caller's overrides: DIB_REPOTYPE_, DIB_REPOLOCATION_ and DIB_REPOREF_<name>; and
 * DIB_GITREPOBASE, which moves a git location to another host unless its location was
 * overridden by name.
 */
export function withOverrides(source: Source, env: Readonly<Record<string, string>>): Source {
  const suffix = variableName(source.name);
  const type = env[`DIB_REPOTYPE_${suffix}`] || source.type;
  const locationOverride = env[`DIB_REPOLOCATION_${suffix}`];
  let location = locationOverride || source.location;
  const base = env.DIB_GITREPOBASE;
  if (type === 'git' && !locationOverride && base) location = rebase(location, base);
  const ref = env[`DIB_REPOREF_${suffix}`] || source.ref;
  return check({ ...source, type: type as SourceType, location, ref });
}

/** `scheme://host/[~user/]path` becomes `BASE` + path, as diskimage-builder rewrites it. */
export function rebase(location: string, base: string): string {
  const m = /^[^:]+:\/\/[^/]+\/(?:~[^/]+\/)?(.*)$/.exec(location);
  return m ? `${base}${m[1]}` : location;
}

/** The install type that decides whether the source is fetched: DIB_INSTALLTYPE_<name>, else DIB_DEFAULT_INSTALLTYPE. */
export const installTypeOf = (source: Source, env: Readonly<Record<string, string>>): string =>
  env[`DIB_INSTALLTYPE_${variableName(source.name)}`] || env.DIB_DEFAULT_INSTALLTYPE || 'source';

function check(s: Source): Source {
  if (!TYPES.includes(s.type))
    throw invalid(s.origin, `${s.name}: type "${s.type}" (from DIB_REPOTYPE_${variableName(s.name)}) is not one of ${TYPES.join(', ')}`);
  if (s.type === 'package') return s;
  if (!s.destination.startsWith('/')) throw invalid(s.origin, `${s.name}: a ${s.type} source needs an absolute destination path in the image`);
  if (s.destination.split('/').includes('..')) throw invalid(s.origin, `${s.name}: destination ${s.destination} leaves the image with ".."`);
  if (!s.location) throw invalid(s.origin, `${s.name}: a ${s.type} source needs a location to fetch from`);
  if (s.type === 'tar' && s.ref.split('/').includes('..')) throw invalid(s.origin, `${s.name}: tar directory ${s.ref} leaves the archive with ".."`);
  return s;
}
