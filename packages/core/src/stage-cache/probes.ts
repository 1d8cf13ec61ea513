/**
 * What a tree was made from that can change while every input of the build stays the
 * same: a package archive's signed index. Elements name the URLs (cacheProbes); a
 * stage is stored with each URL's digest and reused only while every URL still
 * serves the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BuildPlan } from '../plan.js';

export type ProbeDigests = Record<string, string>;

/** The URLs the build's elements name for a tree, without duplicates, in a stable order. */
export function probeUrls(plan: BuildPlan, tree: string): string[] {
  const urls = plan.elements.flatMap((el) => el.manifest.cacheProbes?.(tree, plan.environment) ?? []);
  return [...new Set(urls)].sort();
}

/** What one URL serves now: status and sha256 of the body. Throws when it cannot be asked. */
async function probe(url: string): Promise<string> {
  const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
  if (url.startsWith('file:')) {
    try {
      return `200:${sha(readFileSync(fileURLToPath(url)))}`;
    } catch {
      return 'missing';
    }
  }
  if (!/^https?:/.test(url)) throw new Error(`cannot check ${url}: only http, https and file URLs are checked`);
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000), redirect: 'follow' });
  return `${response.status}:${sha(new Uint8Array(await response.arrayBuffer()))}`;
}

/** Digests of every URL; one fetch per URL per build (`memo`). */
export async function probeAll(urls: readonly string[], memo: Map<string, Promise<string>>): Promise<ProbeDigests> {
  const entries = await Promise.all(
    urls.map(async (url) => {
      const pending = memo.get(url) ?? memo.set(url, probe(url)).get(url)!;
      return [url, await pending] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The first URL whose bytes changed since `recorded`, or undefined when all are the same. */
export async function changedProbe(recorded: ProbeDigests, memo: Map<string, Promise<string>>): Promise<string | undefined> {
  const now = await probeAll(Object.keys(recorded), memo);
  return Object.keys(recorded).find((url) => now[url] !== recorded[url]);
}
