/**
 * Every `dib` subcommand once: name, one-line summary, usage and options. Dispatch,
 * `dib --help`, `dib completion` and the man page are all made from this list.
 */
import type { Options } from '../command.js';
import { bootTestCommand } from './boot-test.js';
import { cacheCommand } from './cache.js';
import { cleanupCommand } from './cleanup.js';
import { completionScript, COMPLETION_SHELLS } from './completion-script.js';
import { createCommand, CREATE_USAGE, IMAGE_OPTIONS, ramdiskCommand, RAMDISK_USAGE } from './create.js';
import { doctorCommand } from './doctor.js';
import { elementInfoCommand } from './element-info.js';
import { getKernelCommand } from './get-kernel.js';
import { importElementCommand } from './import-element.js';
import { initCommand } from './init.js';
import { listCommand } from './list.js';
import { newElementCommand } from './new-element.js';
import { command } from '../command.js';
import { DibError } from '@dib/core';
import { EXIT } from '../exit.js';

export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  readonly run: (args: string[]) => Promise<number>;
}

const COMPLETION_USAGE = `Usage: dib completion bash|zsh|fish

Prints a completion script for the shell: commands, each command's options, output
types and architectures, files and directories where an option takes one, and the
image names of the config file after dib create, ramdisk and list.

  bash:  eval "$(dib completion bash)"     (or save it as /etc/bash_completion.d/dib)
  zsh:   eval "$(dib completion zsh)"      (in ~/.zshrc)
  fish:  dib completion fish > ~/.config/fish/completions/dib.fish`;

const completionCommand = command(COMPLETION_USAGE, {}, async (_v, positionals) => {
  const shell = positionals[0];
  if (positionals.length !== 1 || !COMPLETION_SHELLS.includes(shell as (typeof COMPLETION_SHELLS)[number])) {
    throw new DibError(
      'DIB_E_ARGUMENT',
      `dib completion takes one shell: ${COMPLETION_SHELLS.join(', ')}; got ${positionals.map((p) => JSON.stringify(p)).join(' ') || 'none'}`,
    );
  }
  process.stdout.write(completionScript(shell as (typeof COMPLETION_SHELLS)[number], COMMANDS));
  return EXIT.ok;
});

const image = (name: string, summary: string, usage: string, run: (args: string[]) => Promise<number>): CommandEntry => ({
  name,
  summary,
  usage,
  options: IMAGE_OPTIONS,
  run,
});
const entry = (name: string, summary: string, c: { usage: string; options: Options } & ((args: string[]) => Promise<number>)): CommandEntry => ({
  name,
  summary,
  usage: c.usage,
  options: c.options,
  run: c,
});

export const COMMANDS: readonly CommandEntry[] = [
  image('create', "build images (DIB's disk-image-create); --dry-run prints the plan", CREATE_USAGE, (args) => createCommand(args, ['dib', 'create'])),
  image('ramdisk', "build a kernel + ramdisk pair (DIB's ramdisk-image-create)", RAMDISK_USAGE, (args) => ramdiskCommand(args, ['dib', 'ramdisk'])),
  entry('list', 'the images of the config file: elements, types, output', listCommand),
  entry('init', 'write a starter dib config and add the element packages to package.json', initCommand),
  entry('new-element', 'scaffold a third-party element package with a passing test', newElementCommand),
  entry('import-element', 'turn a classic DIB element directory into an element package', importElementCommand),
  entry('element-info', 'list elements, their dependencies and variables', elementInfoCommand),
  entry('doctor', 'check (and with --fix install) the host tools a build needs', doctorCommand),
  entry('cleanup', 'release mounts and directories left by a killed build', cleanupCommand),
  entry('cache', 'list or prune the stage cache (stored phases and outputs of builds)', cacheCommand),
  entry('boot-test', 'boot an image in QEMU and wait for a login prompt or a marker', bootTestCommand),
  entry('get-kernel', 'extract the kernel and initramfs from an image (disk-image-get-kernel)', getKernelCommand),
  entry('completion', 'print a completion script for bash, zsh or fish', completionCommand),
];
