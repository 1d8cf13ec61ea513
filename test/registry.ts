/**
 * A private npm registry on loopback for the tests (verdaccio): packages named @dib/*
 * and dib-element-* are served only from what the tests publish; everything else is
 * proxied from the registry npm itself is configured with on this host.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO } from './helpers.js';

export interface LocalRegistry {
  url: string;
  /** An npmrc that points at the registry, with a publish token. */
  npmrc: string;
  /** Environment for npm/npx commands that must see only this registry. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });

export async function startRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-registry-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const upstream = (await execa('npm', ['config', 'get', 'registry'])).stdout.trim();
  mkdirSync(path.join(dir, 'storage'));
  writeFileSync(
    path.join(dir, 'config.yaml'),
    [
      `storage: ${path.join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${path.join(dir, 'htpasswd')}`,
      '    max_users: 100',
      'uplinks:',
      '  upstream:',
      `    url: ${upstream}`,
      'packages:',
      "  '@dib/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  'dib-element-*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '@acme/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const server: ResultPromise = execa(
    path.join(REPO, 'node_modules/.bin/verdaccio'),
    ['--config', path.join(dir, 'config.yaml'), '--listen', `127.0.0.1:${port}`],
    {
      reject: false,
      stdin: 'ignore',
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not start on ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const res = await fetch(`${url}-/user/org.couchdb.user:dib`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'dib', password: 'dib-test-password' }),
  });
  const { token } = (await res.json()) as { token: string };
  const npmrc = path.join(dir, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  const env = {
    NPM_CONFIG_USERCONFIG: npmrc,
    NPM_CONFIG_REGISTRY: url,
    NPM_CONFIG_CACHE: path.join(dir, 'npm-cache'),
    NPM_CONFIG_UPDATE_NOTIFIER: 'false',
    NPM_CONFIG_AUDIT: 'false',
    NPM_CONFIG_FUND: 'false',
  };
  return {
    url,
    npmrc,
    env,
    stop: async () => {
      server.kill('SIGTERM');
      await server;
    },
  };
}

/** Publishes every workspace package to the registry, as a release does (lerna publish from-package). */
export async function publishWorkspace(registry: LocalRegistry): Promise<void> {
  const r = await execa('npx', ['lerna', 'publish', 'from-package', '--yes', '--registry', registry.url, '--ignore-scripts'], {
    cwd: REPO,
    env: { ...registry.env, CI: '1' },
    reject: false,
    stdin: 'ignore',
  });
  if (r.exitCode !== 0) throw new Error(`lerna publish failed:\n${r.stdout}\n${r.stderr}`);
}
