#!/usr/bin/env node
// Times the same image built by dib and by diskimage-builder (disk-image-create from
// Debian's python3-diskimage-builder) on this machine: cold (empty cache) and warm
// (second run, same cache). Prints a table; run as root.
//
//   node tools/bench.mjs [--elements debian] [--type tar] [--only dib|dib-py] [--out DIR]
//   node tools/bench.mjs --ramdisk [--elements debian-minimal,ramdisk]   (dib ramdisk vs ramdisk-image-create)
// diskimage-builder 3.13 as packaged in Debian 12 fails its ramdisk step in the chroot
// ("_BASE_ELEMENT_DIR: unbound variable", post-install.d/99-build-ramdisk); the table then
// shows how long it took to get there, with its exit status.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, openSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: 'debian' },
    type: { type: 'string', default: 'tar' },
    only: { type: 'string' },
    out: { type: 'string', default: '/var/tmp/dib-bench' },
    ramdisk: { type: 'boolean', default: false },
  },
});
if (values.ramdisk && values.elements === 'debian') values.elements = 'debian-minimal,ramdisk';
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const elements = values.elements.split(',');
const dibBin = path.join(repo, 'packages/cli/dist/bin/dib.js');
// A ramdisk build's product is OUTPUT.initramfs (and OUTPUT.kernel); -t does not apply.
const tools = {
  dib: { cmd: process.execPath, args: [dibBin, values.ramdisk ? 'ramdisk' : 'create'] },
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
const rows = [];
for (const name of selected) {
  const tool = tools[name];
  if (name === 'dib-py' && !hasCommand(tool.cmd)) {
    console.error(`${tool.cmd} not found: apt-get install python3-diskimage-builder`);
    continue;
  }
  const dir = path.join(values.out, name);
  const cache = path.join(dir, 'cache');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  for (const pass of ['cold', 'warm']) {
    const output = path.join(dir, `image-${pass}`);
    const env = { ...process.env, DIB_IMAGE_CACHE: cache, DIB_RELEASE: 'bookworm', CI: '1', ...(name === 'dib-py' ? dibPyEnv() : {}) };
    const logFd = openSync(`${output}.console.log`, 'w');
    const started = process.hrtime.bigint();
    const r = spawnSync(tool.cmd, [...tool.args, '-o', output, ...typeArgs, ...elements], { env, stdio: ['ignore', logFd, logFd] });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const file = `${output}.${extension}`;
    rows.push({
      tool: name,
      pass,
      seconds: seconds.toFixed(1),
      status: r.status === 0 ? 'ok' : `exit ${r.status}`,
      bytes: existsSync(file) ? statSync(file).size : 0,
    });
    if (r.status !== 0) console.error(`${name} ${pass} failed: see ${output}.console.log`);
    console.error(`${name} ${pass}: ${seconds.toFixed(1)}s`);
  }
}

const cpu = execFileSync('nproc').toString().trim();
console.log(`\nimage: ${elements.join(' ')} ${values.ramdisk ? '(ramdisk; size is the initramfs)' : `-t ${values.type}`}; host: ${cpu} cores`);
console.log('tool     pass   seconds  status   size (MiB)');
for (const r of rows)
  console.log(`${r.tool.padEnd(8)} ${r.pass.padEnd(6)} ${r.seconds.padStart(7)}  ${r.status.padEnd(8)} ${(r.bytes / 1048576).toFixed(1).padStart(10)}`);
