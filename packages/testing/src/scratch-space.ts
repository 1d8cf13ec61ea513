/**
 * Temporary directories and command stubs for one test file, removed together after each
 * test: `const space = scratchSpace('dib-growroot'); afterEach(space.clean);`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stubCommands, type StubCommands } from './stub-commands.js';

export interface ScratchSpace {
  /** A fresh directory named PREFIX-WHAT-XXXXXX under the temp directory. */
  dir(what: string): string;
  /** Also remove this directory (one a hook made) when the test ends. */
  adopt(dir: string): string;
  /** stubCommands, removed when the test ends. */
  stub(commands: Record<string, string>): StubCommands;
  /** Removes everything made since the last call. */
  clean(): void;
}

export function scratchSpace(prefix: string): ScratchSpace {
  const dirs: string[] = [];
  const stubs: StubCommands[] = [];
  const adopt = (dir: string) => {
    dirs.push(dir);
    return dir;
  };
  return {
    dir: (what) => adopt(mkdtempSync(path.join(os.tmpdir(), `${prefix}-${what}-`))),
    adopt,
    stub: (commands) => {
      const s = stubCommands(commands);
      stubs.push(s);
      return s;
    },
    clean: () => {
      stubs.splice(0).forEach((s) => s.remove());
      dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
    },
  };
}
