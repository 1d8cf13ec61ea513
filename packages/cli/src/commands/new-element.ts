/** `dib new-element NAME`: scaffolds a third-party element package with a passing test. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DibError, ELEMENT_NAME } from '@dib/core';
import { elementPackageJson, linkedProjectPreamble, writeFiles } from '../element-package.js';
import { command } from '../command.js';
import { EXIT } from '../exit.js';

export const NEW_ELEMENT_USAGE = `Usage: dib new-element NAME [--dir DIR] [--scope @SCOPE]

Creates DIR/dib-element-NAME (default DIR: the current directory): an npm package with a
manifest (index.js), an install.d hook, a README and a vitest test that checks the
element's place in a build plan. Then: cd dib-element-NAME && npm install && npm test.

Options:
  --dir DIR       where to create the package
  --scope @SCOPE  publish as @SCOPE/dib-element-NAME
  -h, --help      this help`;

const OPTIONS = { dir: { type: 'string' }, scope: { type: 'string' } } as const;

export const newElementCommand = command(NEW_ELEMENT_USAGE, OPTIONS, async (v, positionals) => {
  const [name] = positionals;
  if (!name || !ELEMENT_NAME.test(name))
    throw new DibError('DIB_E_ARGUMENT', `name the element in lower case letters, digits, ".", "_" or "-" (got ${JSON.stringify(name ?? '')})`, {
      hint: 'e.g. dib new-element my-tool',
    });
  if (v.scope && !/^@[a-z0-9][a-z0-9._-]*$/.test(v.scope)) throw new DibError('DIB_E_ARGUMENT', `--scope must look like @acme, got ${v.scope}`);
  const packageName = v.scope ? `${v.scope}/dib-element-${name}` : `dib-element-${name}`;
  const requestName = v.scope ? `${v.scope}/${name}` : name;
  const dir = path.resolve(v.dir ?? '.', `dib-element-${name}`);
  if (existsSync(dir))
    throw new DibError('DIB_E_ARGUMENT', `${dir} already exists`, { hint: 'Remove it, or pass --dir to create the package somewhere else.' });
  const greetingVar = `DIB_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_GREETING`;
  const files: Record<string, string> = {
    'package.json': elementPackageJson({ packageName, description: `dib element ${name}`, files: ['index.js', '*.d/**', 'README.md'] }),
    'index.js': `// @ts-check\nimport { defineElement } from '@dib/core/element';\n\nexport default defineElement({\n  name: '${name}',\n  description: 'Writes /etc/${name}-release into the image',\n  env: {\n    ${greetingVar}: { description: 'Text written to /etc/${name}-release', default: 'hello from ${name}' },\n  },\n});\n`,
    [`install.d/50-${name}`]: `#!/bin/bash\n# Runs inside the image during install.d.\nset -eu\n[ "\${DIB_DEBUG_TRACE:-0}" -gt 0 ] && set -x\necho "\${${greetingVar}}" > /etc/${name}-release\n`,
    'README.md': `# ${packageName}\n\nA dib element. \`dib create -o img debian ${requestName}\` writes \`/etc/${name}-release\`.\n\n| variable | default |\n|---|---|\n| \`${greetingVar}\` | hello from ${name} |\n`,
    'test/element.test.js': `${linkedProjectPreamble(packageName, "import { runDib } from '@dib/testing';")}
it('runs its install.d hook in a build plan', async () => {
  const r = await runDib(['create', '--dry-run', '-t', 'tar', '-o', 'img', 'debian-minimal', '${requestName}'], { cwd: project() });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/50-${name.replace(/[.]/g, '\\\\.')}\\s+${name.replace(/[.]/g, '\\\\.')}/);
});
`,
  };
  writeFiles(dir, files, (rel) => rel.includes('.d/'));
  process.stdout.write(`created ${dir}\nnext: cd ${path.relative(process.cwd(), dir) || '.'} && npm install && npm test\n`);
  return EXIT.ok;
});
