/**
 * The repositories an image's dnf reads, as the URLs of their metadata indexes: the
 * stage cache reuses a stored tree only while these serve the same bytes. A repository
 * with a baseurl is probed by its repodata/repomd.xml; one with a metalink by the
 * repomd.xml hashes the metalink lists (the rest of it, the mirrors, changes on every
 * request); one with only a mirror list by the list itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CacheProbe } from '@dib/core/element';

/** The checksums of repomd.xml a metalink lists: they change exactly when the repository does. */
const METALINK_HASHES = /<hash type="sha256">[0-9a-f]+<\/hash>/g;

const BASEARCH: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', ppc64el: 'ppc64le', s390x: 's390x', i386: 'i686' };

export function dnfRepoProbes(tree: string, env: Readonly<Record<string, string>>): CacheProbe[] {
  const dir = path.join(tree, 'etc/yum.repos.d');
  if (!existsSync(dir)) return [];
  const arch = BASEARCH[env.ARCH] ?? env.ARCH ?? '';
  const expand = (url: string) =>
    url.replace(/\$(releasever|basearch|arch)\b|\$\{(releasever|basearch|arch)\}/g, (_, a: string, b: string) =>
      (a ?? b) === 'releasever' ? (env.DIB_RELEASE ?? '') : arch,
    );
  return readdirSync(dir)
    .filter((f) => f.endsWith('.repo'))
    .sort()
    .flatMap((f) => sections(readFileSync(path.join(dir, f), 'utf8')))
    .filter((s) => (s.enabled ?? '1').trim() !== '0')
    .flatMap((s): CacheProbe[] => {
      const base = s.baseurl?.split(/[\s,]+/).find(Boolean);
      if (base) return [`${expand(base).replace(/\/$/, '')}/repodata/repomd.xml`];
      if (s.metalink) return [{ url: expand(s.metalink.trim()), match: METALINK_HASHES }];
      return s.mirrorlist ? [expand(s.mirrorlist.trim())] : [];
    });
}

/** The [sections] of a .repo file as key -> value (continuation lines joined). */
function sections(text: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  let last = '';
  for (const line of text.split('\n')) {
    if (/^\s*[#;]/.test(line) || !line.trim()) continue;
    const header = /^\s*\[(.+)\]\s*$/.exec(line);
    if (header) {
      found.push((current = {}));
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.*)$/.exec(line);
    if (current && kv) current[(last = kv[1].toLowerCase())] = kv[2];
    else if (current && last && /^\s/.test(line)) current[last] += ` ${line.trim()}`;
  }
  return found;
}
