/**
 * A loopback HTTP server over one directory, for tests that fetch what a build would
 * fetch from the network: files, tarballs, a PEP 503 index (a directory's index.html
 * answers for it). It answers If-Modified-Since with 304, as real servers do, so
 * revalidating caches (cache-url) can be tested. QEMU's user network shows the host's
 * loopback to a guest as 10.0.2.2.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const GUEST_HOST_ADDRESS = '10.0.2.2';

export interface FileServer {
  /** The URL of a path under the directory, as the build host reaches it. */
  hostUrl(file: string): string;
  /** The URL of a path under the directory, as a QEMU guest reaches it. */
  guestUrl(file: string): string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** The file a request names, or undefined for anything outside the directory or missing. */
function fileFor(root: string, urlPath: string): string | undefined {
  const relative = path.posix.normalize(decodeURIComponent(urlPath)).replace(/^\/+/, '');
  if (relative.split('/').includes('..')) return undefined;
  let file = path.join(root, relative);
  if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

export interface ServeOptions {
  /**
   * Asked for a path the directory does not hold (relative, without a leading slash):
   * the file to answer with (for example one fetched into a cache), or undefined for 404.
   */
  fallback?: (relativePath: string) => Promise<string | undefined>;
}

export async function serveDirectory(dir: string, options: ServeOptions = {}): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
    const relative = urlPath.replace(/^\/+/, '');
    requests.push(relative);
    let file = fileFor(dir, urlPath);
    // The fallback gets the path decoded and normalised, never one that climbs out.
    const decoded = path.posix.normalize(decodeURIComponent(urlPath)).replace(/^\/+/, '');
    if (!file && options.fallback && !decoded.split('/').includes('..')) {
      try {
        file = await options.fallback(decoded);
      } catch (e) {
        res.writeHead(502).end(`${String(e)}\n`);
        return;
      }
    }
    if (!file) {
      res.writeHead(404).end('not found\n');
      return;
    }
    const stat = statSync(file);
    // HTTP dates have whole seconds.
    const modified = Math.floor(stat.mtimeMs / 1000) * 1000;
    const since = Date.parse(req.headers['if-modified-since'] ?? '');
    if (!Number.isNaN(since) && modified <= since) {
      res.writeHead(304).end();
      return;
    }
    const type = file.endsWith('.html') ? 'text/html' : 'application/octet-stream';
    res.writeHead(200, { 'content-length': stat.size, 'content-type': type, 'last-modified': new Date(modified).toUTCString() });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = (host: string, file: string) => `http://${host}:${port}/${file.replace(/^\/+/, '')}`;
  return {
    hostUrl: (file) => url('127.0.0.1', file),
    guestUrl: (file) => url(GUEST_HOST_ADDRESS, file),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
