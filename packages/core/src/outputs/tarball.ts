/** tar and tgz outputs: numeric owners, xattrs and ACLs kept, virtual filesystems left out. */
import { which } from '../host/which.js';
import type { OutputContext } from './formats.js';

/** What a tar of an image tree keeps beyond names and contents: numeric owners, xattrs, ACLs, SELinux labels. */
export const TREE_ATTRIBUTES = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls', '--selinux'];

export async function writeTarball(ctx: OutputContext, compression: 'none' | 'gzip'): Promise<void> {
  const args = [
    '--create',
    '--file',
    ctx.file,
    ...TREE_ATTRIBUTES,
    '--sparse',
    '--exclude=./proc/*',
    '--exclude=./sys/*',
    '--exclude=./dev/pts/*',
    '--exclude=./tmp/in_target.d',
    '--directory',
    ctx.targetRoot,
  ];
  if (compression === 'gzip') args.push(`--use-compress-program=${(await which('pigz')) ? 'pigz' : 'gzip'}`);
  await ctx.run('tar', [...args, '.']);
}
