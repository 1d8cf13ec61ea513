/**
 * The base tree of a Debian-family image (Debian, Ubuntu): made once with mmdebstrap
 * (or debootstrap) into a tarball in the image cache, keyed by everything that changes
 * its content, then unpacked into the target. Warm builds only unpack. The mirror is
 * the user's DIB_DISTRIBUTION_MIRROR, or the bootstrap tool's own default.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cache, ElementError, which, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

/** Splits a comma or space separated variable. */
export const listOf = (s: string | undefined) => (s ?? '').split(/[\s,]+/).filter(Boolean);

/** Packages every base tree holds beyond minbase: classic elements run #!/usr/bin/python3 scripts from pre-install on. */
export const BASE_TREE_PACKAGES = ['python3'];

export interface BaseTreeSpec {
  /** Directory under the image cache holding this distribution's trees (debian-minimal, ubuntu-minimal). */
  cacheName: string;
  /** For messages: Debian, Ubuntu. */
  distro: string;
  release: string;
  components: string[];
  /** Empty: the bootstrap tool's own default for the release. */
  mirror: string;
  /** OpenPGP keyring the archive's Release file must be signed with; unset: the host's apt trust. */
  keyring?: string;
  /** debootstrap only: the script for a release this host's debootstrap has none for. */
  debootstrapScript?: string;
}

/** Files debootstrap and mmdebstrap copy from the build host into the tree. */
const HOST_FILES = ['etc/resolv.conf', 'etc/hostname'];

/**
 * A cached tree that no longer matches its digest (damaged in place, cut short) is
 * removed and made again; offline, the build stops naming it. A tree from before digests
 * were kept gets one now.
 */
async function verifyCachedTree(ctx: HostHookContext, tarball: string): Promise<void> {
  const state = await cache.checkSeal(tarball);
  if (state === 'sound') return;
  if (state === 'unsealed') {
    ctx.log(`recording the digest of ${tarball} (made before digests were kept)`);
    await cache.seal(tarball);
    return;
  }
  if (ctx.offline) {
    throw new ElementError(ERRORS.DIB_E_BASE_TREE_DAMAGED, `the cached base tree ${tarball} does not match its digest (${tarball}.sha256)`);
  }
  ctx.log(`warning: the cached base tree ${tarball} does not match its digest; removed, making it again`);
  cache.discardSealed(tarball);
}

type Inputs = BaseTreeSpec & { tool: 'mmdebstrap' | 'debootstrap'; arch: string; include: string[]; keyringDigest: string };

async function chooseTool(ctx: HostHookContext): Promise<'mmdebstrap' | 'debootstrap'> {
  const wanted = ctx.env.DIB_DEBIAN_BOOTSTRAP_TOOL ?? 'auto';
  if (wanted === 'mmdebstrap' || wanted === 'debootstrap') return wanted;
  return (await which('mmdebstrap')) ? 'mmdebstrap' : 'debootstrap';
}

