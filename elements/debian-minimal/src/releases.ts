/**
 * The Debian releases debian-minimal builds without being told more: current codenames
 * and suite names. A newer codename is accepted when the host's debootstrap knows it
 * (it ships a script per release), so a host upgrade is enough for a new release.
 */
import { existsSync } from 'node:fs';

export const DEBIAN_RELEASES = [
  'buster',
  'bullseye',
  'bookworm',
  'trixie',
  'forky',
  'duke',
  'sid',
  'oldoldstable',
  'oldstable',
  'stable',
  'testing',
  'unstable',
];

const DEBOOTSTRAP_SCRIPTS = '/usr/share/debootstrap/scripts';

export const isKnownRelease = (name: string): boolean =>
  DEBIAN_RELEASES.includes(name) || (/^[a-z][a-z0-9-]*$/.test(name) && existsSync(`${DEBOOTSTRAP_SCRIPTS}/${name}`));

export const RELEASE_HELP = `a Debian release: ${DEBIAN_RELEASES.join(', ')}, or a codename the host's debootstrap knows (${DEBOOTSTRAP_SCRIPTS})`;
