/**
 * OpenPGP checks with gpgv against one keyring file: nothing from the host's or the
 * user's GnuPG trust is consulted, so only the key the element ships (or the user
 * names) can vouch for a checksum file.
 */
import path from 'node:path';
import { CommandError, ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export async function verifyDetachedSignature(ctx: HostHookContext, keyring: string, data: string, signature: string): Promise<void> {
  try {
    // gpgv reads a relative --keyring from ~/.gnupg: always pass an absolute path.
    await ctx.run('gpgv', ['--keyring', path.resolve(keyring), signature, data]);
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_IMAGE_SIGNATURE,
      `${path.basename(data)} is not signed by a key in ${keyring} (gpgv ${e.message.replace(/^gpgv /, '')}); ${e.tailText}`,
      { cause: e },
    );
  }
}
