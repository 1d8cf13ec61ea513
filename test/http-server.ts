/**
 * A loopback HTTP server for boot tests: serves files from one directory. QEMU's user
 * network shows the host's loopback to the guest as 10.0.2.2.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const GUEST_HOST_ADDRESS = '10.0.2.2';

export interface FileServer {
  /** The URL of a file, as the guest reaches it. */
  guestUrl(file: string): string;
  /** The URL of a file, as the build host reaches it. */
  hostUrl(file: string): string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function serveDirectory(dir: string): Promise<FileServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname).replace(/^\/+/, '');
    requests.push(name);
    const file = path.join(dir, path.basename(name));
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    guestUrl: (file) => `http://${GUEST_HOST_ADDRESS}:${port}/${path.basename(file)}`,
    hostUrl: (file) => `http://127.0.0.1:${port}/${path.basename(file)}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
