/** The README and test an imported element package gets. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PHASES, PHASE_NAMES, RUNNABLE_NAME } from '@dib/core';
import { linkedProjectPreamble } from '../element-package.js';

export interface ImportedPackage {
  element: string;
  packageName: string;
  /** What `dib create` is given: the element's shorthand for the package name. */
  request: string;
  description: string;
  env: Record<string, { description: string }>;
  /** Copied entries dib leaves out of a package element's hook tree. */
  /** The classic README when it was Markdown, kept under its own heading. */
  classicReadme?: string;
  keptRst: boolean;
}

/** Hook scripts of the copied element that run-parts would run, for the package's test to look for. */
export function runnableHooks(dir: string): string[] {
  return PHASE_NAMES.flatMap((p) => {
    const phaseDir = path.join(dir, PHASES[p].dir);
    if (!existsSync(phaseDir)) return [];
    return readdirSync(phaseDir).filter(
      (f) => RUNNABLE_NAME.test(f) && statSync(path.join(phaseDir, f)).isFile() && (statSync(path.join(phaseDir, f)).mode & 0o111) !== 0,
    );
  }).sort();
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function readme(p: ImportedPackage): string {
  const vars = Object.entries(p.env);
  return `# ${p.packageName}

${p.description}

A dib element package made from the classic DIB element \`${p.element}\` by \`dib import-element\`.

## Use

\`\`\`sh
npm install -D ${p.packageName}
sudo -E npx @dib/cli create -t qcow2 -o image debian vm ${p.request}
\`\`\`

In a \`dib.config.ts\`, list \`${p.request}\` among the image's elements. Classic elements
it depends on are found on \`ELEMENTS_PATH\`, as before.

## Variables

${
  vars.length
    ? `Read from the build's environment (no defaults):\n\n| variable | description |\n|---|---|\n${vars.map(([n, v]) => `| \`${n}\` | ${cell(v.description)} |`).join('\n')}\n`
    : 'The classic README documents none.\n'
}
## Layout

The classic element's files are in \`element/\`, taken whole into the hook tree as DIB does
(\`classicTree\` in \`index.js\`): hook directories, \`init-scripts/\`, \`source-repository-*\`
and the like reach hooks through \`TMP_HOOKS_PATH\` as before, and the caller variables
its scripts read reach them too.

## Testing

\`npm install && npm test\` plans a build with the element (\`test/element.test.js\`), which
proves the package loads and its hooks are in the plan.
${p.keptRst ? '\nThe classic README is kept as `element/README.rst`.\n' : ''}${p.classicReadme ? `\n## Classic README\n\n${p.classicReadme.trim()}\n` : ''}`;
}

export function elementTest(p: ImportedPackage, hooks: string[]): string {
  return `${linkedProjectPreamble(p.packageName, "import { planBuild } from '@dib/testing';")}
// Classic elements this one depends on are found on ELEMENTS_PATH, as in a build.
const elementsPath = (process.env.ELEMENTS_PATH ?? '').split(':').filter(Boolean);

it('loads as a package and its hooks are in a build plan', async () => {
  const plan = await planBuild([${JSON.stringify(p.request)}], { searchRoots: [project(), here], elementsPath });
  const element = plan.elements.find((e) => e.name === ${JSON.stringify(p.element)});
  expect(element?.source.kind).toBe('package');
  const hooks = Object.values(plan.hooks.phases)
    .flat()
    .filter((h) => h.element === ${JSON.stringify(p.element)})
    .map((h) => h.name);
  expect(hooks).toEqual(expect.arrayContaining(${JSON.stringify(hooks)}));
});
`;
}
