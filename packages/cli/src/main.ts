/** Command dispatch for `dib`. */
import { CORE_VERSION, didYouMean } from '@dib/core';
import { bootTestCommand } from './commands/boot-test.js';
import { cleanupCommand } from './commands/cleanup.js';
import { cacheCommand } from './commands/cache.js';
import { getKernelCommand } from './commands/get-kernel.js';
import { initCommand } from './commands/init.js';
import { newElementCommand } from './commands/new-element.js';
import { importElementCommand } from './commands/import-element.js';
import { createCommand, ramdiskCommand } from './commands/create.js';
import { doctorCommand } from './commands/doctor.js';
import { elementInfoCommand } from './commands/element-info.js';
import { listCommand } from './commands/list.js';
import { CLI_VERSION } from './cli-version.js';
import { EXIT } from './exit.js';

export const USAGE = `dib: build disk images, filesystem images and ramdisks from elements

Usage: dib <command> [options]

Commands:
  create          build images (DIB's disk-image-create); --dry-run prints the plan
  ramdisk         build a kernel + ramdisk pair (DIB's ramdisk-image-create)
  list            the images of the config file: elements, types, output
  init            write a starter dib.config.ts and add the element packages to package.json
  new-element     scaffold a third-party element package with a passing test
  import-element  turn a classic DIB element directory into an element package
  element-info    list elements, their dependencies and variables
  doctor          check (and with --fix install) the host tools a build needs
  cleanup         release mounts and directories left by a killed build
  cache           list or prune the stage cache (stored phases and outputs of builds)
  boot-test       boot an image in QEMU and wait for a login prompt or a marker
  get-kernel      extract the kernel and initramfs from an image (disk-image-get-kernel)

Run \`dib <command> --help\` for a command's options.
Compatible bins: disk-image-create, ramdisk-image-create, element-info, disk-image-get-kernel.`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  create: (args) => createCommand(args, ['dib', 'create']),
  ramdisk: (args) => ramdiskCommand(args, ['dib', 'ramdisk']),
  'element-info': elementInfoCommand,
  list: listCommand,
  doctor: doctorCommand,
  cleanup: cleanupCommand,
  cache: cacheCommand,
  'boot-test': bootTestCommand,
  'get-kernel': getKernelCommand,
  init: initCommand,
  'new-element': newElementCommand,
  'import-element': importElementCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // `dib help create` is `dib create --help`; an unknown name falls through to the error below.
  if (command === 'help' && rest.length) return main([rest[0], '--help']);
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`dib ${CLI_VERSION} (@dib/core ${CORE_VERSION})\n`);
    return EXIT.ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    const guess = didYouMean(command, Object.keys(COMMANDS));
    process.stderr.write(guess ? `dib: unknown command "${command}"; did you mean "dib ${guess}"?\n` : `dib: unknown command "${command}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  return run(rest);
}
