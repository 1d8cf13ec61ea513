/** `dib doctor`: the host tools the requested elements and outputs need, and `--fix` to install them. */
import { checkTools, createPlan, which } from '@dib/core';
import { execa } from 'execa';
import { splitList } from '../args.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';
import { searchContext, selectImages } from '../images.js';

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
  const global = { config: v.config, elementsPath: v['elements-path'] };
  const { loaded } = await searchContext(global);
  const types = splitList(v.t);
  // The plans the builds would make (config images or the named elements), so the layout, types and elements are theirs.
  const named = positionals.length || Object.keys(loaded.config.images).length ? positionals : ['debian'];
  const { requests } = await selectImages(named, { types: types.length ? types : undefined }, global, ['dib', 'doctor']);
  const plans = await Promise.all(requests.map((req) => createPlan({ ...req, requireOperatingSystem: false })));
  const seen = new Set<string>();
  const tools = plans
    .flatMap((p) => p.hostTools)
    .filter((t) => {
      const key = `${t.neededBy}:${t.anyOf.join('|')}`;
      return !seen.has(key) && seen.add(key);
    });
  const status = await checkTools(tools);
  const missing = status.filter((s) => !s.found);
  if (json) {
    process.stdout.write(
      `${JSON.stringify(
        status.map((s) => ({ tools: s.tool.anyOf, found: s.found ?? null, apt: s.tool.apt, neededBy: s.tool.neededBy, why: s.tool.why })),
        null,
        2,
      )}\n`,
    );
  } else {
    for (const s of status) {
      process.stdout.write(
        `${s.found ? 'ok     ' : 'MISSING'} ${s.tool.anyOf.join(' | ').padEnd(28)} ${s.tool.neededBy}: ${s.tool.why}${!s.found && s.tool.apt ? ` (apt: ${s.tool.apt})` : ''}\n`,
      );
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
