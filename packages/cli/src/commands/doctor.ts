/** `dib doctor`: the host tools the requested elements and outputs need, and `--fix` to install them. */
import { binfmtState, checkTools, createPlan, enableEmulation, shellQuote, which, type BinfmtState } from '@dib/core';
import { execa } from 'execa';
import { splitList } from '../args.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { searchContext, selectImages } from '../images.js';

export const DOCTOR_USAGE = `Usage: dib doctor [options] [ELEMENT...]

Checks this host for the tools that dib, the named elements (default: the images in
the config file, or debian) and the output types need. For a foreign architecture,
also QEMU's user-mode emulator and its binfmt_misc handler, which run the image's
programs.

Options:
  -t TYPES      output types to check for (default: the config's, or qcow2)
  -a ARCH       architecture to check for (default: the config's, or amd64)
  --fix         install what is missing with the host's package manager (apt-get)
                and register the emulator's binfmt_misc handler
  --json        machine-readable output
  --config FILE config file
  --elements-path DIR  classic element directory (repeatable)
  -h, --help    this help`;

const OPTIONS = {
  t: { type: 'string', multiple: true },
  a: { type: 'string' },
  fix: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  'elements-path': { type: 'string', multiple: true },
} as const;

export const doctorCommand = command(DOCTOR_USAGE, OPTIONS, async (v, positionals, json) => {
  const global = { config: v.config, elementsPath: v['elements-path'] };
  const { loaded } = await searchContext(global);
  const types = splitList(v.t);
  // The plans the builds would make (config images or the named elements), so the layout, types and elements are theirs.
  const named = positionals.length || Object.keys(loaded.config.images).length ? positionals : ['debian'];
  const { requests } = await selectImages(named, { types: types.length ? types : undefined, arch: v.a }, global, ['dib', 'doctor']);
  const plans = await Promise.all(requests.map((req) => createPlan({ ...req, requireOperatingSystem: false })));
  const seen = new Set<string>();
  const tools = plans
    .flatMap((p) => p.hostTools)
    .filter((t) => {
      const key = `${t.neededBy}:${t.anyOf.join('|')}`;
      return !seen.has(key) && seen.add(key);
    });
  const arches = [...new Set(plans.map((p) => p.image.arch))];
  const binfmt = () => arches.map((arch) => binfmtState(arch)).filter((b): b is BinfmtState => !!b);
  const status = await checkTools(tools);
  const missing = status.filter((s) => !s.found);
  const rows = [
    ...status.map((s) => ({ tools: s.tool.anyOf, found: s.found ?? null, apt: s.tool.apt, neededBy: s.tool.neededBy, why: s.tool.why })),
    // One row per foreign architecture, in the tools' shape: the handler is what must be "found".
    ...binfmt().map((b) => ({
      tools: [`binfmt_misc:${b.handler}`],
      found: b.problem ? null : b.handler,
      apt: 'qemu-user-static',
      neededBy: `-a ${b.arch}`,
      why: b.problem ?? `running ${b.arch} programs inside the image's chroot`,
    })),
  ];
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    for (const r of rows) {
      process.stdout.write(
        `${r.found ? 'ok     ' : 'MISSING'} ${r.tools.join(' | ').padEnd(28)} ${r.neededBy}: ${r.why}${!r.found && r.apt ? ` (apt: ${r.apt})` : ''}\n`,
      );
    }
  }
  const unregistered = binfmt().filter((b) => b.problem);
  if (missing.length === 0 && unregistered.length === 0) return EXIT.ok;
  const packages = [...new Set([...missing.map((m) => m.tool.apt), ...unregistered.map(() => 'qemu-user-static')].filter((p): p is string => !!p))];
  if (!v.fix) {
    // The same check with --fix: the same images, types and architecture.
    const again = [
      ...(v.t ?? []).flatMap((t) => ['-t', t]),
      ...(v.a ? ['-a', v.a] : []),
      ...(v.config ? ['--config', v.config] : []),
      ...(v['elements-path'] ?? []).flatMap((d) => ['--elements-path', d]),
      ...positionals,
    ];
    const fix = ['dib', 'doctor', '--fix', ...again].map(shellQuote).join(' ');
    const register = unregistered.length ? `, then register ${unregistered.map((b) => b.handler).join(', ')} with binfmt_misc` : '';
    process.stderr.write(
      `\n${missing.length + unregistered.length} missing. Run \`${fix}\`${packages.length ? ` or: apt-get install ${packages.join(' ')}${register}` : ''}\n`,
    );
    return EXIT.failed;
  }
  if (!(await which('apt-get'))) {
    process.stderr.write(`dib doctor --fix knows apt-get only. Install these with your package manager: ${missing.map((m) => m.tool.anyOf[0]).join(', ')}\n`);
    return EXIT.failed;
  }
  await execa('apt-get', ['update'], { stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { DEBIAN_FRONTEND: 'noninteractive' } });
  for (const b of binfmt()) {
    const mount = async () => void (await execa('mount', ['-t', 'binfmt_misc', 'binfmt_misc', '/proc/sys/fs/binfmt_misc']));
    for (const line of await enableEmulation(b.arch, mount)) process.stdout.write(`${line}\n`);
  }
  const after = (await checkTools(tools)).filter((s) => !s.found);
  return after.length || binfmt().some((b) => b.problem) ? EXIT.failed : EXIT.ok;
});
