import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Commands stood in for by small scripts, to run a hook script's logic without a chroot. */
export interface StubCommands {
  /** The directory to put first on PATH. */
  readonly dir: string;
  /** Every call so far, as `name arg arg...`, in order. */
  calls(): string[];
  /** Removes the directory. */
  remove(): void;
}

/**
 * Writes one executable per entry: `name -> sh body`. Each records its call before the body
 * runs, so a test can assert which commands a script ran and with which arguments.
 */
export function stubCommands(commands: Record<string, string>): StubCommands {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-stubs-'));
  const log = path.join(dir, '.calls');
  for (const [name, body] of Object.entries(commands)) {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A flock(1) stand-in: takes the options and the lock path off, and runs the command. */
export const FLOCK_STUB =
  'while [ $# -gt 0 ]; do case "$1" in --nonblock) shift ;; --wait) shift 2 ;; *) break ;; esac; done; shift; [ $# -eq 0 ] || exec "$@"';
