/** How the CLI ends: DibErrors print their catalogue entry; exit codes follow shell conventions. */
import { DibError, isDibError } from '@dib/core';

export const EXIT = { ok: 0, failed: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

export function reportError(e: unknown, json: boolean): number {
  const err = isDibError(e) ? e : new DibError('DIB_E_COMMAND_FAILED', (e as Error)?.stack ?? String(e));
  if (json) process.stdout.write(`${JSON.stringify({ event: 'error', ...err.toJSON() })}\n`);
  process.stderr.write(`\n${err.format()}\n`);
  if (err.code === 'DIB_E_ARGUMENT' || err.code === 'DIB_E_OPTION_UNSUPPORTED') return EXIT.usage;
  return EXIT.failed;
}
