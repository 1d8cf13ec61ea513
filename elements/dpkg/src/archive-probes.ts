/**
 * The package archives an image's apt reads, as the URLs of their signed indexes: the
 * stage cache reuses a stored tree only while these serve the same bytes, so a new
 * package (a security update) in any of them is never skipped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface AptSource {
  uri: string;
  suite: string;
}

/** One-line sources (deb [opts] URI SUITE COMPONENT...). */
const oneLine = (text: string): AptSource[] =>
  text.split('\n').flatMap((line) => {
    const m = /^\s*deb(?:-src)?\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    return m ? [{ uri: m[1], suite: m[2] }] : [];
  });

/** deb822 sources (URIs: / Suites: stanzas), skipping stanzas with Enabled: no. */
const deb822 = (text: string): AptSource[] =>
  text.split(/\n\s*\n/).flatMap((stanza) => {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza)?.[1].trim().split(/\s+/) ?? [];
    if (field('Enabled')[0]?.toLowerCase() === 'no') return [];
    return field('URIs').flatMap((uri) => field('Suites').map((suite) => ({ uri, suite })));
  });

export function aptSources(tree: string): AptSource[] {
  const dir = path.join(tree, 'etc/apt/sources.list.d');
  const files = [
    path.join(tree, 'etc/apt/sources.list'),
    ...(existsSync(dir)
      ? readdirSync(dir)
          .sort()
          .map((f) => path.join(dir, f))
      : []),
  ];
  return files.flatMap((file) => {
    if (!existsSync(file)) return [];
    const text = readFileSync(file, 'utf8');
    return file.endsWith('.sources') ? deb822(text) : file.endsWith('.list') ? oneLine(text) : [];
  });
}

/** InRelease and Release of every suite (a flat repository's suite ends in "/"). */
export function aptArchiveProbes(tree: string): string[] {
  return aptSources(tree).flatMap(({ uri, suite }) => {
    const base = suite.endsWith('/') ? `${uri.replace(/\/$/, '')}/${suite}` : `${uri.replace(/\/$/, '')}/dists/${suite}/`;
    return [`${base}InRelease`, `${base}Release`];
  });
}
