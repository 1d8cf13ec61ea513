/**
 * A self-hosted Nx remote cache on loopback, speaking the HTTP API Nx documents for
 * custom cache servers (NX_SELF_HOSTED_REMOTE_CACHE_SERVER): GET and PUT
 * /v1/cache/HASH with a bearer token, tar archives as bodies, 404 for a miss and 409
 * for an entry that exists. Entries are files in a directory.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface NxCacheServer {
  url: string;
  token: string;
  /** "GET HASH 200", "PUT HASH 200", ... in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

export async function startNxCacheServer(dir: string, token = 'dib-test-cache-token'): Promise<NxCacheServer> {
  mkdirSync(dir, { recursive: true });
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const hash = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '')?.[1];
    const answer = (status: number, data?: Buffer) => {
      requests.push(`${req.method} ${hash ?? req.url} ${status}`);
      res.writeHead(status, data ? { 'content-type': 'application/octet-stream', 'content-length': data.length } : {});
      res.end(data);
    };
    if (!hash) return answer(404);
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401);
    const file = path.join(dir, hash);
    if (req.method === 'GET') return existsSync(file) ? answer(200, readFileSync(file)) : answer(404);
    if (req.method !== 'PUT') return answer(405);
    if (existsSync(file)) return answer(409);
    const data = await body(req);
    writeFileSync(`${file}.part`, data);
    renameSync(`${file}.part`, file);
    return answer(200);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
