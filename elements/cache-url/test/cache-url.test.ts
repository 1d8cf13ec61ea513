/**
 * bin/cache-url with the host's real curl against a small HTTP server of the test's own:
 * what ends up in the cache file, what the server was asked, and the exit status.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const CACHE_URL = path.join(ELEMENT, 'bin/cache-url');

/** What the server serves: path -> body and last change; a path it lacks is a 404, /forbidden a 403. */
const files = new Map<string, { body: string; modified: Date }>();
const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url!, headers: req.headers });
    const file = files.get(req.url!);
    if (req.url === '/forbidden') return void res.writeHead(403).end('no');
    if (!file) return void res.writeHead(404).end('not here');
    const since = req.headers['if-modified-since'];
    // HTTP dates have whole seconds.
    if (since && Math.floor(file.modified.getTime() / 1000) <= Math.floor(Date.parse(since) / 1000)) return void res.writeHead(304).end();
    res.writeHead(200, { 'Last-Modified': file.modified.toUTCString(), 'Content-Length': Buffer.byteLength(file.body) }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'cache-url-'));
  files.clear();
  requests.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const cacheUrl = (args: string[], env: Record<string, string> = {}) =>
  execa(CACHE_URL, args, { env: { PATH: process.env.PATH, ...env }, extendEnv: false, reject: false });
/** Files the command may have left beside the destination (its temporary downloads start with a dot). */
const leftovers = (d: string) => readdirSync(d).filter((f) => f.startsWith('.'));

