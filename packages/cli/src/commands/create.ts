/** `dib create` / `disk-image-create`: plan, then build, each selected image. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  REPORT_FILE,
  build,
  createPlan,
  describeLookup,
  DibError,
  formatPlan,
  lookupStages,
  OUTPUT_FORMATS,
  planToJson,
  requireRoot,
  type BuildEvent,
  type BuildPlan,
} from '@dib/core';
import { splitList } from '../args.js';
import { command } from '../command.js';
import { errorDetail, EXIT, reportError } from '../exit.js';
import { dibSize, variableOf, withVariableForms } from '../variable-forms.js';
import { perImagePath, selectImages } from '../images.js';
import { chooseRenderer } from '../renderer.js';

export const CREATE_USAGE = `Usage: dib create [options] ELEMENT... | IMAGE...
       disk-image-create [options] ELEMENT...

Build an image from elements named on the command line, or the images named in
dib.config.* (all of them when no name is given).

Options (DIB compatible):
  -o PATH                 output path without extension (default: image)
  -t TYPES                output types, comma separated (default qcow2):
                          ${Object.keys(OUTPUT_FORMATS).join(', ')}
  -a ARCH                 target architecture (default amd64)
  -p PACKAGES             extra packages to install, comma separated
  -n                      do not add the base element
  -x                      trace hook scripts (DIB_DEBUG_TRACE=1)
  -u                      leave qcow2 uncompressed
  -c                      clear the environment (dib always sanitises the hooks' environment)
  --image-size SIZE       fixed image size: GiB, or with a unit (512MiB); disk formats; default: from content
  --image-extra-size SIZE free space added to the root filesystem: GiB, or with a unit (disk formats)
  --image-cache DIR       cache directory (default $DIB_IMAGE_CACHE or ~/.cache/image-create)
  --no-tmpfs              build on disk instead of a tmpfs
  --min-tmpfs GIB         RAM needed to build in tmpfs (default 4)
  --offline               use caches only; never touch the network
  --checksum              write .sha256 and .md5 beside each output
  --install-type TYPE     install type of elements that offer several (default source;
                          DIB_DEFAULT_INSTALLTYPE and DIB_INSTALLTYPE_<element> win)
  --root-label LABEL      root filesystem label (default cloudimg-rootfs; disk formats)
  --mkfs-options OPTS     extra mkfs options (disk formats)
  --qemu-img-options OPTS qemu-img convert options (disk formats): DIB's -o form
                          (compat=1.1), or qemu-img arguments from a leading dash
  --logfile FILE          build log (default OUTPUT.log)

dib options:
  --qcow2-compression ALG zlib (default; every qcow2 reader takes it) or zstd (about 5x
                          faster to write; read by QEMU 5.1 and later)
  --squashfs-compression ALG
                          xz (default, as DIB), zstd, gzip, lz4 or lzo
  --config FILE           config file (default: searched from the current directory)
  --elements-path DIR     classic element directory, before ELEMENTS_PATH (repeatable)
  --dry-run               print the plan (elements and why, phases and scripts, environment,
                          outputs, what the stage cache restores) and stop; needs no root
  --no-cache              run every phase: neither restore nor store stages (see dib cache)
  --json                  one JSON event per line on stdout (for CI systems)
  --verbose               stream the build log (hook output, prefixed with phase/script and
                          element) to stderr as the build runs
  --quiet                 print nothing but errors (the log and report are still written)
  --debug                 --verbose, plus -x for hooks, each host command as it runs, and
                          stack traces with errors
  --trace FILE            write the build's timeline in Chrome's trace-event format (open it
                          in Perfetto or chrome://tracing); with several images, IMAGE.FILE
  -h, --help              this help

Every build writes OUTPUT.d/report.html: timeline, elements and why, packages with
sizes, outputs with sizes and sha256, stage cache hits. One file; no network needed.

Environment: DIB_* variables and variables documented by the elements reach the hooks;
ELEMENTS_PATH adds classic element directories; break=before-PHASE,after-PHASE,after-error
opens a shell at those points.`;

export const RAMDISK_USAGE = `Usage: dib ramdisk [options] ELEMENT... | IMAGE...
       ramdisk-image-create [options] ELEMENT...

Build a kernel + ramdisk pair (OUTPUT.kernel, OUTPUT.initramfs) for maintenance work on
bare metal: deployment, inventory, burn-in. The ramdisk element (--ramdisk-element,
default ramdisk) is added; elements add to the ramdisk with binary-deps.d, init.d and
udev.d. Boot with "troubleshoot" on the kernel command line for a shell on the console.

Options: as dib create (see dib create --help), except:
  -t                      not taken: the outputs are the kernel and the initramfs
  --ramdisk-element NAME  the element that makes the ramdisk (default ramdisk)
  --tmpfs                 build in a tmpfs (ramdisk builds use the disk by default)
  --no-tmpfs              build on disk (the default)

Example:
  dib ramdisk -o deploy debian-minimal deploy
  qemu-system-x86_64 -kernel deploy.kernel -initrd deploy.initramfs \\
    -append "console=ttyS0 dib.deploy.url=http://... dib.deploy.checksum=sha256:..."`;

/** DIB options we know but do not implement yet: refused with a clear message, never ignored. */
const NOT_YET = ['max-online-resize', 'mkfs-journal-size', 'docker-target'] as const;

