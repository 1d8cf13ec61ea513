/**
 * The Ubuntu archive a bootstrap uses when DIB_DISTRIBUTION_MIRROR is unset, as
 * debootstrap's own Ubuntu script names it for the architecture (the archive for
 * amd64/i386, the ports archive for the others); mmdebstrap reads the same script. It
 * is asked rather than assumed, so the default stays the tool's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const DEBOOTSTRAP_UBUNTU_SCRIPT = '/usr/share/debootstrap/scripts/gutsy';

/** Stubs for the script's directives; the first default_mirror it reaches is the answer. */
const ASK =
  'default_mirror() { echo "$1"; exit 0; }; mirror_style() { :; }; download_style() { :; }; finddebs_style() { :; }; variants() { :; }; keyring() { :; }; . "$0"';

export function debootstrapDefaultMirror(arch: string, release: string, script = DEBOOTSTRAP_UBUNTU_SCRIPT): string | undefined {
  if (!existsSync(script)) return undefined;
  const out = execFileSync('bash', ['-c', ASK, script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ARCH: arch, SUITE: release }, encoding: 'utf8' });
  return out.trim() || undefined;
}
