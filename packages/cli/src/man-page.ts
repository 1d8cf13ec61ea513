/**
 * dib(1), made from the command list: each command's usage text as --help prints it,
 * under a roff heading, with the exit codes and the variables dib reads.
 */
import type { CommandEntry } from './commands/registry.js';
import { EXIT } from './exit.js';

/** Text as roff shows it literally: backslashes escaped, no line read as a request. */
const roff = (text: string) =>
  text
    .replace(/\\/g, '\\e')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');

const EXIT_MEANINGS: Record<keyof typeof EXIT, string> = {
  ok: 'success',
  failed: 'the build or command failed; the error names its code, where it happened, and what to do',
  usage: 'a bad command line, refused before anything ran',
  sigint: 'interrupted by SIGINT; mounts and temporary files were released',
  sigterm: 'stopped by SIGTERM; mounts and temporary files were released',
};

const DESCRIPTION = `dib composes elements (npm packages or classic diskimage-builder element directories)
into a root tree built in phases, partly in a chroot, and writes it out as disk images,
filesystem images, tarballs or a kernel and ramdisk. The images of a project live in its
dib.config.* file. Each command is listed below with the text its --help prints.`;

export function manPage(commands: readonly CommandEntry[], version: string): string {
  const sections = [
    `.TH DIB 1 "" "dib ${version}" "dib manual"`,
    '.SH NAME',
    'dib \\- build disk images, filesystem images and ramdisks from elements',
    '.SH SYNOPSIS',
    '.B dib',
    '.I command',
    '[\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    roff(DESCRIPTION),
    '.SH COMMANDS',
    ...commands.flatMap((c) => [`.SS dib ${c.name}`, roff(c.summary), '.PP', '.nf', roff(c.usage), '.fi']),
    '.SH EXIT STATUS',
    ...Object.entries(EXIT).flatMap(([name, code]) => ['.TP', `.B ${code}`, roff(EXIT_MEANINGS[name as keyof typeof EXIT])]),
    '.SH SEE ALSO',
    'disk-image-create(1) and ramdisk-image-create(1) of diskimage-builder, whose options dib create and dib ramdisk take;',
    "docs/cli.md, docs/errors.md and docs/configuration.md in dib's repository.",
  ];
  return `${sections.join('\n')}\n`;
}
