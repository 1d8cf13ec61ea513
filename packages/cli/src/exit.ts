/** How the CLI ends: DibErrors print their catalogue entry; exit codes follow shell conventions. */
import { DibError, isDibError } from '@dib/core';

export const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** --debug: stacks with errors. A flag of this process, not a variable, so builds' environments do not change with it. */
export const errorDetail = { stacks: false };

const wantsStacks = () => errorDetail.stacks || process.env.DIB_DEBUG === '1';

export function reportError(e: unknown, json: boolean): number {
  const err = isDibError(e) ? e : internalError(e);
  if (json) process.stdout.write(`${JSON.stringify({ event: 'error', ...err.toJSON() })}\n`);
  process.stderr.write(`\n${err.format()}\n`);
  // --debug (DIB_DEBUG=1): where a coded error came from, too.
  const cause = err.cause instanceof Error ? err.cause : undefined;
  if (wantsStacks() && err.code !== 'DIB_E_INTERNAL' && cause?.stack) process.stderr.write(`caused by: ${cause.stack}\n`);
  if (err.code === 'DIB_E_ARGUMENT' || err.code === 'DIB_E_OPTION_UNSUPPORTED') return EXIT.usage;
  return EXIT.failed;
}

/** An error no code was given to: a bug. One line unless DIB_DEBUG asks for the stack. */
function internalError(e: unknown): DibError {
  const error = e instanceof Error ? e : new Error(String(e));
  const debug = wantsStacks() || Number(process.env.DIB_DEBUG_TRACE ?? 0) > 0;
  const firstLine = `${error.name}: ${error.message.split('\n')[0]}`;
  return new DibError('DIB_E_INTERNAL', debug ? (error.stack ?? firstLine) : firstLine, { cause: error });
}
