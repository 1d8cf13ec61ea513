/**
 * diskimage-builder's variable forms of its options: its options only export these
 * variables, so scripts that drive it set them instead (ARCH=arm64 disk-image-create ...).
 * dib reads them the same way, a flag on the command line winning; a value it cannot use
 * is refused naming the variable, never ignored.
 */
import { DibError } from '@dib/core';

type Values = Record<string, unknown>;

/** Option (as parsed) -> its variable, for string options. */
const STRING_FORMS = {
  a: 'ARCH',
  'image-size': 'DIB_IMAGE_SIZE',
  'image-extra-size': 'DIB_IMAGE_EXTRA_SIZE',
  'min-tmpfs': 'DIB_MIN_TMPFS',
  'max-online-resize': 'MAX_ONLINE_RESIZE',
  'mkfs-journal-size': 'DIB_JOURNAL_SIZE',
  'docker-target': 'DOCKER_TARGET',
} as const;

/** Option -> its variable, for switches: DIB sets them to 1. */
const SWITCH_FORMS = { checksum: 'DIB_CHECKSUM', 'no-tmpfs': 'DIB_NO_TMPFS', offline: 'DIB_OFFLINE' } as const;

/** `values` with every option left unset taken from its variable in `env`. */
export function withVariableForms<T extends Values>(values: T, env: NodeJS.ProcessEnv): T {
  const out: Values = { ...values };
  for (const [option, variable] of Object.entries(STRING_FORMS)) {
    const value = env[variable];
    if (out[option] === undefined && value !== undefined && value !== '') out[option] = value;
  }
  for (const [option, variable] of Object.entries(SWITCH_FORMS)) {
    const value = env[variable];
    if (out[option] || value === undefined || value === '' || value === '0') continue;
    if (value !== '1') {
      throw new DibError('DIB_E_ENV_INVALID', `${variable}=${value}: expected 1 (as --${option}) or 0`, { location: { key: variable } });
    }
    out[option] = true;
  }
  return out as T;
}

/** The variable an option can also be given by, for messages ("--image-size (or DIB_IMAGE_SIZE)"). */
export const variableOf = (option: string): string | undefined =>
  (STRING_FORMS as Record<string, string>)[option] ?? (SWITCH_FORMS as Record<string, string>)[option];
