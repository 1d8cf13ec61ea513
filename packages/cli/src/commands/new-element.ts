/** `dib new-element NAME`: scaffolds a third-party element package with a passing test. */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION, DibError, ELEMENT_NAME } from '@dib/core';
import { CLI_VERSION } from '../cli-version.js';
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
    'package.json': `${JSON.stringify(
      {
        name: packageName,
        version: '0.1.0',
        description: `dib element ${name}`,
        license: 'Apache-2.0',
        type: 'module',
        keywords: ['dib-element'],
        exports: { '.': './index.js', './package.json': './package.json' },
        files: ['index.js', '*.d/**', 'README.md'],
        engines: { node: '>=20.19' },
        scripts: { test: 'vitest run' },
        peerDependencies: { '@dib/core': `^${CORE_VERSION}` },
        devDependencies: { '@dib/cli': `^${CLI_VERSION}`, '@dib/core': `^${CORE_VERSION}`, '@dib/testing': `^${CLI_VERSION}`, vitest: '^4.0.0' },
      },
      null,
      2,
    )}\n`,
    'index.js': `// @ts-check\nimport { defineElement } from '@dib/core/element';\n\nexport default defineElement({\n  name: '${name}',\n  description: 'Writes /etc/${name}-release into the image',\n  env: {\n    ${greetingVar}: { description: 'Text written to /etc/${name}-release', default: 'hello from ${name}' },\n  },\n});\n`,
    [`install.d/50-${name}`]: `#!/bin/bash\n# Runs inside the image during install.d.\nset -eu\n[ "\${DIB_DEBUG_TRACE:-0}" -gt 0 ] && set -x\necho "\${${greetingVar}}" > /etc/${name}-release\n`,
    'README.md': `# ${packageName}\n\nA dib element. \`dib create -o img debian ${requestName}\` writes \`/etc/${name}-release\`.\n\n| variable | default |\n|---|---|\n| \`${greetingVar}\` | hello from ${name} |\n`,
    'test/element.test.js': `import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';\nimport os from 'node:os';\nimport path from 'node:path';\nimport { fileURLToPath } from 'node:url';\nimport { expect, it } from 'vitest';\nimport { runDib } from '@dib/testing';\n\nconst here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');\n\nit('runs its install.d hook in a build plan', async () => {\n  // A throwaway project where this package is installed, as a user would have it.\n  const project = mkdtempSync(path.join(os.tmpdir(), 'dib-element-test-'));\n  mkdirSync(path.join(project, 'node_modules', ...'${packageName}'.split('/').slice(0, -1)), { recursive: true });\n  symlinkSync(here, path.join(project, 'node_modules', '${packageName}'));\n  const r = await runDib(['create', '--dry-run', '-t', 'tar', '-o', 'img', 'debian-minimal', '${requestName}'], { cwd: project });\n  expect(r.exitCode, r.stderr).toBe(0);\n  expect(r.stdout).toMatch(/50-${name.replace(/[.]/g, '\\\\.')}\\s+${name.replace(/[.]/g, '\\\\.')}/);\n});\n`,
  };
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    if (rel.includes('.d/')) chmodSync(file, 0o755);
  }
  process.stdout.write(`created ${dir}\nnext: cd ${path.relative(process.cwd(), dir) || '.'} && npm install && npm test\n`);
  return EXIT.ok;
});
