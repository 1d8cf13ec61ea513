/**
 * A throwaway OpenPGP key for fixtures that must be signed like a distribution's
 * (an apt archive's Release file, a cloud image's checksum file): made in its own
 * GnuPG home, so the host's keys are never read or changed.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export interface SigningKey {
  /** Binary keyring holding the public key (what gpgv, apt and mmdebstrap read). */
  readonly keyring: string;
  /** The same public key armored (what dnf's gpgkey= and rpm --import read). */
  readonly armored: string;
  readonly fingerprint: string;
  /** Writes FILE.gpg (a detached signature), or with `clear`, OUT as the clearsigned FILE (an InRelease). */
  sign(file: string, options?: { clear?: string }): Promise<void>;
  /** Signs an RPM package in place with rpmsign, as a distribution signs its packages. */
  signRpm(file: string): Promise<void>;
}

export async function makeSigningKey(dir: string, name = 'dib test signing key'): Promise<SigningKey> {
  const home = path.join(dir, 'gnupg');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const gpg = (args: string[]) => execa('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  await gpg(['--quick-generate-key', `${name} <test@dib.invalid>`, 'ed25519', 'sign', 'never']);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec((await gpg(['--with-colons', '--list-keys'])).stdout)?.[1] ?? '';
  const keyring = path.join(dir, 'keyring.gpg');
  await gpg(['--output', keyring, '--export', fingerprint]);
  const armored = path.join(dir, 'key.asc');
  await gpg(['--armor', '--output', armored, '--export', fingerprint]);
  return {
    keyring,
    armored,
    fingerprint,
    signRpm: async (file) => {
      // rpm's default gpg command names gpg2 and asks a terminal for the passphrase.
      const macros = {
        __gpg: '/usr/bin/gpg',
        _gpg_name: fingerprint,
        _gpg_path: home,
        _gpg_sign_cmd_extra_args: "--batch --pinentry-mode loopback --passphrase ''",
      };
      await execa('rpmsign', [...Object.entries(macros).flatMap(([k, v]) => ['--define', `${k} ${v}`]), '--addsign', file]);
    },
    sign: async (file, options = {}) => {
      if (options.clear) await gpg(['--yes', '--local-user', fingerprint, '--output', options.clear, '--clearsign', file]);
      else await gpg(['--yes', '--local-user', fingerprint, '--output', `${file}.gpg`, '--detach-sign', file]);
    },
  };
}
