/** `dib boot-test IMAGE`: boots an image in QEMU and waits for a text on its serial console. */
import { bootImage, consoleTail, DibError, LOGIN_PROMPT } from '@dib/core';
import { existsSync, writeFileSync } from 'node:fs';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const BOOT_TEST_USAGE = `Usage: dib boot-test IMAGE [--uefi] [--expect TEXT] [--timeout SECONDS]

Boots IMAGE (qcow2, raw, vmdk, vhd) in QEMU (KVM when available, software emulation
otherwise), watches the serial console until TEXT appears (default: a login prompt),
then powers the guest off. Exits 0 when the text appeared, 1 otherwise.

Options:
  --uefi              boot with OVMF (UEFI) instead of BIOS
  --expect TEXT       text to wait for on the serial console
  --timeout SECONDS   give up after this long (default 300)
  --console FILE      write the whole serial console to FILE
  --json              print the result as JSON
  -h, --help          this help`;

const OPTIONS = {
  uefi: { type: 'boolean' },
  expect: { type: 'string' },
  timeout: { type: 'string' },
  console: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const bootTestCommand = command(BOOT_TEST_USAGE, OPTIONS, async (v, positionals, json) => {
  const [image] = positionals;
  if (!image || positionals.length > 1) throw new DibError('DIB_E_ARGUMENT', `name exactly one image\n\n${BOOT_TEST_USAGE}`);
  if (!existsSync(image)) throw new DibError('DIB_E_ARGUMENT', `${image} does not exist`);
  const timeout = v.timeout === undefined ? 300 : Number(v.timeout);
  if (!(timeout > 0)) throw new DibError('DIB_E_ARGUMENT', `--timeout takes seconds, got "${v.timeout}"`);
  const result = await bootImage({ image, uefi: v.uefi, expect: v.expect ?? LOGIN_PROMPT, timeoutMs: timeout * 1000 });
  if (v.console) writeFileSync(v.console, result.console);
  const what = v.expect ? JSON.stringify(v.expect) : 'a login prompt';
  if (json) {
    process.stdout.write(`${JSON.stringify({ image, uefi: !!v.uefi, expect: v.expect ?? 'login prompt', matched: result.matched, seconds: result.elapsedMs / 1000, accelerator: result.accelerator })}\n`);
  } else if (result.matched) {
    process.stdout.write(`${image}: reached ${what} after ${(result.elapsedMs / 1000).toFixed(1)}s (${v.uefi ? 'UEFI' : 'BIOS'}, ${result.accelerator})\n`);
  }
  if (!result.matched) {
    throw new DibError('DIB_E_BOOT_TEST_FAILED', `${image} did not reach ${what} within ${timeout}s (${v.uefi ? 'UEFI' : 'BIOS'}, ${result.accelerator}); last console lines:\n${consoleTail(result.console)}`);
  }
  return EXIT.ok;
});
