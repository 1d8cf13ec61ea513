/**
 * Everything a build creates on the host (mounts, tmpfs, temp dirs) is registered
 * here and released in reverse order on success, failure or interrupt. The list is
 * mirrored to a state file so `dib cleanup` can release what a killed build left.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DibError } from '../errors.js';
import { processStartTime } from '../host/process-start.js';

export type ResourceRecord =
  | { kind: 'mount'; path: string }
  | { kind: 'dir'; path: string }
  | { kind: 'file'; path: string }
  /** A running command's process group (path /proc/PID, PID its leader), ended by `dib cleanup` after SIGKILL. */
  | { kind: 'process'; path: string; started: string };

interface Resource {
  record: ResourceRecord;
  release: () => Promise<void>;
}

export const stateDir = (env: NodeJS.ProcessEnv = process.env) => env.DIB_STATE_DIR ?? '/run/dib';

export class ResourceStack {
  private readonly stack: Resource[] = [];
  readonly stateFile: string;

  constructor(buildId: string, dir = stateDir()) {
    mkdirSync(dir, { recursive: true });
    this.stateFile = path.join(dir, `${buildId}.json`);
    this.save();
  }

  push(record: ResourceRecord, release: () => Promise<void>): void {
    this.stack.push({ record, release });
    this.save();
  }

  /**
   * Records a command while it runs: commands run in their own process groups and would
   * outlive a build killed with SIGKILL (qemu-img, tar, mmdebstrap). `dib cleanup` ends
   * the group if its leader is still the same process.
   */
  trackProcess(pid: number): void {
    const started = processStartTime(pid);
    if (started) this.push({ kind: 'process', path: `/proc/${pid}`, started }, async () => {});
  }

  untrackProcess(pid: number): void {
    const i = this.stack.findIndex((r) => r.record.kind === 'process' && r.record.path === `/proc/${pid}`);
    if (i < 0) return;
    this.stack.splice(i, 1);
    this.save();
  }

  /** Releases one resource now (e.g. unmount the chroot mounts between phases). */
  async releaseWhere(match: (r: ResourceRecord) => boolean): Promise<void> {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      if (!match(this.stack[i].record)) continue;
      const [res] = this.stack.splice(i, 1);
      await res.release();
      this.save();
    }
  }

  /** Whether the build registered this resource (a mount dib made, as against one a hook left). */
  holds(kind: ResourceRecord['kind'], at: string): boolean {
    return this.stack.some((r) => r.record.kind === kind && r.record.path === at);
  }

  get size(): number {
    return this.stack.length;
  }

  /** Releases everything in reverse order; keeps going past failures and reports them all. */
  async releaseAll(): Promise<void> {
    const failures: string[] = [];
    const kept: Resource[] = [];
    while (this.stack.length) {
      const res = this.stack.pop()!;
      try {
        await res.release();
      } catch (e) {
        failures.push(`${res.record.kind} ${res.record.path}: ${(e as Error).message}`);
        kept.unshift(res);
      }
      this.save(kept);
    }
    if (failures.length) {
      // The state file keeps what could not be released, for `dib cleanup`.
      throw new DibError('DIB_E_CLEANUP_FAILED', failures.join('\n'));
    }
    rmSync(this.stateFile, { force: true });
  }

  private save(extra: Resource[] = []): void {
    const resources = [...this.stack, ...extra].map((r) => r.record);
    // Whole or not at all: `dib cleanup` never reads a state cut short.
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, resources }, null, 2));
    renameSync(tmp, this.stateFile);
  }
}
