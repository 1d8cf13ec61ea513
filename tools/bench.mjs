#!/usr/bin/env node
// Times the same image built by dib and by diskimage-builder (disk-image-create from
// Debian's python3-diskimage-builder) on this machine, each with its own empty cache:
// cold, then unchanged (the same build again), then changed (one install.d script of a
// classic element, bench-step, edited). Prints the times, dib's ratio to
// diskimage-builder, the image sizes and dib's peak RSS; run as root.
//
//   node tools/bench.mjs [--elements debian-minimal] [--type qcow2] [--only dib|dib-py] [--out DIR]
//                        [--dib-args '--qcow2-compression zstd']   (options for dib's builds only)
//   node tools/bench.mjs --ramdisk [--elements debian-minimal,ramdisk]   (dib ramdisk vs ramdisk-image-create)
// diskimage-builder 3.13 as packaged in Debian 12 fails its ramdisk step in the chroot
// ("_BASE_ELEMENT_DIR: unbound variable", post-install.d/99-build-ramdisk); the table then
// shows how long it took to get there, with its exit status.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: 'debian-minimal' },
    type: { type: 'string', default: 'qcow2' },
    only: { type: 'string' },
    out: { type: 'string', default: '/var/tmp/dib-bench' },
    ramdisk: { type: 'boolean', default: false },
    'dib-args': { type: 'string', default: '' },
  },
});
if (values.ramdisk && values.elements === 'debian') values.elements = 'debian-minimal,ramdisk';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const elements = [...values.elements.split(','), 'bench-step'];
const dibBin = path.join(repo, 'packages/cli/dist/bin/dib.js');
// A ramdisk build's product is OUTPUT.initramfs (and OUTPUT.kernel); -t does not apply.
const tools = {
  dib: { cmd: process.execPath, args: [dibBin, values.ramdisk ? 'ramdisk' : 'create', ...values['dib-args'].split(/\s+/).filter(Boolean)] },
  'dib-py': { cmd: values.ramdisk ? 'ramdisk-image-create' : 'disk-image-create', args: [] },
};
const typeArgs = values.ramdisk ? [] : ['-t', values.type];
const extension = values.ramdisk ? 'initramfs' : values.type;
const selected = values.only ? [values.only] : Object.keys(tools);

/** Debian mirrors from the host's apt configuration (no mirror host is written in this repository). */
function hostMirrors() {
  const dirs = [
    '/etc/apt/sources.list',
    ...(() => {
      try {
        return readdirSync('/etc/apt/sources.list.d').map((f) => `/etc/apt/sources.list.d/${f}`);
      } catch {
        return [];
      }
    })(),
  ];
  const uris = dirs
    .flatMap((f) => {
      try {
        return readFileSync(f, 'utf8').match(/(?:^deb\s+(?:\[[^\]]*\]\s+)?|^URIs:\s*)(\S+)/gm) ?? [];
      } catch {
        return [];
      }
    })
    .map((l) => l.split(/\s+/).pop());
  return { main: uris.find((u) => /\/debian\/?$/.test(u)), security: uris.find((u) => /\/debian-security\/?$/.test(u)) };
}

/** diskimage-builder 3.13 defaults to "stable" and an old security path; point it where dib points. */
function dibPyEnv() {
  const m = hostMirrors();
  return {
    DIB_RELEASE: 'bookworm',
    DIB_DEBIAN_SECURITY_SUBPATH: '-security',
    ...(m.main ? { DIB_DISTRIBUTION_MIRROR: m.main } : {}),
    ...(m.security ? { DIB_DEBIAN_SECURITY_MIRROR: m.security } : {}),
  };
}

const hasCommand = (c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0;

/** A classic element whose install.d script the "changed" pass edits: what an element author iterating on one script does. */
function writeBenchElement(dir, word) {
  const script = path.join(dir, 'bench-step', 'install.d', '50-bench-step');
  mkdirSync(path.dirname(script), { recursive: true });
  writeFileSync(script, `#!/bin/bash\nset -eu\necho "bench step: ${word}" > /etc/bench-step\n`);
  chmodSync(script, 0o755);
}

/** Runs a build; returns its wall time, exit status and the peak RSS of the process itself (VmHWM). */
function timed(cmd, args, env, logFile) {
  return new Promise((resolve) => {
    const logFd = openSync(logFile, 'w');
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', logFd, logFd] });
    let peakKiB = 0;
    const poll = setInterval(() => {
      try {
        peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // exited
      }
    }, 100);
    child.on('exit', (status) => {
      clearInterval(poll);
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, status, peakKiB });
    });
  });
}

const PASSES = ['cold', 'unchanged', 'changed'];
const rows = [];
for (const name of selected) {
  const tool = tools[name];
  if (name === 'dib-py' && !hasCommand(tool.cmd)) {
    console.error(`${tool.cmd} not found: apt-get install python3-diskimage-builder`);
    continue;
  }
  const dir = path.join(values.out, name);
  const cache = path.join(dir, 'cache');
  const elementsPath = path.join(dir, 'elements');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  writeBenchElement(elementsPath, 'one');
  for (const pass of PASSES) {
    if (pass === 'changed') writeBenchElement(elementsPath, 'two');
    // One output path for every pass, as a CI job or an element author rebuilding one image.
    const output = path.join(dir, 'image');
    const env = {
      ...process.env,
      DIB_IMAGE_CACHE: cache,
      ELEMENTS_PATH: elementsPath,
      DIB_RELEASE: 'bookworm',
      CI: '1',
      ...(name === 'dib-py' ? dibPyEnv() : {}),
    };
    const r = await timed(
      tool.cmd,
      [...tool.args, '-o', output, '--logfile', `${output}.${pass}.log`, ...typeArgs, ...elements],
      env,
      `${output}.${pass}.console.log`,
    );
    const file = `${output}.${extension}`;
    rows.push({
      tool: name,
      pass,
      seconds: r.seconds,
      status: r.status === 0 ? 'ok' : `exit ${r.status}`,
      bytes: existsSync(file) ? statSync(file).size : 0,
      peakKiB: r.peakKiB,
    });
    if (r.status !== 0) console.error(`${name} ${pass} failed: see ${output}.${pass}.console.log`);
    console.error(`${name} ${pass}: ${r.seconds.toFixed(1)}s`);
  }
}

const cpu = execFileSync('nproc').toString().trim();
console.log(`\nimage: ${elements.join(' ')} ${values.ramdisk ? '(ramdisk; size is the initramfs)' : `-t ${values.type}`}; host: ${cpu} cores`);
if (values['dib-args']) console.log(`dib's builds also take: ${values['dib-args']}`);
console.log('tool     pass       seconds  status   size (MiB)  peak RSS (MiB)  dib / diskimage-builder (cold / warm)');
const py = (pass) => rows.find((r) => r.tool === 'dib-py' && r.pass === pass && r.status === 'ok');
for (const r of rows) {
  // Rebuilds are compared with diskimage-builder's warm build (its "unchanged" pass), as the targets are set.
  const base = py(r.pass === 'cold' ? 'cold' : 'unchanged');
  const ratio = r.tool === 'dib' && r.status === 'ok' && base ? `${(r.seconds / base.seconds).toFixed(2)}x` : '';
  console.log(
    `${r.tool.padEnd(8)} ${r.pass.padEnd(9)} ${r.seconds.toFixed(1).padStart(8)}  ${r.status.padEnd(8)} ${(r.bytes / 1048576).toFixed(1).padStart(10)}  ${r.tool === 'dib' ? (r.peakKiB / 1024).toFixed(0).padStart(14) : ''.padStart(14)}  ${ratio}`,
  );
}
