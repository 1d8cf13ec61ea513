import { defineElement } from '@dib/core/element';
import { z } from 'zod';

const empty = z.literal('');

export default defineElement({
  name: 'devuser',
  description: 'Adds a user for development and debugging: SSH keys from the builder, optional password, optional password-less sudo',
  dependencies: ['package-installs'],
  env: {
    DIB_DEV_USER_USERNAME: {
      description: 'Name of the user to add',
      default: 'devuser',
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a user name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters'),
    },
    DIB_DEV_USER_SHELL: {
      description: "Login shell (absolute path), given to useradd -s; empty: useradd's default. The shell's package is not installed",
      default: '',
      schema: empty.or(z.string().regex(/^\/\S+$/, 'an absolute path')),
    },
    DIB_DEV_USER_PWDLESS_SUDO: {
      description: 'Non-empty: the user may run any command with sudo without a password (0, no, false and off count as empty)',
      default: '',
    },
    DIB_DEV_USER_AUTHORIZED_KEYS: {
      description:
        "File on the build host copied to the user's ~/.ssh/authorized_keys; empty: the builder's ~/.ssh/id_rsa.pub, id_dsa.pub, id_ecdsa.pub or id_ed25519.pub (the first found); a path that is not a file (/dev/null): no keys",
      default: '',
    },
    DIB_DEV_USER_PASSWORD: {
      description: "The user's password, in clear (it is recorded in the image's build settings); empty: no password, login by key only",
      default: '',
    },
    DIB_DEV_USER_UID: {
      description: "The user's numeric id (dib addition); empty: useradd picks the next free one",
      default: '',
      schema: empty.or(z.string().regex(/^\d+$/, 'a number')),
    },
  },
  packages: { sudo: null },
  pkgMap: { family: { gentoo: { sudo: 'app-admin/sudo' } } },
});
