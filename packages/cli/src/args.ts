/** Thin wrapper over node:util parseArgs that turns its errors into DIB_E_ARGUMENT. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DibError } from '@dib/core';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new DibError('DIB_E_ARGUMENT', `${(e as Error).message}\n\n${usage}`);
  }
}

/** "a,b c" -> ["a", "b", "c"] for -t and -p, which DIB takes comma separated. */
export const splitList = (values: (string | boolean)[] | string | undefined): string[] =>
  (Array.isArray(values) ? values : values === undefined ? [] : [values])
    .flatMap((v) => String(v).split(/[,\s]+/))
    .filter(Boolean);
