import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A classic DIB element directory: `element-deps`, hook scripts, and any other files. */
export interface ClassicElementSpec {
  deps?: string[];
  provides?: string[];
  /** "install.d/50-foo" -> script body; hooks in *.d/ are made executable. */
  files?: Record<string, string>;
}

export function writeClassicElement(elementsDir: string, name: string, spec: ClassicElementSpec): string {
  const dir = path.join(elementsDir, name);
  mkdirSync(dir, { recursive: true });
  if (spec.deps) writeFileSync(path.join(dir, 'element-deps'), `${spec.deps.join('\n')}\n`);
  if (spec.provides) writeFileSync(path.join(dir, 'element-provides'), `${spec.provides.join('\n')}\n`);
  writeElementFiles(dir, spec.files ?? {});
  return dir;
}

/** Writes files under an element directory; scripts in hook directories (*.d/, not environment.d) get the run bit. */
export function writeElementFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, body] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, body);
    if (/\.d\//.test(rel) && !rel.startsWith('environment.d/')) chmodSync(file, 0o755);
  }
}
