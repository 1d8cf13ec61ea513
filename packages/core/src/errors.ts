/**
 * The error catalogue. Every failure a user can meet has a permanent code, a title,
 * and a hint saying what to do; messages carry the specifics (file, key, element,
 * phase, script). Codes never change meaning once released, so users can search them.
 */
export const ERRORS = {
  DIB_E_CONFIG_INVALID: { title: 'Invalid configuration', hint: 'Fix the key named above in your config file or command line.' },
  DIB_E_CONFIG_NOT_FOUND: { title: 'Config file not found', hint: 'Check the path given to --config.' },
  DIB_E_NO_ELEMENTS: {
    title: 'No elements to build',
    hint: 'Name elements on the command line (e.g. `dib create -o img debian`) or add an image to dib.config.*.',
  },
  DIB_E_ELEMENT_NOT_FOUND: {
    title: 'Element not found',
    hint: 'Install the element package in your project (npm install <package>) or add its directory to ELEMENTS_PATH.',
  },
  DIB_E_ELEMENT_LOAD_FAILED: {
    title: 'Element package threw while loading',
    hint: 'The package exists but its entry point failed; see the original error below.',
  },
  DIB_E_NOT_AN_ELEMENT: {
    title: 'Package is not a dib element',
    hint: 'An element package exports a manifest made with defineElement() and has the keyword "dib-element".',
  },
  DIB_E_MANIFEST_INVALID: { title: 'Element manifest is invalid', hint: 'Fix the manifest key named above in the element.' },
  DIB_E_PEER_MISMATCH: {
    title: 'Element needs another version of @dib/core',
    hint: 'Install a version of the element that supports this core, or upgrade @dib/core.',
  },
  DIB_E_ELEMENT_CONFLICT: { title: 'Conflicting elements', hint: 'Remove one of the two elements from the build.' },
  DIB_E_DEPENDENCY_CYCLE: { title: 'Element dependency cycle', hint: 'Break the cycle by removing one of the dependencies shown.' },
  DIB_E_PROVIDES: { title: 'Virtual element provided more than once', hint: 'Choose exactly one element that provides it.' },
  DIB_E_NO_OPERATING_SYSTEM: { title: 'No operating system element', hint: 'Add an element that provides operating-system, such as debian or debian-minimal.' },
  DIB_E_HOOK_COLLISION: { title: 'Two elements ship the same hook file', hint: 'Rename one of the hook files so each is unique within its phase.' },
  DIB_E_OPTION_UNSUPPORTED: {
    title: 'Option not implemented yet',
    hint: 'Leave the option out; docs/architecture.md ("Not yet") lists what is still missing.',
  },
  DIB_E_OUTPUT_FORMAT: { title: 'Output format not available', hint: 'Choose one of the supported output types shown in `dib create --help`.' },
  DIB_E_ARGUMENT: { title: 'Invalid command-line argument', hint: 'See `dib <command> --help`.' },
  DIB_E_NOT_ROOT: { title: 'Needs root', hint: 'Run the build as root (sudo -E dib create ...); --dry-run works without root.' },
  DIB_E_HOST_TOOL_MISSING: { title: 'A required host tool is missing', hint: 'Run `dib doctor --fix`, or install the package named above.' },
  DIB_E_ARCH_UNSUPPORTED: {
    title: 'An element does not work on the target architecture',
    hint: 'Build for an architecture the element names, or leave the element out.',
  },
  DIB_E_ARCH_EMULATION: {
    title: "This host cannot run the target architecture's programs",
    hint: 'Run `dib doctor --fix -a ARCH` (qemu-user-static and its binfmt_misc handler), or build on a host of that architecture.',
  },
  DIB_E_HOOK_FAILED: {
    title: 'A hook script failed',
    hint: 'Read the script output above (also in the build log); export break=after-error to get a shell in the chroot at the failure.',
  },
  DIB_E_HOOK_NOT_RUNNABLE: {
    title: 'A hook script cannot be run',
    hint: 'Start the script with a #! line (#!/bin/bash): hooks are executed directly, as run-parts does, and without one the kernel refuses them.',
  },
  DIB_E_COMMAND_FAILED: { title: 'A host command failed', hint: 'Read the command output above (also in the build log).' },
  DIB_E_INTERNAL: {
    title: 'Internal error in dib',
    hint: 'This is a bug in dib, not in your input. Run again with DIB_DEBUG=1 for the stack trace, and report it with that output.',
  },
  DIB_E_INTERRUPTED: { title: 'Build interrupted', hint: 'Everything the build mounted or created was released; run the build again.' },
  DIB_E_CLEANUP_FAILED: { title: 'Could not release a build resource', hint: 'Run `dib cleanup` to release what is left, and check /proc/mounts.' },
  DIB_E_BLOCK_DEVICE_INVALID: {
    title: 'Invalid block-device layout',
    hint: "Fix the layout key named above (DIB_BLOCK_DEVICE_CONFIG, the config file's blockDevice, or the block-device element).",
  },
  DIB_E_BLOCK_DEVICE_UNSUPPORTED: {
    title: 'Block-device feature not supported yet',
    hint: 'Use a layout without it; see docs/block-device.md for what is supported.',
  },
  DIB_E_IMAGE_TOO_SMALL: { title: 'The image content does not fit', hint: 'Raise --image-size, or leave it out so dib sizes the image from its content.' },
  DIB_E_BOOT_TEST_FAILED: { title: 'The image did not boot to the expected text', hint: 'Read the serial console log named above.' },
  DIB_E_OUTPUT_BUSY: {
    title: 'Another build is writing the same output',
    hint: 'Wait for the other build to finish, or give this one another output path (-o).',
  },
  DIB_E_OUTPUT_MISSING: {
    title: 'An element did not write an output it declares',
    hint: "Check the element's hooks in the build log: the hook that writes the file into $DIB_ELEMENT_OUTPUT_DIR failed to or was skipped.",
  },
  DIB_E_ENV_INVALID: { title: 'Invalid environment variable', hint: 'Fix or unset the variable named above.' },
} as const satisfies Record<string, { title: string; hint: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Where an error happened, as far as it is known. */
export interface ErrorLocation {
  file?: string;
  key?: string;
  element?: string;
  phase?: string;
  script?: string;
}

export interface DibErrorOptions {
  location?: ErrorLocation;
  cause?: unknown;
  /** What to do, when the catalogue's general hint can be made more specific. */
  hint?: string;
}

/** A catalogued error: the core's codes (ERRORS), or an element's own (ElementError). */
export class DibError extends Error {
  /** A core code, or the code an element declares in its manifest's `errors`. */
  readonly code: ErrorCode | (string & {});
  readonly title: string;
  readonly location: ErrorLocation;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, options: DibErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'DibError';
    this.code = code;
    this.title = ERRORS[code]?.title ?? code;
    this.location = options.location ?? {};
    this.hint = options.hint ?? ERRORS[code]?.hint ?? '';
  }

  /** The same error, with what the caller knows about where it happened filled in. */
  at(location: ErrorLocation): this {
    Object.assign(this.location, { ...location, ...this.location });
    return this;
  }

  /** The text a user reads: code and title, the specifics, where, and what to do. */
  format(): string {
    const where = Object.entries(this.location)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const lines = [`${this.code}: ${this.title}`, `  ${this.message.split('\n').join('\n  ')}`];
    if (where) lines.push(`  at: ${where}`);
    lines.push(`  hint: ${this.hint}`);
    if (this.code === 'DIB_E_ELEMENT_LOAD_FAILED' && this.cause instanceof Error && this.cause.stack) {
      lines.push(`  cause: ${this.cause.stack.split('\n').join('\n  ')}`);
    }
    return lines.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, title: this.title, message: this.message, location: this.location, hint: this.hint };
  }
}

export const isDibError = (e: unknown): e is DibError => e instanceof DibError;
