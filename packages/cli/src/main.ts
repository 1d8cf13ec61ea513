/** Command dispatch for `dib`. */
import { CORE_VERSION, didYouMean } from '@dib/core';
import { COMMANDS } from './commands/registry.js';
import { CLI_VERSION } from './cli-version.js';
import { EXIT } from './exit.js';

const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;

export const USAGE = `dib: build disk images, filesystem images and ramdisks from elements

Usage: dib <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n')}

Run \`dib <command> --help\` (or \`dib help <command>\`) for a command's options.
Compatible bins: disk-image-create, ramdisk-image-create, element-info, disk-image-get-kernel.`;

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c.run]));

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
  const run = BY_NAME.get(command);
  if (!run) {
    const guess = didYouMean(command, [...BY_NAME.keys()]);
    process.stderr.write(guess ? `dib: unknown command "${command}"; did you mean "dib ${guess}"?\n` : `dib: unknown command "${command}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  return run(rest);
}
