/** Thin wrapper over node:util parseArgs that turns its errors into DIB_E_ARGUMENT. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DibError, didYouMean } from '@dib/core';

/**
 * `--mkfs-options -O ^has_journal` is how DIB users pass option strings; parseArgs would
 * call the value ambiguous, so a string option's next word is always taken as its value.
 */
function joinStringValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : undefined;
    if (name && !name.includes('=') && options[name]?.type === 'string' && i + 1 < args.length) {
      out.push(`--${name}=${args[++i]}`);
    } else out.push(args[i]);
  }
  return out;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parse<T extends Options>(args: string[], options: T, usage: string): Parsed<T> {
  try {
    return parseArgs({ args: joinStringValues(args, options), options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message;
    // A mistyped option gets the one it resembles instead of the whole usage.
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
    const guess =
      unknown &&
      didYouMean(
        unknown[2],
        Object.keys(options).filter((o) => o.length > 1),
      );
    if (guess)
      throw new DibError('DIB_E_ARGUMENT', `unknown option ${unknown[1]}${unknown[2]}; did you mean --${guess}?`, { hint: 'See --help for every option.' });
    throw new DibError('DIB_E_ARGUMENT', `${message}\n\n${usage}`);
  }
}

/** "a,b c" -> ["a", "b", "c"] for -t and -p, which DIB takes comma separated. */
export const splitList = (values: (string | boolean)[] | string | undefined): string[] =>
  (Array.isArray(values) ? values : values === undefined ? [] : [values]).flatMap((v) => String(v).split(/[,\s]+/)).filter(Boolean);
