/**
 * Outputs are written under temporary names beside their final ones and renamed into
 * place together once the whole build has succeeded: a build that fails, is interrupted
 * or killed never leaves a final name half-written, nor some outputs of a new build next
 * to others of an old one. Each temporary file is a build resource, so a failed build
 * removes it and `dib cleanup` does after SIGKILL.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ResourceStack } from './resources.js';

/** `.NAME.dib-partial-PID` beside NAME: hidden, and provably this build's (see leftovers.ts). */
export const partialName = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.dib-partial-${process.pid}`);

export class PendingOutputs {
  private readonly pending = new Map<string, string>();
  private readonly sums = new Map<string, string>();
  private committed = false;

  constructor(private readonly resources: ResourceStack) {}

  /** Writes `file` through `write(tmp)`, held under its temporary name until commit(). */
  async write(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = partialName(file);
    rmSync(tmp, { recursive: true, force: true });
    this.resources.push({ kind: 'file', path: tmp }, async () => {
      if (!this.committed) rmSync(tmp, { recursive: true, force: true });
    });
    await write(tmp);
    this.pending.set(file, tmp);
  }

  /** The temporary name of `file` when this build has written it and not committed yet. */
  pendingPath(file: string): string | undefined {
    return this.pending.get(file);
  }

  /** Keeps the sha256 the build read `file` for, so no later step reads it again for it. */
  recordSha256(file: string, sha256: string): void {
    this.sums.set(file, sha256);
  }

  sha256Of(file: string): string | undefined {
    return this.sums.get(file);
  }

  /** Where `file`'s content is now: its temporary name until commit(). */
  current(file: string): string {
    return this.pending.get(file) ?? file;
  }

  /** Renames every output into place; an existing manifest directory is replaced whole. */
  commit(): void {
    for (const [file, tmp] of this.pending) {
      if (existsSync(file) && statSync(file).isDirectory()) rmSync(file, { recursive: true, force: true });
      renameSync(tmp, file);
    }
    this.committed = true;
    this.pending.clear();
  }
}
