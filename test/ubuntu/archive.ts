/**
 * An apt archive with Ubuntu's suite and component names, signed with a throwaway key
 * and served on loopback, for builds that cannot reach Ubuntu's archive: the host
 * Debian release's package index (as the host's apt has it) published as RELEASE main,
 * plus dummy packages for names only Ubuntu has (linux-image-generic, depending on
 * Debian's kernel). The .debs themselves are fetched on demand from the Debian mirror
 * the host's apt uses, and kept under the image cache for the next run.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { defaultImageCache } from '@dib/core';
import { serveDirectory, type FileServer, type SigningKey } from '@dib/testing';

/** Ubuntu-only package names, and the Debian packages that stand in for them. */
const DUMMIES: Record<string, string> = { 'linux-image-generic': 'linux-image-amd64' };
const COMPONENTS = ['main', 'universe'];

export interface UbuntuArchive {
  /** The archive's URL as the build host reaches it. */
  readonly url: string;
  readonly server: FileServer;
  close(): Promise<void>;
}

/** The host's own Debian package index for main/amd64, and the mirror it came from. */
async function hostDebianIndex(): Promise<{ file: string; mirror: string }> {
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
  const { stdout } = await execa('apt-get', [
    'indextargets',
    '--format',
    '$(FILENAME)\t$(REPO_URI)\t$(CODENAME)\t$(COMPONENT)\t$(ARCHITECTURE)',
    'Created-By: Packages',
  ]);
  const line = stdout
    .split('\n')
    .map((l) => l.split('\t'))
    .find(([, , c, component, arch]) => c === codename && component === 'main' && arch === 'amd64');
  if (!line) throw new Error(`the host's apt has no ${codename} main amd64 package index: run apt-get update`);
  return { file: line[0], mirror: line[1] };
}

async function buildDummies(dir: string): Promise<void> {
  const pool = path.join(dir, 'pool/dummies');
  mkdirSync(pool, { recursive: true });
  for (const [name, depends] of Object.entries(DUMMIES)) {
    const tree = path.join(dir, 'dummy-build', name);
    mkdirSync(path.join(tree, 'DEBIAN'), { recursive: true });
    writeFileSync(
      path.join(tree, 'DEBIAN/control'),
      `Package: ${name}\nVersion: 1.0\nArchitecture: amd64\nMaintainer: dib tests <test@dib.invalid>\nDepends: ${depends}\nDescription: stands in for Ubuntu's ${name}\n`,
    );
    await execa('dpkg-deb', ['--root-owner-group', '--build', tree, path.join(pool, `${name}_1.0_amd64.deb`)]);
  }
}

/** dists/SUITE with a Release, InRelease and Release.gpg over its package indexes. */
async function publishSuite(dir: string, suite: string, indexes: Record<string, string>, key: SigningKey): Promise<void> {
  const dists = path.join(dir, 'dists', suite);
  for (const component of COMPONENTS) {
    const binary = path.join(dists, component, 'binary-amd64');
    mkdirSync(binary, { recursive: true });
    writeFileSync(path.join(binary, 'Packages'), indexes[component] ?? '');
    await execa('gzip', ['-1', '--keep', '--force', path.join(binary, 'Packages')]);
  }
  const release = await execa('apt-ftparchive', [
    '-o', 'APT::FTPArchive::Release::Origin=Ubuntu',
    '-o', 'APT::FTPArchive::Release::Label=Ubuntu',
    '-o', `APT::FTPArchive::Release::Suite=${suite}`,
    '-o', `APT::FTPArchive::Release::Codename=${suite}`,
    '-o', 'APT::FTPArchive::Release::Architectures=amd64',
    '-o', `APT::FTPArchive::Release::Components=${COMPONENTS.join(' ')}`,
    'release', dists,
  ]); // prettier-ignore
  writeFileSync(path.join(dists, 'Release'), release.stdout + '\n');
  await key.sign(path.join(dists, 'Release'), { clear: path.join(dists, 'InRelease') });
  await key.sign(path.join(dists, 'Release'));
}

/** A .deb of the Debian mirror, fetched once into the image cache. */
function poolFromMirror(mirror: string) {
  const cache = path.join(defaultImageCache(process.env), 'test-fixtures/debian-pool');
  return async (relative: string): Promise<string | undefined> => {
    if (!relative.startsWith('pool/')) return undefined;
    const file = path.join(cache, relative);
    if (existsSync(file)) return file;
    const response = await fetch(`${mirror}${relative}`);
    if (!response.ok) return undefined;
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.partial-${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, Buffer.from(await response.arrayBuffer()));
    renameSync(partial, file);
    return file;
  };
}

export async function startUbuntuArchive(dir: string, key: SigningKey, release = 'noble'): Promise<UbuntuArchive> {
  const debian = await hostDebianIndex();
  await buildDummies(dir);
  const debianIndex = (await execa('/usr/lib/apt/apt-helper', ['cat-file', debian.file], { maxBuffer: 1024 * 1024 * 1024 })).stdout;
  const dummyIndex = (await execa('apt-ftparchive', ['packages', 'pool/dummies'], { cwd: dir })).stdout;
  await publishSuite(dir, release, { main: `${debianIndex.trimEnd()}\n\n${dummyIndex.trimEnd()}\n` }, key);
  for (const dist of ['updates', 'security', 'backports']) await publishSuite(dir, `${release}-${dist}`, {}, key);
  const server = await serveDirectory(dir, { fallback: poolFromMirror(debian.mirror) });
  return { url: server.hostUrl(''), server, close: () => server.close() };
}
