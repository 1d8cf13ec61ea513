/**
 * What a tree was made from that can change while every input of the build stays the
 * same: a package archive's signed index. Elements name the URLs (cacheProbes); a
 * stage is stored with each URL's digest and reused only while every URL still
 * serves the same bytes (or, for a probe with `match`, the same matching parts: a
 * metalink's repomd.xml hashes, not its per-request mirror list).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { CacheProbe } from '../contract/manifest.js';
import { which } from '../host/which.js';
import type { BuildPlan } from '../plan.js';

export type ProbeDigests = Record<string, string>;

/** How a probe is recorded in meta.json: its URL, and the pattern after " ~ " when it has one (URLs hold no spaces). */
const specOf = (p: CacheProbe) => (typeof p === 'string' ? p : `${p.url} ~ ${p.match.source}`);
const parseSpec = (spec: string) => {
  const at = spec.indexOf(' ~ ');
  return at < 0 ? { url: spec, match: undefined } : { url: spec.slice(0, at), match: new RegExp(spec.slice(at + 3), 'g') };
};

/** The probes the build's elements name for a tree, without duplicates, in a stable order. */
export function probeSpecs(plan: BuildPlan, tree: string): string[] {
  return [...new Set(plan.elements.flatMap((el) => (el.manifest.cacheProbes?.(tree, plan.environment) ?? []).map(specOf)))].sort();
}

/** Fetches a URL: status and body. curl when the host has it (it honours http_proxy, which Node's fetch does not). */
async function fetchUrl(url: string): Promise<{ status: number; body: Buffer }> {
  if (url.startsWith('file:')) {
    try {
      return { status: 200, body: readFileSync(fileURLToPath(url)) };
    } catch {
      return { status: 404, body: Buffer.alloc(0) };
    }
  }
  if (!/^https?:/.test(url)) throw new Error(`cannot check ${url}: only http, https and file URLs are checked`);
  if (await which('curl')) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-probe-'));
    try {
      const file = path.join(dir, 'body');
      const r = await execa('curl', ['--silent', '--show-error', '--location', '--max-time', '20', '--output', file, '--write-out', '%{http_code}', url], {
        reject: false,
      });
      if (r.exitCode !== 0) throw new Error(`cannot check ${url}: ${r.stderr.trim() || `curl exit status ${r.exitCode}`}`);
      return { status: Number(r.stdout), body: readFileSync(file) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const response = await fetch(url, { signal: AbortSignal.timeout(20_000), redirect: 'follow' });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()) };
}

/**
 * What one probe sees now. A 2xx answer is its body's digest (or its matching parts'); a
 * 404 is a state too (an archive offering Release but no InRelease). Anything else (403
 * without credentials, 5xx) cannot tell whether the archive changed: it throws.
 */
async function probe(spec: string): Promise<string> {
  const { url, match } = parseSpec(spec);
  const { status, body } = await fetchUrl(url);
  if (status === 404) return '404';
  if (status < 200 || status > 299) throw new Error(`cannot check ${url}: HTTP ${status}`);
  const content = match ? (body.toString('utf8').match(match) ?? []).join('\n') : body;
  return `200:${createHash('sha256').update(content).digest('hex')}`;
}

/** Digests of every probe; one fetch per probe per build (`memo`). */
export async function probeAll(specs: readonly string[], memo: Map<string, Promise<string>>): Promise<ProbeDigests> {
  const entries = await Promise.all(
    specs.map(async (spec) => {
      const pending = memo.get(spec) ?? memo.set(spec, probe(spec)).get(spec)!;
      return [spec, await pending] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** The URL of the first probe whose answer changed since `recorded`, or undefined when none did. */
export async function changedProbe(recorded: ProbeDigests, memo: Map<string, Promise<string>>): Promise<string | undefined> {
  const now = await probeAll(Object.keys(recorded), memo);
  const changed = Object.keys(recorded).find((spec) => now[spec] !== recorded[spec]);
  return changed && parseSpec(changed).url;
}