/** The options of dib create and dib ramdisk (and their DIB bins). */
export const IMAGE_OPTIONS = {
  o: { type: 'string' },
  t: { type: 'string', multiple: true },
  a: { type: 'string' },
  p: { type: 'string', multiple: true },
  n: { type: 'boolean' },
  x: { type: 'boolean' },
  u: { type: 'boolean' },
  c: { type: 'boolean' },
  'image-size': { type: 'string' },
  'image-extra-size': { type: 'string' },
  'image-cache': { type: 'string' },
  'no-tmpfs': { type: 'boolean' },
  tmpfs: { type: 'boolean' },
  'ramdisk-element': { type: 'string' },
  'min-tmpfs': { type: 'string' },
  offline: { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  checksum: { type: 'boolean' },
  'root-label': { type: 'string' },
  'mkfs-options': { type: 'string' },
  'qemu-img-options': { type: 'string' },
  'qcow2-compression': { type: 'string' },
  'squashfs-compression': { type: 'string' },
  logfile: { type: 'string' },
  config: { type: 'string' },
  'elements-path': { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'install-type': { type: 'string' },
  json: { type: 'boolean' },
  trace: { type: 'string' },
  verbose: { type: 'boolean' },
  quiet: { type: 'boolean' },
  debug: { type: 'boolean' },
  ...Object.fromEntries(NOT_YET.map((o) => [o, { type: 'string' }])),
} as const;

export const createCommand = (args: string[], argv0: readonly string[]) => imageCommand('disk', args, argv0);
export const ramdiskCommand = (args: string[], argv0: readonly string[]) => imageCommand('ramdisk', args, argv0);

const imageCommand = (kind: 'disk' | 'ramdisk', args: string[], argv0: readonly string[]) =>
  command(kind === 'ramdisk' ? RAMDISK_USAGE : CREATE_USAGE, IMAGE_OPTIONS, async (parsed, positionals, json) => {
    const v = withVariableForms(parsed, process.env);
    for (const o of NOT_YET) {
      if ((v as Record<string, unknown>)[o] !== undefined) {
        throw new DibError('DIB_E_OPTION_UNSUPPORTED', `--${o} (or ${variableOf(o)}) is a diskimage-builder option that dib does not implement yet`);
      }
    }
    const terminal = outputMode(v);
    if (v.c) process.stderr.write('dib: -c: the hooks environment is always sanitised (DIB_*, variables elements document or read); nothing more to clear\n');
    const minTmpfs = v['min-tmpfs'] === undefined ? undefined : Number(v['min-tmpfs']);
    if (minTmpfs !== undefined && !(Number.isInteger(minTmpfs) && minTmpfs > 0)) {
      throw new DibError('DIB_E_ARGUMENT', `--min-tmpfs (or DIB_MIN_TMPFS) takes a whole number of GiB, got "${v['min-tmpfs']}"`);
    }
    const types = splitList(v.t);
    const packages = splitList(v.p);
    const { requests } = await selectImages(
      positionals,
      {
        output: v.o,
        types: types.length ? types : undefined,
        arch: v.a,
        packages: packages.length ? packages : undefined,
        skipBase: v.n || undefined,
        trace: v.x || v.debug || undefined,
        uncompressed: v.u || undefined,
        size: dibSize(v['image-size']),
        extraSize: dibSize(v['image-extra-size']),
        rootLabel: v['root-label'],
        mkfsOptions: v['mkfs-options'],
        qemuImgOptions: v['qemu-img-options'],
        qcow2Compression: v['qcow2-compression'],
        squashfsCompression: v['squashfs-compression'],
        checksum: v.checksum || undefined,
        installType: v['install-type'],
        kind: kind === 'ramdisk' ? 'ramdisk' : undefined,
        ramdiskElement: v['ramdisk-element'],
      },
      {
        config: v.config,
        elementsPath: v['elements-path'],
        imageCache: v['image-cache'],
        tmpfs: v['no-tmpfs'] ? false : undefined,
        ramdiskTmpfs: v.tmpfs ? true : v['no-tmpfs'] ? false : undefined,
        minTmpfs,
        offline: v.offline || undefined,
        noCache: v['no-cache'] || undefined,
        logfile: v.logfile,
      },
      [...argv0, ...args],
    );
    for (const req of requests) checkFlagsForKind(req.name, req.image.kind, v);
    // Before planning: as another user, the plan's checks (an output directory only root may write) would blame the wrong thing.
    if (!v['dry-run']) requireRoot();
    const plans: BuildPlan[] = [];
    for (const req of requests) plans.push(await createPlan(req));
    if (v['dry-run']) {
      for (const plan of plans) {
        const stages = plan.stageCache.enabled ? await lookupStages(plan) : undefined;
        process.stdout.write(
          json
            ? `${JSON.stringify(planToJson(plan, stages))}\n`
            : `${formatPlan(plan)}\n\nStage cache (${plan.stageCache.dir}):\n${describeLookup(plan, stages)
                .map((l) => `  ${l}`)
                .join('\n')}\n\n`,
        );
      }
      return EXIT.ok;
    }
    for (const plan of plans) {
      const code = await buildOne(plan, json, v.trace && perImagePath(path.resolve(v.trace), plan.name, plans.length), terminal);
      if (code !== EXIT.ok) return code;
    }
    return EXIT.ok;
  })(args);

/** Flags that only one kind of image takes; the kind is known once the image is chosen (a config image can be a ramdisk). */
function checkFlagsForKind(image: string, kind: 'disk' | 'ramdisk', v: { t?: unknown; tmpfs?: unknown; 'ramdisk-element'?: unknown }): void {
  const refuse = (flag: string, given: unknown, why: string) => {
    if (given !== undefined) throw new DibError('DIB_E_ARGUMENT', `${flag} ${why}`);
  };
  if (kind === 'ramdisk') {
    refuse('-t', v.t, `does not apply to a ramdisk (${image}): its outputs are OUTPUT.kernel and OUTPUT.initramfs`);
  } else {
    refuse('--ramdisk-element', v['ramdisk-element'], `is for ramdisks (dib ramdisk, ramdisk-image-create); ${image} is a disk image`);
    refuse('--tmpfs', v.tmpfs, `is for ramdisks; disk images (${image}) build in a tmpfs when there is RAM (--no-tmpfs turns it off)`);
  }
}

/** How much a build tells the terminal: --quiet, the default, --verbose, --debug. */
interface OutputMode {
  quiet: boolean;
  /** Stream the log to stderr. */
  stream: boolean;
  debug: boolean;
}

function outputMode(v: { verbose?: boolean; quiet?: boolean; debug?: boolean }): OutputMode {
  if (v.quiet && (v.verbose || v.debug))
    throw new DibError('DIB_E_ARGUMENT', `--quiet cannot be given with ${v.verbose ? '--verbose' : '--debug'}`, { hint: 'Choose one.' });
  // Stacks for internal errors and the causes of coded ones; the builds' environment stays as it is.
  if (v.debug) errorDetail.stacks = true;
  return { quiet: v.quiet ?? false, stream: (v.verbose || v.debug) ?? false, debug: v.debug ?? false };
}

/** A log line as --verbose shows it: hook scripts' lines name their element, as DIB's output does. */
function streamLine(plan: BuildPlan): (text: string, source: string) => void {
  const elements = new Map<string, string>(
    Object.entries(plan.hooks.phases).flatMap(([phase, hooks]) => hooks.map((h) => [`${phase}/${h.name}`, h.element] as const)),
  );
  return (text, source) => {
    const element = elements.get(source);
    process.stderr.write(`${source}${element ? ` (${element})` : ''}: ${text}\n`);
  };
}

async function buildOne(plan: BuildPlan, json: boolean, traceFile: string | undefined, mode: OutputMode): Promise<number> {
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return; // a second Ctrl-C must not cut the cleanup short
    signalled = sig;
    process.stderr.write(`\ndib: ${sig} received: stopping the build and releasing mounts...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The log exists once the build has started; a refusal before (not root, output busy, missing tools) has none to point at.
  let logOpened = false;
  const emit = (e: BuildEvent) => {
    if (e.event === 'build-start') {
      logOpened = true;
      // Where to look while it runs, not only once it has ended.
      if (!json && !mode.quiet) process.stderr.write(`dib: building ${plan.name}; log: ${plan.logfile}\n`);
    }
    if (json) process.stdout.write(`${JSON.stringify(e)}\n`);
  };
  if (!json && !mode.quiet) for (const w of plan.warnings) process.stderr.write(`dib: warning: ${w}\n`);
  try {
    const renderer = mode.quiet ? 'silent' : mode.stream && !json ? 'simple' : chooseRenderer(json);
    const result = await build(plan, {
      renderer,
      emit,
      signal: controller.signal,
      traceFile,
      onLogLine: mode.stream ? streamLine(plan) : undefined,
      echoCommands: mode.debug,
    });
    if (!json && !mode.quiet) {
      process.stdout.write(`\nBuilt ${plan.name} in ${(result.durationMs / 1000).toFixed(1)}s:\n`);
      for (const o of result.outputs) process.stdout.write(`  ${o.path}${sizeOf(o.path)}\n`);
      process.stdout.write(`  manifests: ${plan.manifestDir}/\n  report: ${path.join(plan.manifestDir, REPORT_FILE)}\n  log: ${result.logfile}\n`);
      if (traceFile) process.stdout.write(`  trace: ${traceFile}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    const code = reportError(e, json);
    if (!json && logOpened) process.stderr.write(`  build log: ${plan.logfile}\n`);
    return signalled === 'SIGINT' ? EXIT.sigint : signalled === 'SIGTERM' ? EXIT.sigterm : code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const sizeOf = (file: string) => (existsSync(file) ? ` (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB)` : '');