/** Makes (or reuses) the cached base tree for `spec` and unpacks it into the target. */
export async function bootstrapBaseTree(ctx: HostHookContext, spec: BaseTreeSpec): Promise<void> {
  if (spec.keyring && !existsSync(spec.keyring)) {
    throw new ElementError(ERRORS.DIB_E_APT_KEYRING_MISSING, `the ${spec.distro} archive keyring ${spec.keyring} does not exist`);
  }
  const inputs: Inputs = {
    ...spec,
    tool: await chooseTool(ctx),
    arch: ctx.arch,
    include: [...new Set([...BASE_TREE_PACKAGES, ...listOf(ctx.env.DIB_DEBIAN_BOOTSTRAP_INCLUDE)])],
    // A new key (a rotated archive key) is a new tree.
    keyringDigest: spec.keyring ? cache.keyOf(readFileSync(spec.keyring).toString('base64')) : '',
  };
  const { cacheName, distro, ...keyed } = inputs;
  const dir = path.join(ctx.imageCache, cacheName);
  const tarball = path.join(dir, `${inputs.release}-${inputs.arch}-${inputs.tool}-${cache.keyOf({ ...keyed, variant: 'minbase', format: 1 })}.tar`);
  const maxAgeDays = Number(ctx.env.DIB_DEBIAN_BASE_CACHE_DAYS ?? '7');
  const fresh = () => existsSync(tarball) && (ctx.offline || (Date.now() - statSync(tarball).mtimeMs) / 86_400_000 < maxAgeDays);

  mkdirSync(dir, { recursive: true });
  // Checked and made under one lock: a build never discards a tree another has just made.
  await cache.withLock(tarball, async () => {
    if (existsSync(tarball)) await verifyCachedTree(ctx, tarball);
    if (fresh()) {
      ctx.log(`using cached base tree ${tarball}`);
      return;
    }
    if (ctx.offline) {
      throw new ElementError(
        ERRORS.DIB_E_BASE_TREE_NOT_CACHED,
        `--offline, but there is no cached ${distro} ${inputs.release} ${inputs.arch} base tree (${tarball})`,
      );
    }
    for (const name of cache.sweepPartials(dir)) ctx.log(`removed ${name}, left by a build that was killed while making it`);
    ctx.log(`making the ${distro} ${inputs.release} base tree with ${inputs.tool}`);
    const partial = `${tarball}.partial-${process.pid}`;
    try {
      if (inputs.tool === 'mmdebstrap') await runMmdebstrap(ctx, inputs, partial);
      else await runDebootstrap(ctx, inputs, partial);
      await cache.seal(partial, tarball);
      renameSync(partial, tarball);
    } finally {
      rmSync(partial, { force: true });
    }
  });
  mkdirSync(ctx.targetRoot, { recursive: true });
  await ctx.run('tar', [
    '--extract',
    '--file',
    tarball,
    '--preserve-permissions',
    '--numeric-owner',
    '--xattrs',
    '--xattrs-include=*',
    '--directory',
    ctx.targetRoot,
  ]);
  // The bootstrap tools copy the build host's resolver and name in; neither belongs to
  // the image (the chroot phases get the host's resolver for their run only).
  for (const file of HOST_FILES) rmSync(path.join(ctx.targetRoot, file), { force: true });
  // apt in the image must trust the key the tree was bootstrapped with.
  if (spec.keyring) {
    const trusted = path.join(ctx.targetRoot, 'etc/apt/trusted.gpg.d');
    mkdirSync(trusted, { recursive: true });
    const copy = path.join(trusted, `dib-${spec.cacheName}.${spec.keyring.endsWith('.asc') ? 'asc' : 'gpg'}`);
    copyFileSync(spec.keyring, copy);
    // apt reads it as _apt: the user's file may be private.
    chmodSync(copy, 0o644);
  }
}

/**
 * Runs fn with a copy of the keyring that apt's unprivileged download user (_apt) can
 * read: the user's own file may sit in a private directory, and apt would then report
 * the archive as unsigned.
 */
async function withReadableKeyring<T>(keyring: string | undefined, fn: (readable?: string) => Promise<T>): Promise<T> {
  if (!keyring) return fn(undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-keyring-'));
  try {
    chmodSync(dir, 0o755);
    const copy = path.join(dir, `archive-keyring${keyring.endsWith('.asc') ? '.asc' : '.gpg'}`);
    copyFileSync(keyring, copy);
    chmodSync(copy, 0o644);
    return await fn(copy);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the bootstrap tools work: inside the build directory, so their mounts and
 * temporary trees are the build's, released with it and by `dib cleanup` after SIGKILL.
 */
function workDir(ctx: HostHookContext, name: string): string {
  const dir = path.join(ctx.env.TMP_BUILD_DIR ?? os.tmpdir(), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function runMmdebstrap(ctx: HostHookContext, i: Inputs, out: string) {
  const tmp = workDir(ctx, 'bootstrap-tmp');
  return withReadableKeyring(i.keyring, (keyring) => {
    const args = ['--variant=minbase', `--architectures=${i.arch}`, '--mode=root', '--format=tar', `--components=${i.components.join(',')}`];
    if (i.include.length) args.push(`--include=${i.include.join(',')}`);
    if (keyring) args.push(`--keyring=${keyring}`);
    args.push(i.release, out);
    if (i.mirror) args.push(i.mirror);
    // Empty stdin: with no mirror argument mmdebstrap then uses its own default.
    return ctx.run('mmdebstrap', args, { input: '', env: { TMPDIR: tmp } });
  });
}

async function runDebootstrap(ctx: HostHookContext, i: Inputs, out: string) {
  const tree = workDir(ctx, 'bootstrap-tree');
  try {
    const args = ['--variant=minbase', `--arch=${i.arch}`, `--components=${i.components.join(',')}`];
    if (i.include.length) args.push(`--include=${i.include.join(',')}`);
    // debootstrap verifies with gpgv as root itself: the user's file serves as it is.
    if (i.keyring) args.push(`--keyring=${i.keyring}`);
    args.push(i.release, tree);
    if (i.mirror || i.debootstrapScript) args.push(i.mirror);
    if (i.debootstrapScript) args.push(i.debootstrapScript);
    await ctx.run('debootstrap', args);
    await ctx.run('tar', ['--create', '--file', out, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--directory', tree, '.']);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The mirror the bootstrap tool wrote into the tree's sources.list (its first `deb` line), without a trailing slash. */
export function treeMirror(root: string): string | undefined {
  const file = path.join(root, 'etc/apt/sources.list');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+/m.exec(existing)?.[1].replace(/\/$/, '');
}