describe('cache-url', () => {
  it('downloads the file the first time, creating the directory, with an ordinary file mode', async () => {
    files.set('/a.txt', { body: 'first\n', modified: new Date('2026-01-01T00:00:00Z') });
    const dest = path.join(dir, 'sub/dir/a.txt');
    const r = await cacheUrl([`${base}/a.txt`, dest]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('first\n');
    expect(statSync(dest).mode & 0o777).toBe(0o644);
    expect(r.stdout).toContain('(first download)');
    expect(requests.map((q) => q.headers['if-modified-since'])).toEqual([undefined]);
    expect(leftovers(path.dirname(dest))).toEqual([]);
  });

  it('keeps the cached copy untouched when the server says it has not changed', async () => {
    files.set('/a.txt', { body: 'first\n', modified: new Date('2026-01-01T00:00:00Z') });
    const dest = path.join(dir, 'a.txt');
    writeFileSync(dest, 'cached\n');
    const mtime = new Date('2026-02-01T00:00:00Z');
    utimesSync(dest, mtime, mtime);
    const r = await cacheUrl([`${base}/a.txt`, dest]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('has not changed; using the cached copy');
    expect(readFileSync(dest, 'utf8')).toBe('cached\n');
    expect(statSync(dest).mtime.getTime()).toBe(mtime.getTime());
    // The question carries the copy's own time.
    expect(Date.parse(String(requests[0].headers['if-modified-since']))).toBe(mtime.getTime());
    expect(leftovers(dir)).toEqual([]);
  });

  it('downloads again when the server has a newer file', async () => {
    files.set('/a.txt', { body: 'second\n', modified: new Date('2026-03-01T00:00:00Z') });
    const dest = path.join(dir, 'a.txt');
    writeFileSync(dest, 'cached\n');
    utimesSync(dest, new Date('2026-02-01T00:00:00Z'), new Date('2026-02-01T00:00:00Z'));
    const r = await cacheUrl([`${base}/a.txt`, dest]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('changed on the server');
    expect(readFileSync(dest, 'utf8')).toBe('second\n');
  });

  it('-f asks caches to revalidate and downloads even over a current copy', async () => {
    files.set('/a.txt', { body: 'fresh\n', modified: new Date('2026-01-01T00:00:00Z') });
    const dest = path.join(dir, 'a.txt');
    writeFileSync(dest, 'cached\n');
    const r = await cacheUrl(['-f', `${base}/a.txt`, dest]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('fresh\n');
    const [q] = requests;
    expect(q.headers['if-modified-since']).toBeUndefined();
    expect(q.headers['cache-control']).toBe('no-cache, must-revalidate');
    expect(q.headers.pragma).toBe('no-cache, must-revalidate');
  });

  it('exits 44 on a 404 and leaves neither the destination nor a temporary file', async () => {
    const dest = path.join(dir, 'missing.txt');
    const r = await cacheUrl([`${base}/missing.txt`, dest]);
    expect(r.exitCode).toBe(44);
    expect(r.stderr).toContain('was not found on the server (HTTP 404)');
    expect(existsSync(dest)).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it('exits 1 on another answer, and keeps the cached copy', async () => {
    const dest = path.join(dir, 'f.txt');
    writeFileSync(dest, 'cached\n');
    const r = await cacheUrl([`${base}/forbidden`, dest]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('unexpected answer from the server');
    expect(r.stderr).toContain('(HTTP 403)');
    expect(readFileSync(dest, 'utf8')).toBe('cached\n');
    expect(leftovers(dir)).toEqual([]);
  });

  it('exits 1 with curl status when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await cacheUrl([`http://127.0.0.1:${port}/x`, path.join(dir, 'x')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/downloading http:\/\/127\.0\.0\.1:\d+\/x failed \(curl exit status 7/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('copies file:// URLs, also offline', async () => {
    const src = path.join(dir, 'src.txt');
    writeFileSync(src, 'local\n');
    const dest = path.join(dir, 'out/copy.txt');
    const r = await cacheUrl([`file://${src}`, dest], { DIB_OFFLINE: '1' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('local\n');
  });

  it('offline: uses a cached copy without asking the server, and fails without one', async () => {
    files.set('/a.txt', { body: 'server\n', modified: new Date('2026-01-01T00:00:00Z') });
    const dest = path.join(dir, 'a.txt');
    const missing = await cacheUrl([`${base}/a.txt`, dest], { DIB_OFFLINE: '1' });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain(`offline (DIB_OFFLINE) and ${dest} holds no copy of ${base}/a.txt`);
    writeFileSync(dest, 'cached\n');
    const r = await cacheUrl(['-f', `${base}/a.txt`, dest], { DIB_OFFLINE: '1' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(dest, 'utf8')).toBe('cached\n');
    expect(requests).toEqual([]);
  });

  it('writes into a FIFO through a temporary file', async () => {
    files.set('/a.txt', { body: 'through the pipe\n', modified: new Date('2026-01-01T00:00:00Z') });
    const fifo = path.join(dir, 'pipe');
    await execa('mkfifo', [fifo]);
    const reader = execa('cat', [fifo]);
    const r = await cacheUrl([`${base}/a.txt`, fifo], { TMPDIR: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await reader).stdout).toBe('through the pipe');
    expect(readdirSync(dir)).toEqual(['pipe']);
  });

  it('prints its usage with -h, and fails on bad usage', async () => {
    const help = await cacheUrl(['-h']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: cache-url [-f] [-h] URL DESTINATION');
    for (const args of [[], [`${base}/a`], ['-x', `${base}/a`, path.join(dir, 'a')]]) {
      const r = await cacheUrl(args);
      expect(r.exitCode, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('Usage:');
    }
  });
});

describe('the manifest', () => {
  it('puts cache-url on PATH for the hooks and curl in the image', async () => {
    const plan = await planBuild(['cache-url'], { searchRoots: [REPO] });
    expect(plan.hooks.files.some((f) => f.dir === 'bin' && f.entry.name === 'cache-url' && f.entry.element === 'cache-url')).toBe(true);
    expect(plan.elements.map((e) => e.name)).toContain('package-installs');
    expect(Object.keys(plan.elements.find((e) => e.name === 'cache-url')!.manifest.packages)).toEqual(['curl']);
  });
});
