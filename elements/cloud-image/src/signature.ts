/**
 * OpenPGP checks with gpgv against one keyring file: nothing from the host's or the
 * user's GnuPG trust is consulted, so only the key the element ships (or the user
 * names) can vouch for a checksum file.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CommandError, ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

/** How a distribution signs its checksum file: a detached signature beside it (Ubuntu), or inline (Fedora). */
export type ChecksumSignature = { detached: string } | 'clearsigned';

/**
 * The text of `data` a key in `keyring` vouches for: the whole file when `detachedSignature`
 * verifies it, or, for a clearsigned file, only the part inside the signature (what gpgv
 * writes out), so that lines added around a signed block are never trusted.
 */
export async function verifiedText(ctx: HostHookContext, keyring: string, data: string, detachedSignature?: string): Promise<string> {
  const signedPart = `${data}.signed-${process.pid}`;
  // gpgv reads a relative --keyring from ~/.gnupg: always pass an absolute path.
  const args = detachedSignature ? [detachedSignature, data] : ['--output', signedPart, data];
  try {
    // A file of the same name left by a killed build would make gpgv refuse to write.
    rmSync(signedPart, { force: true });
    await ctx.run('gpgv', ['--keyring', path.resolve(keyring), ...args]);
    return readFileSync(detachedSignature ? data : signedPart, 'utf8');
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_IMAGE_SIGNATURE,
      `${path.basename(data)} is not signed by a key in ${keyring} (gpgv ${e.message.replace(/^gpgv /, '')}); ${e.tailText}`,
      { cause: e },
    );
  } finally {
    rmSync(signedPart, { force: true });
  }
}
