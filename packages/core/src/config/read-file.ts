/**
 * Reads one config file, whatever its format, and turns every way it can fail to load
 * into DIB_E_CONFIG_INVALID naming the file and, for syntax errors, the line: Node's
 * import() reports a JavaScript syntax error without a location, and TypeScript's
 * transpiler repairs one silently, so both are checked before they are run.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import { execa } from 'execa';
import { DibError } from '../errors.js';

const SYNTAX_HINT = 'Fix the syntax at the line shown, then run the command again.';

const invalid = (file: string, message: string, hint = SYNTAX_HINT, cause?: unknown) =>
  new DibError('DIB_E_CONFIG_INVALID', `${file}: ${message}`, { location: { file }, hint, cause });

/** TypeScript configs are transpiled with the project's own `typescript` package, after a syntax check. */
const loadTypeScript: Loader = async (filepath) => {
  const require = createRequire(filepath);
  let ts: typeof import('typescript');
  try {
    ts = require('typescript');
  } catch {
    throw invalid(
      filepath,
      'a TypeScript config needs the "typescript" package in the project',
      'Run `npm install -D typescript`, or use dib.config.mjs / dib.config.yaml.',
    );
  }
  const source = await readFile(filepath, 'utf8');
  const out = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    fileName: filepath,
    reportDiagnostics: true,
  });
  const syntax = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const at = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start) : undefined;
    const where = at ? `line ${at.line + 1}, column ${at.character + 1}: ` : '';
    throw invalid(filepath, `${where}${ts.flattenDiagnosticMessageText(syntax.messageText, '\n')}`);
  }
  const compiled = `${filepath}.${randomBytes(4).toString('hex')}.mjs`;
  await writeFile(compiled, out.outputText);
  try {
    const mod = await import(pathToFileURL(compiled).href);
    return mod.default ?? mod;
  } finally {
    await rm(compiled, { force: true });
  }
};

/** Made on first use: cosmiconfig reads the package.json in the current directory when it is made (for its own settings). */
let explorer: ReturnType<typeof cosmiconfig> | undefined;
const getExplorer = () =>
  (explorer ??= cosmiconfig('dib', {
    searchStrategy: 'none',
    loaders: { ...defaultLoaders, '.ts': loadTypeScript, '.mts': loadTypeScript },
  }));

const JAVASCRIPT = /\.(c|m)?js$/;

/**
 * `node --check` names the line of a syntax error: its first line is "FILE:LINE". A `.js`
 * file is checked as a module too, through a copy, since Node 20 lets a file pass that
 * fails as CommonJS and as a module alike.
 */
async function javascriptSyntax(file: string): Promise<string | undefined> {
  const asIs = await execa(process.execPath, ['--check', file], { reject: false });
  if (asIs.exitCode === 0 && file.endsWith('.js')) {
    const copy = path.join(os.tmpdir(), `dib-config-check-${randomBytes(4).toString('hex')}.mjs`);
    await copyFile(file, copy);
    try {
      return describeCheck(await execa(process.execPath, ['--check', copy], { reject: false }));
    } finally {
      await rm(copy, { force: true });
    }
  }
  return describeCheck(asIs);
}

function describeCheck(check: { exitCode?: number; stderr: string }): string | undefined {
  if (check.exitCode === 0) return undefined;
  const lines = check.stderr.split('\n');
  const line = /:(\d+)$/.exec(lines[0] ?? '')?.[1];
  const error = lines.find((l) => /^\w*Error: /.test(l)) ?? lines.at(-1);
  return `${line ? `line ${line}: ` : ''}${error}${lines[1] ? `\n  ${lines[1]}\n  ${lines[2] ?? ''}` : ''}`;
}

/** The file cosmiconfig names in its "<Format> Error in FILE:" prefix (it can be another than the one asked for), and the rest. */
function parseFailure(file: string, cause: unknown): { file: string; reason: string } {
  const message = cause instanceof Error ? cause.message : String(cause);
  const prefixed = /^\w+ Error in (.+?):\s*([\s\S]*)$/.exec(message);
  const failed = prefixed ? { file: prefixed[1], reason: prefixed[2] } : { file, reason: message };
  return { file: failed.file, reason: withLine(failed.file, failed.reason) };
}

/** JSON.parse says "at position N"; people look for a line. */
function withLine(file: string, reason: string): string {
  const position = /at position (\d+)/.exec(reason);
  if (!position) return reason;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return reason;
  }
  const before = text.slice(0, Number(position[1])).split('\n');
  return reason.replace(/at position \d+( while parsing .*)?/s, `at line ${before.length}, column ${before.at(-1)!.length + 1}`);
}

/** The file's config (its `dib` key for package.json), or null when a package.json has none. */
export async function readConfigFile(file: string): Promise<{ config: unknown; filepath: string } | null> {
  try {
    return await getExplorer().load(file);
  } catch (cause) {
    if (cause instanceof DibError) throw cause;
    if (JAVASCRIPT.test(file)) {
      const syntax = await javascriptSyntax(file);
      if (syntax) throw invalid(file, syntax, SYNTAX_HINT, cause);
      throw invalid(
        file,
        `failed while loading: ${parseFailure(file, cause).reason}`,
        'The config module threw; fix the code it runs (the message above is what it threw).',
        cause,
      );
    }
    const failed = parseFailure(file, cause);
    const what = path.basename(failed.file) === 'package.json' ? ' (dib reads its "dib" key; npm cannot use it either)' : '';
    throw invalid(failed.file, `cannot be parsed${what}: ${failed.reason}`, SYNTAX_HINT, cause);
  }
}
