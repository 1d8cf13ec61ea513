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

/** DIB takes --image-size and --image-extra-size in GiB when no unit is given. */
export const dibSize = (v: string | undefined) => (v && /^\d+(\.\d+)?$/.test(v) ? `${v}GiB` : v);

/** The variable forms that change what a build makes (the others change how it runs): a task engine's inputs. */
export const CONTENT_VARIABLE_FORMS = [STRING_FORMS.a, STRING_FORMS['image-size'], STRING_FORMS['image-extra-size'], SWITCH_FORMS.checksum] as const;

/** The image options DIB's variables set, as dib create reads them when no flag is given. */
export function imageOptionsFromVariables(env: NodeJS.ProcessEnv): { arch?: string; size?: string; extraSize?: string; checksum?: boolean } {
  const v = withVariableForms({} as Record<string, string | boolean | undefined>, env);
  return {
    arch: v.a as string | undefined,
    size: dibSize(v['image-size'] as string | undefined),
    extraSize: dibSize(v['image-extra-size'] as string | undefined),
    checksum: (v.checksum as boolean | undefined) || undefined,
  };
}
