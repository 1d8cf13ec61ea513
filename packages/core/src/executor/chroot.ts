/**
 * The chroot for in-image phases: /proc, /sys, /dev, /dev/pts and the hook tree mounted,
 * the host's resolv.conf in place (the image's own restored after), services blocked
 * from starting, and cache directories bind-mounted. Opened for a run of chroot
 * phases and closed after, always.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { killProcessesUnder, mountRegistered, releaseStrayMounts } from './mounts.js';
import type { ResourceStack } from './resources.js';
import type { CommandRunner } from './runner.js';

export const IN_TARGET_HOOKS = '/tmp/in_target.d';

export interface ChrootOptions {
  targetRoot: string;
  hooksPath: string;
  /** Host directories to bind at paths inside the image. */
  cacheMounts: { source: string; target: string }[];
  /** Told about what the session had to clean up after the hooks (a mount a hook left). */
  warn: (message: string) => void;
}

const POLICY_RC_D = '#!/bin/sh\n# Written by dib during the build: services must not start in the chroot.\nexit 101\n';

export class ChrootSession {
  private readonly marker: string;
  private open = false;
  private madeMountPoints: string[] = [];

  constructor(
    private readonly runner: CommandRunner,
    private readonly resources: ResourceStack,
    private readonly options: ChrootOptions,
  ) {
    this.marker = path.join(options.targetRoot, '.dib-chroot-session');
  }

  get isOpen(): boolean {
    return this.open;
  }

  async enter(withCaches = true): Promise<void> {
    if (this.open) return;
    const { targetRoot: root, hooksPath } = this.options;
    const inRoot = (p: string) => path.join(root, p);
    // One resource entry for the whole session: leaving undoes the files and the mounts.
    this.resources.push({ kind: 'dir', path: this.marker }, () => this.leave());
    this.open = true;
    this.swapResolvConf(inRoot('etc/resolv.conf'));
    this.blockServices(inRoot('usr/sbin/policy-rc.d'));
    await mountRegistered(this.runner, this.resources, ['-t', 'proc', 'proc'], inRoot('proc'));
    await mountRegistered(this.runner, this.resources, ['-t', 'sysfs', 'sysfs'], inRoot('sys'));
    await mountRegistered(this.runner, this.resources, ['--bind', '/dev'], inRoot('dev'));
    await mountRegistered(this.runner, this.resources, ['--bind', '/dev/pts'], inRoot('dev/pts'));
    await mountRegistered(this.runner, this.resources, ['--bind', hooksPath], inRoot(IN_TARGET_HOOKS));
    for (const m of withCaches ? this.options.cacheMounts : []) {
      mkdirSync(m.source, { recursive: true });
      // A mount point dib had to make is not part of the image: removed on leaving.
      if (!exists(inRoot(m.target))) this.madeMountPoints.push(inRoot(m.target));
      await mountRegistered(this.runner, this.resources, ['--bind', m.source], inRoot(m.target));
    }
  }

  /**
   * Unmounts everything of the session and restores the image's files. A mount a hook
   * made and left (a tmpfs on /mnt) is released too, with a warning: its content must
   * not reach an output, and the build directory could not be removed under it.
   */
  async close(): Promise<void> {
    if (!this.open) return;
    const root = this.options.targetRoot;
    const killed = killProcessesUnder(root);
    if (killed) this.options.warn(`${killed} process(es) a hook started in the image were still running when the chroot closed; dib killed them`);
    await this.resources.releaseWhere((r) => (r.kind === 'mount' && r.path.startsWith(`${root}/`)) || r.path === this.marker);
    await releaseStrayMounts(root, this.runner, this.resources, this.options.warn);
  }

  private async leave(): Promise<void> {
    const root = this.options.targetRoot;
    this.open = false;
    rmSync(path.join(root, IN_TARGET_HOOKS), { recursive: true, force: true });
    // Only when empty: after a failed unmount the directory still shows the host's cache.
    for (const dir of this.madeMountPoints.splice(0)) if (isEmptyDir(dir)) rmdirSync(dir);
    this.restore(path.join(root, 'usr/sbin/policy-rc.d'));
    this.restore(path.join(root, 'etc/resolv.conf'));
  }

  private swapResolvConf(file: string): void {
    this.backup(file);
    mkdirSync(path.dirname(file), { recursive: true });
    if (existsSync('/etc/resolv.conf')) copyFileSync('/etc/resolv.conf', file);
  }

  private blockServices(file: string): void {
    this.backup(file);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, POLICY_RC_D, { mode: 0o755 });
  }

  /** Moves the image's own file aside (a symlink stays a symlink); restore() puts it back. */
  private backup(file: string): void {
    const saved = `${file}.dib-orig`;
    if (exists(file)) renameSync(file, saved);
  }

  private restore(file: string): void {
    const saved = `${file}.dib-orig`;
    rmSync(file, { force: true });
    if (exists(saved)) renameSync(saved, file);
  }
}

const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

const isEmptyDir = (dir: string) => {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
};
