/**
 * One shape for every subcommand: parse the options (plus -h/--help), print the usage on
 * --help, run, and turn any error into its catalogue entry and exit code.
 */
import type { ParseArgsConfig } from 'node:util';
import { parse } from './args.js';
import { EXIT, reportError } from './exit.js';

export type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parse<T & { help: { type: 'boolean'; short: 'h' } }>>;

/** A subcommand: run it with its arguments; its usage and options are what --help, completion and the man page show. */
export type Command = ((args: string[]) => Promise<number>) & { readonly usage: string; readonly options: Options };

export function command<T extends Options>(
  usage: string,
  options: T,
  run: (values: Parsed<T>['values'], positionals: string[], json: boolean) => Promise<number>,
): Command {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as T & { help: { type: 'boolean'; short: 'h' } };
  const runWith = async (args: string[]) => {
    const json = args.includes('--json');
    try {
      const { values, positionals } = parse(args, all, usage);
      if ((values as { help?: boolean }).help) {
        process.stdout.write(`${usage}\n`);
        return EXIT.ok;
      }
      return await run(values, positionals, json);
    } catch (e) {
      return reportError(e, json);
    }
  };
  return Object.assign(runWith, { usage, options: all as Options });
}
