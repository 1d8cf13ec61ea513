/**
 * git sources: a clone per repository under the image cache, brought up to date with the
 * ref asked for (or every head and tag for "*"), then cloned into the image at that ref.
 */
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS, failureText } from './errors.js';
import { where, type Source } from './source.js';

const ALL_REFS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

/** git without the "dubious ownership" refusal: the cache and the image tree belong to whoever builds. */
const git = (ctx: HostHookContext, args: readonly string[]) => ctx.run('git', ['-c', 'safe.directory=*', ...args]);

/** The commit a ref names in a repository, or undefined. */
async function commitOf(ctx: HostHookContext, gitDir: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(ctx, [`--git-dir=${gitDir}`, 'rev-parse', '-q', '--verify', `${ref}^{commit}`])).stdout.trim();
  } catch {
    return undefined;
  }
}

const fetchFailed = (s: Source, e: unknown) =>
  new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_FETCH, `${s.name}: git ${s.location} (${where(s.origin)}): ${failureText(e)}`, {
    location: { file: s.origin.file },
  });

/** Makes the cache clone hold the source's ref; offline, only what the cache has already. */
export async function updateGitCache(ctx: HostHookContext, s: Source, cache: string): Promise<void> {
  const gitDir = `${cache}/.git`;
  if (!existsSync(gitDir)) {
    if (ctx.offline) throw offlineMiss(s, cache, 'the repository was never cloned');
    rmSync(`${cache}.tmp`, { recursive: true, force: true });
    try {
      await git(ctx, ['clone', '-q', '--no-checkout', s.location, `${cache}.tmp`]);
    } catch (e) {
      rmSync(`${cache}.tmp`, { recursive: true, force: true });
      throw fetchFailed(s, e);
    }
    renameSync(`${cache}.tmp`, cache);
  }
  const all = s.ref === '*';
  const cached = !all && (await commitOf(ctx, gitDir, s.ref)) !== undefined;
  if (ctx.offline) {
    if (all || cached) return;
    throw offlineMiss(s, cache, `the cached clone has no ${s.ref}`);
  }
  const fetch = (refspecs: string[]) => git(ctx, [`--git-dir=${gitDir}`, 'fetch', '-q', '--prune', '--update-head-ok', s.location, ...refspecs]);
  try {
    // A named ref may live outside refs/heads (a review's refs/changes/...); a commit
    // id cannot be fetched by name, so it must be reachable from a head or tag.
    if (all) await fetch(ALL_REFS);
    else await fetch([`+${s.ref}:${s.ref}`]).catch(() => fetch(ALL_REFS));
  } catch (e) {
    throw fetchFailed(s, e);
  }
  if (!all && (await commitOf(ctx, gitDir, s.ref)) === undefined)
    throw new ElementError(
      ERRORS.DIB_E_SOURCE_REPOSITORY_REF_MISSING,
      `${s.name}: ${s.location} has no branch, tag or commit "${s.ref}" (${where(s.origin)})`,
      {
        location: { file: s.origin.file },
      },
    );
}

function offlineMiss(s: Source, cache: string, why: string) {
  return new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_OFFLINE, `${s.name}: ${s.location} at ${s.ref}: ${why} (cache ${cache}; ${where(s.origin)})`, {
    location: { file: s.origin.file },
  });
}

/** Clones the cache into the image at `dest`, checked out at the ref; returns the commit. */
export async function checkoutGit(ctx: HostHookContext, s: Source, cache: string, dest: string): Promise<string> {
  if (existsSync(dest) && readdirSync(dest).length > 0)
    throw new ElementError(ERRORS.DIB_E_SOURCE_REPOSITORY_DUPLICATE, `${s.name}: ${s.destination} is not empty in the image (${where(s.origin)})`, {
      location: { file: s.origin.file },
    });
  await git(ctx, ['clone', '-q', '--no-checkout', cache, dest]);
  const inDest = (...args: string[]) => git(ctx, ['-C', dest, ...args]);
  if (s.ref === '*') {
    await inDest('fetch', '-q', '--prune', '--update-head-ok', cache, ...ALL_REFS);
    await inDest('checkout', '-q', '-f');
  } else {
    // The commit the cache resolved: a tag, a branch, a review ref or an id alike. A
    // local fetch may name any commit the cache holds.
    const commit = await commitOf(ctx, `${cache}/.git`, s.ref);
    if (!commit) throw new Error(`${s.ref} vanished from the cache ${cache}`);
    await inDest('fetch', '-q', cache, commit);
    await inDest('reset', '-q', '--hard', commit);
  }
  // The image's clone points at where the source came from, not at this host's cache.
  await inDest('remote', 'set-url', 'origin', s.location);
  return (await inDest('rev-parse', 'HEAD')).stdout.trim();
}
