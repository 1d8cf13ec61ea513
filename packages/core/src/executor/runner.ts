/**
 * Runs host commands for a build: every output line goes to the build log, children
 * run in their own process group so an interrupt can end them with everything they
 * started, and a failure says which command and shows its last lines.
 */
import os from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { DibError } from '../errors.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Keep only this environment (no inheritance from dib's own). */
  cleanEnv?: boolean;
  input?: string;
  /** Prefix for the log lines, e.g. "install/50-foo". */
  label?: string;
  /** A release step (umount): runs even after an interrupt. */
  cleanup?: boolean;
  /** Runs a hook script itself: the script's own span times it, so observers are not told. */
  hookScript?: boolean;
}

export type LineSink = (line: string, label: string) => void;

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly signal: string | undefined,
    readonly tail: readonly string[],
  ) {
    super(`${command} ${howItEnded(exitCode, signal)}`);
  }

  /** The last lines it printed, indented, or a sentence saying it printed none. */
  get tailText(): string {
    return this.tail.length ? `last lines:\n${this.tail.map((l) => `  | ${l}`).join('\n')}` : 'it printed nothing before it ended';
  }
}

const SIGNAL_NAMES = new Map(Object.entries(os.constants.signals).map(([name, number]) => [number as number, name]));

/**
 * "exit status 2", "killed by SIGKILL", or for a shell's 128+N status (a command in it
 * died of signal N, and set -e or pipefail passed that on) the signal's name as well.
 */
export function howItEnded(exitCode: number | undefined, signal: string | undefined): string {
  if (signal) return `killed by ${signal}`;
  if (exitCode === undefined) return 'could not be started';
  const died = exitCode > 128 ? SIGNAL_NAMES.get(exitCode - 128) : undefined;
  return died ? `exit status ${exitCode}: a command in it was killed by ${died}` : `exit status ${exitCode}`;
}

/** How long processes a command left in its group may outlive it before they are killed. */
const STRAY_GRACE_MS = 2000;

export class CommandRunner {
  private readonly children = new Set<ResultPromise>();
  private aborted = false;

  /** Told when a command starts and ends (the build's resources, for `dib cleanup`). */
  private tracker?: { trackProcess(pid: number): void; untrackProcess(pid: number): void };

  trackWith(tracker: { trackProcess(pid: number): void; untrackProcess(pid: number): void }): void {
    this.tracker = tracker;
  }

  /** --debug: each command is written to the log, as `+ command args`, before it runs (the host side of -x). */
  echoCommands = false;

  /** Told when each command ends: its label, the command, when it started (epoch ms), and whether it succeeded. */
  private observer?: (label: string, command: string, startedAt: number, ok: boolean) => void;

  observeWith(observer: (label: string, command: string, startedAt: number, ok: boolean) => void): void {
    this.observer = observer;
  }

  constructor(
    private readonly sink: LineSink,
    /** Told when the runner had to step in (processes a command left behind). */
    readonly warn: (message: string) => void = (message) => sink(`warning: ${message}`, 'dib'),
  ) {}

  get isAborted(): boolean {
    return this.aborted;
  }

  /** Runs a command, streaming its lines to the log; resolves with its stdout. */
  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<{ stdout: string }> {
    if (this.aborted && !options.cleanup) throw new DibError('DIB_E_INTERRUPTED', `not starting ${command}: the build was interrupted`);
    const label = options.label ?? command;
    const startedAt = Date.now();
    let ok = false;
    const tail: string[] = [];
    const record = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      this.sink(line, label);
    };
    if (this.echoCommands) this.sink(`+ ${[command, ...args].join(' ')}`, label);
    const child = execa(command, args, {
      cwd: options.cwd,
      // A clean environment still needs PATH to find the command itself.
      env: options.cleanEnv ? { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...options.env } : options.env,
      extendEnv: !options.cleanEnv,
      input: options.input,
      stdin: options.input === undefined ? 'ignore' : undefined,
      detached: true,
      reject: false,
      stdout: [
        function* (line: unknown) {
          record(String(line));
          yield line;
        },
      ],
      stderr: [
        // eslint-disable-next-line require-yield -- on purpose: an execa transform that yields nothing keeps the line out of result.stderr
        function* (line: unknown) {
          record(String(line));
        },
      ],
    });
    this.children.add(child);
    if (child.pid) this.tracker?.trackProcess(child.pid);
    // A command that leaves processes in its group (`daemon &` in a hook) would keep its
    // output open and the build waiting forever: once the command itself has exited,
    // what is left of its group gets a grace period, then is killed.
    let strays: NodeJS.Timeout | undefined;
    const ended = { strays: false };
    child.once('exit', () => {
      strays = setTimeout(() => this.endStrays(child.pid, label, ended), STRAY_GRACE_MS);
    });
    try {
      const result = await child;
      if (result.failed) {
        const shown = [command, ...args].join(' ');
        if (result.exitCode === undefined && !result.signal) tail.push(String(result.shortMessage));
        throw new CommandError(shown.length > 300 ? `${shown.slice(0, 300)}...` : shown, result.exitCode, result.signal, tail);
      }
      ok = true;
      return { stdout: String(result.stdout ?? '') };
    } finally {
      if (!options.hookScript) this.observer?.(label, [command, ...args.slice(0, 3)].join(' '), startedAt, ok);
      clearTimeout(strays);
      this.endStrays(child.pid, label, ended);
      this.children.delete(child);
      if (child.pid) this.tracker?.untrackProcess(child.pid);
    }
  }

  /** Kills what is left of a finished command's process group, saying so (once: the killed may linger as zombies). */
  private endStrays(pid: number | undefined, label: string, ended: { strays: boolean }): void {
    if (!pid || ended.strays) return;
    try {
      process.kill(-pid, 0);
    } catch {
      return; // the group is empty
    }
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      return;
    }
    ended.strays = true;
    this.warn(`${label} left processes running after it ended (process group ${pid}); dib killed them`);
  }

  /** Ends every running child and its process group: TERM, then KILL after a grace period. */
  async abort(graceMs = 3000): Promise<void> {
    this.aborted = true;
    const groups = [...this.children].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
    const signal = (sig: NodeJS.Signals) =>
      groups.forEach((pid) => {
        try {
          process.kill(-pid, sig);
        } catch {
          /* gone */
        }
      });
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.children.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (this.children.size) signal('SIGKILL');
    await Promise.allSettled([...this.children]);
  }
}
