/**
 * What the fetch tests serve: a git repository behind `git daemon` on loopback (and as a
 * plain path), and a directory of tarballs and files behind a loopback HTTP server.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { serveDirectory, type FileServer } from '@dib/testing';

export interface DemoRepository {
  /** The bare repository's path. */
  bare: string;
  /** Commits: first (tagged v1), then the tip of master; stable branches off first. */
  first: string;
  tip: string;
  stable: string;
}

/** Runs git in `cwd` with a fixed identity. */
export const git = (cwd: string, ...args: string[]) => execa('git', ['-c', 'user.email=dib@test', '-c', 'user.name=dib', ...args], { cwd });

async function commit(work: string, file: string, text: string): Promise<string> {
  writeFileSync(path.join(work, file), text);
  await git(work, 'add', file);
  await git(work, 'commit', '-qm', `${file}: ${text.trim()}`);
  return (await git(work, 'rev-parse', 'HEAD')).stdout.trim();
}

/** A repository `demo.git` under `root` with two commits on master, a tag and a second branch. */
export async function makeDemoRepository(root: string): Promise<DemoRepository> {
  const work = path.join(root, 'demo-work');
  mkdirSync(work, { recursive: true });
  await git(work, 'init', '-q', '-b', 'master');
  const first = await commit(work, 'README', 'first\n');
  await git(work, 'tag', '-a', 'v1', '-m', 'v1');
  await git(work, 'checkout', '-q', '-b', 'stable');
  const stable = await commit(work, 'STABLE', 'stable\n');
  await git(work, 'checkout', '-q', 'master');
  const tip = await commit(work, 'README', 'tip\n');
  const bare = path.join(root, 'git', 'demo.git');
  await execa('git', ['clone', '-q', '--bare', work, bare]);
  return { bare, first, tip, stable };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface GitDaemon {
  url(repo: string): string;
  stop(): Promise<void>;
}

/** `git daemon` serving every repository under `base` on 127.0.0.1, read-only. */
export async function startGitDaemon(base: string): Promise<GitDaemon> {
  const port = await freePort();
  // git-daemon itself, not `git daemon`: git would run it as a child that outlives a kill.
  const execPath = (await execa('git', ['--exec-path'])).stdout.trim();
  const daemon: ResultPromise = execa(
    path.join(execPath, 'git-daemon'),
    ['--reuseaddr', '--export-all', '--listen=127.0.0.1', `--port=${port}`, `--base-path=${base}`, base],
    {
      reject: false,
    },
  );
  // Ready when it answers: ls-remote of a repository that exists.
  for (let i = 0; ; i++) {
    const r = await execa('git', ['ls-remote', `git://127.0.0.1:${port}/demo.git`], { reject: false });
    if (r.exitCode === 0) break;
    if (i > 50) throw new Error(`git daemon did not answer on port ${port}: ${r.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: (repo) => `git://127.0.0.1:${port}/${repo}`,
    stop: async () => {
      daemon.kill();
      await daemon;
    },
  };
}

/** payload.tar.gz (top directory payload-1.0/ with a file and a subdirectory), notes.txt; served on loopback. */
export async function serveDownloads(root: string): Promise<FileServer> {
  const www = path.join(root, 'www');
  const tree = path.join(root, 'tar-src', 'payload-1.0');
  mkdirSync(path.join(tree, 'docs'), { recursive: true });
  writeFileSync(path.join(tree, 'setup.cfg'), '[metadata]\nname = payload\n');
  writeFileSync(path.join(tree, 'docs', 'index.txt'), 'docs\n');
  mkdirSync(www, { recursive: true });
  await execa('tar', ['-C', path.dirname(tree), '-czf', path.join(www, 'payload.tar.gz'), 'payload-1.0']);
  writeFileSync(path.join(www, 'notes.txt'), 'notes from the server\n');
  return serveDirectory(www);
}
