/**
 * The Debian base tree: made once with mmdebstrap (or debootstrap) into a tarball in the
 * image cache, keyed by everything that changes its content, then unpacked into the
 * target. Warm builds only unpack. The mirror is the user's DIB_DISTRIBUTION_MIRROR, or
 * the bootstrap tool's own default.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cache, ElementError, which, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

const list = (s: string | undefined) => (s ?? '').split(/[\s,]+/).filter(Boolean);

async function chooseTool(ctx: HostHookContext): Promise<'mmdebstrap' | 'debootstrap'> {
  const wanted = ctx.env.DIB_DEBIAN_BOOTSTRAP_TOOL ?? 'auto';
  if (wanted === 'mmdebstrap' || wanted === 'debootstrap') return wanted;
  return (await which('mmdebstrap')) ? 'mmdebstrap' : 'debootstrap';
}

/** Packages every base tree holds beyond minbase. */
export const BASE_TREE_PACKAGES = ['python3'];

export async function bootstrapDebian(ctx: HostHookContext): Promise<void> {
  const tool = await chooseTool(ctx);
  const inputs = {
    tool,
    release: ctx.env.DIB_RELEASE,
    arch: ctx.arch,
    mirror: ctx.env.DIB_DISTRIBUTION_MIRROR ?? '',
    components: list(ctx.env.DIB_DEBIAN_COMPONENTS),
    // python3 is in the tree before pre-install: classic elements' scripts run with #!/usr/bin/python3 there.
    include: [...new Set([...BASE_TREE_PACKAGES, ...list(ctx.env.DIB_DEBIAN_BOOTSTRAP_INCLUDE)])],
    variant: 'minbase',
    format: 1,
  };
  const dir = path.join(ctx.imageCache, 'debian-minimal');
  const tarball = path.join(dir, `${inputs.release}-${inputs.arch}-${tool}-${cache.keyOf(inputs)}.tar`);
  const maxAgeDays = Number(ctx.env.DIB_DEBIAN_BASE_CACHE_DAYS ?? '7');
  const fresh = () => existsSync(tarball) && (ctx.offline || (Date.now() - statSync(tarball).mtimeMs) / 86_400_000 < maxAgeDays);

  if (!fresh()) {
    if (ctx.offline) {
      throw new ElementError(
        ERRORS.DIB_E_BASE_TREE_NOT_CACHED,
        `--offline, but there is no cached Debian ${inputs.release} ${inputs.arch} base tree (${tarball})`,
      );
    }
    mkdirSync(dir, { recursive: true });
    await cache.withLock(tarball, async () => {
      if (fresh()) return; // another build made it while we waited
      ctx.log(`making the ${inputs.release} base tree with ${tool}`);
      const partial = `${tarball}.partial-${process.pid}`;
      try {
        if (tool === 'mmdebstrap') await runMmdebstrap(ctx, inputs, partial);
        else await runDebootstrap(ctx, inputs, partial);
        renameSync(partial, tarball);
      } finally {
        rmSync(partial, { force: true });
      }
    });
  } else {
    ctx.log(`using cached base tree ${tarball}`);
  }
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
  writeSources(ctx.targetRoot, inputs.release ?? '', inputs.components, ctx.env.DIB_DEBIAN_SECURITY_MIRROR);
}

type Inputs = { release?: string; arch: string; mirror: string; components: string[]; include: string[] };

function runMmdebstrap(ctx: HostHookContext, i: Inputs, out: string) {
  const args = ['--variant=minbase', `--architectures=${i.arch}`, '--mode=root', '--format=tar', `--components=${i.components.join(',')}`];
  if (i.include.length) args.push(`--include=${i.include.join(',')}`);
  args.push(i.release ?? 'bookworm', out);
  if (i.mirror) args.push(i.mirror);
  // Empty stdin: with no mirror argument mmdebstrap then uses its own default.
  return ctx.run('mmdebstrap', args, { input: '' });
}

async function runDebootstrap(ctx: HostHookContext, i: Inputs, out: string) {
  const tree = `${out}.tree`;
  try {
    const args = ['--variant=minbase', `--arch=${i.arch}`, `--components=${i.components.join(',')}`];
    if (i.include.length) args.push(`--include=${i.include.join(',')}`);
    args.push(i.release ?? 'bookworm', tree);
    if (i.mirror) args.push(i.mirror);
    await ctx.run('debootstrap', args);
    await ctx.run('tar', ['--create', '--file', out, '--numeric-owner', '--xattrs', '--xattrs-include=*', '--directory', tree, '.']);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * sources.list with -updates and security next to the mirror the tool used. The
 * security archive sits beside the main one on Debian mirrors (".../debian" ->
 * ".../debian-security"); DIB_DEBIAN_SECURITY_MIRROR overrides that guess.
 */
function writeSources(root: string, release: string, components: string[], securityMirror?: string): void {
  const file = path.join(root, 'etc/apt/sources.list');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+/m.exec(existing);
  if (!m) return;
  const mirror = m[1].replace(/\/$/, '');
  const comps = components.join(' ');
  const security = securityMirror || (mirror.endsWith('/debian') ? `${mirror}-security` : '');
  const lines = [`deb ${mirror} ${release} ${comps}`, `deb ${mirror} ${release}-updates ${comps}`];
  if (security && !['sid', 'unstable'].includes(release)) lines.push(`deb ${security} ${release}-security ${comps}`);
  writeFileSync(file, `# Written by dib (debian-minimal)\n${lines.join('\n')}\n`);
}
