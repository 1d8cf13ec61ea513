#!/usr/bin/env node
// Packs every workspace package (npm pack --dry-run) and checks what a user would get:
// entry points, types and bins present; every relative import of the shipped JS inside
// the tarball; every bare import declared as a dependency; hook scripts still
// executable; element packages marked and peer-dependent on @dib/core.
// Exit 1 with a list of problems. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const NOT_SCRIPTS = ['environment.d', 'binary-deps.d', 'init.d', 'udev.d', 'modprobe.d', 'dracut.conf.d'];
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspaces = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).workspaces;
const dirs = workspaces.flatMap((pattern) => {
  const base = path.join(repo, pattern.replace(/\/\*$/, ''));
  return readdirSync(base)
    .map((d) => path.join(base, d))
    .filter((d) => existsSync(path.join(d, 'package.json')));
});

const packageNames = new Set(dirs.map((d) => JSON.parse(readFileSync(path.join(d, 'package.json'), 'utf8')).name));
const leaves = (v) => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : []);
const norm = (p) => path.posix.normalize(p.replace(/^\.\//, ''));
const problems = [];
const report = [];

for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const files = new Map(packed.files.map((f) => [f.path, f]));
  const isElement = pkg.name.startsWith('@dib/element-');
  const fail = (msg) => problems.push(`${pkg.name}: ${msg}`);

  const targets = [pkg.main, pkg.types, ...leaves(pkg.exports ?? {}), ...leaves(pkg.bin ?? {})].filter(Boolean).map(norm);
  for (const t of new Set(targets)) if (!files.has(t)) fail(`${t} (entry, types, export or bin) is not in the tarball`);

  for (const f of files.keys()) {
    const source = path.join(dir, f);
    const executable = existsSync(source) && (statSync(source).mode & 0o111) !== 0;
    if (executable && (files.get(f).mode & 0o111) === 0) fail(`${f} lost its executable bit in the tarball`);
    // Phase directories hold scripts run-parts runs; environment.d is sourced and the
    // data directories (binary-deps.d, init.d, udev.d, modprobe.d, dracut.conf.d) are data.
    if (/^[^/]+\.d\/[^/]+$/.test(f) && !NOT_SCRIPTS.some((d) => f.startsWith(`${d}/`)) && !executable) fail(`${f} is a hook script but not executable`);
    if (!f.endsWith('.js') && !f.endsWith('.d.ts')) continue;
    const code = readFileSync(source, 'utf8');
    // Elements see the engine through its element API only; the rest may change in any release.
    for (const m of code.matchAll(/['"](@dib\/core(?:\/[^'"]*)?)['"]/g)) {
      if (isElement && m[1] !== '@dib/core/element') fail(`${f} imports ${m[1]}: elements import only from @dib/core/element`);
    }
    if (f.endsWith('.d.ts')) continue;
    // Statements at the start of a line, and dynamic imports: text inside strings does not count.
    const statements = /^\s*(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
    for (const m of code.matchAll(statements)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (spec.startsWith('.')) {
        const resolved = path.posix.join(path.posix.dirname(f), spec);
        if (!files.has(resolved)) fail(`${f} imports ${spec}, which is not in the tarball`);
      } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        const declared = { ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.optionalDependencies };
        if (!(name in declared) && name !== pkg.name) fail(`${f} imports ${name}, which is not a dependency or peer dependency`);
      }
    }
  }
  // Every hook file of an element directory must ship: a missing one would silently not run.
  for (const d of readdirSync(dir).filter((n) => /\.d$/.test(n) || n === 'bin' || n === 'static')) {
    const walk = (rel) =>
      readdirSync(path.join(dir, rel)).flatMap((n) => (statSync(path.join(dir, rel, n)).isDirectory() ? walk(`${rel}/${n}`) : [`${rel}/${n}`]));
    for (const f of walk(d)) if (!files.has(f)) fail(`${f} is not in the tarball (check "files" in package.json)`);
  }
  if (pkg.name.includes('element-')) {
    if (!pkg.keywords?.includes('dib-element')) fail('element package without the "dib-element" keyword');
    if (!pkg.peerDependencies?.['@dib/core']) fail('element package without a peerDependency on @dib/core');
  }
  if (isElement) {
    const manifest = (await import(pathToFileURL(path.join(dir, pkg.main)).href)).default;
    // An element another element names must resolve from the package itself, not only because the CLI bundles it.
    for (const dep of [...(manifest.dependencies ?? []), ...Object.values(manifest.defaultProviders ?? {})]) {
      const needed = `@dib/element-${dep}`;
      if (packageNames.has(needed) && !pkg.dependencies?.[needed]) fail(`the manifest depends on ${dep}, but package.json does not depend on ${needed}`);
    }
    // Every error code the element raises is documented where its users look.
    const readme = existsSync(path.join(dir, 'README.md')) ? readFileSync(path.join(dir, 'README.md'), 'utf8') : '';
    for (const code of Object.keys(manifest.errors ?? {})) if (!readme.includes(`\`${code}\``)) fail(`error code ${code} is not documented in README.md`);
  }
  if (!pkg.engines?.node) fail('no engines.node');
  report.push(`${pkg.name}@${pkg.version}: ${files.size} files, ${packed.size} bytes packed`);
}

console.log(report.join('\n'));
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`\n${report.length} packages ok`);
