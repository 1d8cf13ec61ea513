/** `dib doctor`: the host tools the requested elements and outputs need, and `--fix` to install them. */
import { checkTools, chooseLayout, collectHostTools, ElementFinder, OUTPUT_FORMATS, resolveElements, which } from '@dib/core';
import { execa } from 'execa';
import { splitList } from '../args.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { searchContext } from '../images.js';

export const DOCTOR_USAGE = `Usage: dib doctor [options] [ELEMENT...]

Checks this host for the tools that dib, the named elements (default: the images in
the config file, or debian) and the output types need.

Options:
  -t TYPES      output types to check for (default: the config's, or qcow2)
  --fix         install what is missing with the host's package manager (apt-get)
  --json        machine-readable output
  --config FILE config file
  --elements-path DIR  classic element directory (repeatable)
  -h, --help    this help`;

const OPTIONS = {
  t: { type: 'string', multiple: true },
  fix: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  'elements-path': { type: 'string', multiple: true },
} as const;

export const doctorCommand = command(DOCTOR_USAGE, OPTIONS, async (v, positionals, json) => {
  const ctx = await searchContext({ config: v.config, elementsPath: v['elements-path'] });
  const configured = Object.values(ctx.loaded.config.images);
  const elements = positionals.length ? positionals : configured.length ? configured.flatMap((i) => i.elements) : ['debian'];
  const types = splitList(v.t).length ? splitList(v.t) : configured.length ? configured.flatMap((i) => i.types) : ['qcow2'];
  const finder = new ElementFinder(ctx);
  const resolved = await resolveElements([...new Set(elements)], finder, { addBase: true, requireOperatingSystem: false });
  const uniqueTypes = [...new Set(types)];
  const disk = uniqueTypes.some((t) => OUTPUT_FORMATS[t]?.kind === 'disk');
  // Disk formats also need the layout's tools (sfdisk, mkfs.*, mtools): use the layout the build would.
  const layout = disk ? chooseLayout(resolved, undefined, process.env as Record<string, string>, 'cloudimg-rootfs').layout : undefined;
  const tools = collectHostTools(resolved, uniqueTypes, layout);
  const status = await checkTools(tools);
  const missing = status.filter((s) => !s.found);
  if (json) {
    process.stdout.write(`${JSON.stringify(status.map((s) => ({ tools: s.tool.anyOf, found: s.found ?? null, apt: s.tool.apt, neededBy: s.tool.neededBy, why: s.tool.why })), null, 2)}\n`);
  } else {
    for (const s of status) {
      process.stdout.write(`${s.found ? 'ok     ' : 'MISSING'} ${s.tool.anyOf.join(' | ').padEnd(28)} ${s.tool.neededBy}: ${s.tool.why}${!s.found && s.tool.apt ? ` (apt: ${s.tool.apt})` : ''}\n`);
    }
  }
  if (missing.length === 0) return EXIT.ok;
  const packages = [...new Set(missing.map((m) => m.tool.apt).filter((p): p is string => !!p))];
  if (!v.fix) {
    process.stderr.write(`\n${missing.length} missing. Run \`dib doctor --fix\`${packages.length ? ` or: apt-get install ${packages.join(' ')}` : ''}\n`);
    return EXIT.failed;
  }
  if (!(await which('apt-get'))) {
    process.stderr.write(`dib doctor --fix knows apt-get only. Install these with your package manager: ${missing.map((m) => m.tool.anyOf[0]).join(', ')}\n`);
    return EXIT.failed;
  }
  await execa('apt-get', ['update'], { stdio: 'inherit' });
  await execa('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env: { DEBIAN_FRONTEND: 'noninteractive' } });
  const after = (await checkTools(tools)).filter((s) => !s.found);
  return after.length ? EXIT.failed : EXIT.ok;
});
