/**
 * dib completion and the man page, as a user meets them: the bash script sourced into a
 * real bash and asked to complete, as TAB would; the man page rendered by man; both
 * made from the same command list as --help.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { DIB_BIN, runDib } from '@dib/testing';
import { COMMANDS } from '../src/commands/registry.js';
import { optionDescriptions } from '../src/commands/completion-script.js';
import { useTempDirs } from '../../core/test/helpers.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAN_PAGE = path.resolve(HERE, '../man/dib.1');
const tempDir = useTempDirs();

/** What bash offers for the words typed so far (the last one being completed), in `cwd`, with dib on PATH. */
async function complete(words: string[], cwd: string): Promise<string[]> {
  const bin = path.join(cwd, '.bin');
  mkdirSync(bin, { recursive: true });
  try {
    symlinkSync(DIB_BIN, path.join(bin, 'dib'));
  } catch {
    // already linked
  }
  const script = (await runDib(['completion', 'bash'])).stdout;
  const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _dib; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', program], { cwd, env: { PATH: `${bin}:${process.env.PATH}` } });
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('dib completion bash, in a real bash', () => {
  it('completes commands, options, output types and architectures', async () => {
    const dir = tempDir();
    expect(await complete(['dib', 'c'], dir)).toEqual(['cache', 'cleanup', 'completion', 'create']);
    expect(await complete(['dib', 'create', '--dr'], dir)).toEqual(['--dry-run']);
    expect(await complete(['dib', 'create', '-t', 'q'], dir)).toEqual(['qcow2']);
    expect(await complete(['dib', 'ramdisk', '-a', 'arm'], dir)).toEqual(['arm64', 'armhf']);
    expect(await complete(['dib', 'help', 'boot'], dir)).toEqual(['boot-test']);
  });

  it("completes files after --config and the config's image names after create", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dib.config.json'), JSON.stringify({ images: { web: { elements: ['debian'] }, worker: { elements: ['debian'] } } }));
    expect(await complete(['dib', 'create', '--config', 'dib.c'], dir)).toEqual(['dib.config.json']);
    expect(await complete(['dib', 'create', 'w'], dir)).toEqual(['web', 'worker']);
  });

  it('fish gets every command and option with its help', async () => {
    const fish = (await runDib(['completion', 'fish'])).stdout;
    for (const c of COMMANDS) expect(fish).toContain(`-a ${c.name} -d`);
    expect(fish).toContain("complete -c dib -n '__fish_seen_subcommand_from create' -l dry-run -d 'print the plan");
    expect(fish).toContain("-s t -x -a 'tar tgz squashfs docker raw qcow2 vhd vmdk'");
  });

  it('offers only the options the help documents: not the DIB options dib refuses for now', async () => {
    expect(await complete(['dib', 'create', '--max'], tempDir())).toEqual([]);
    expect(await complete(['dib', 'create', '--no-'], tempDir())).toEqual(['--no-cache', '--no-tmpfs']);
  });

  it('refuses a shell it does not know, naming the ones it does', async () => {
    const r = await runDib(['completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toContain('bash, zsh, fish; got "tcsh"');
  });
});

describe.runIf(existsSync('/usr/bin/zsh'))('dib completion zsh, in a real zsh', () => {
  it("runs the same function through zsh's bashcompinit: commands, values, images, files", async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dib.config.json'), JSON.stringify({ images: { web: { elements: ['debian'] }, worker: { elements: ['debian'] } } }));
    const bin = path.join(dir, '.bin');
    mkdirSync(bin);
    symlinkSync(DIB_BIN, path.join(bin, 'dib'));
    // bashcompinit runs the function with ksharrays, as below; zsh then matches the candidates against the word itself.
    const script = `autoload -U +X compinit && compinit -u; eval "$(dib completion zsh)"; setopt ksharrays
for w in "dib cr" "dib create -t q" "dib create w" "dib create --config dib.c"; do
  COMP_WORDS=(\${=w}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _dib; print -r -- "$w => \${COMPREPLY[*]}"
done`;
    const r = await execa('zsh', ['-f', '-c', script], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` } });
    const offered = Object.fromEntries(
      r.stdout
        .split('\n')
        .map((l) => l.split(' => '))
        .map(([w, c]) => [w, (c ?? '').split(' ')]),
    );
    expect(r.stderr).toBe('');
    expect(offered['dib cr']).toContain('create');
    expect(offered['dib create -t q']).toContain('qcow2');
    expect(offered['dib create w']).toEqual(['web', 'worker']);
    expect(offered['dib create --config dib.c']).toEqual(['dib.config.json']);
  });
});

describe('the man page', () => {
  it("holds every command's --help text", async () => {
    const page = readFileSync(MAN_PAGE, 'utf8');
    for (const c of COMMANDS) {
      expect(page).toContain(`.SS dib ${c.name}`);
      const help = (await runDib([c.name, '--help'])).stdout;
      // The first line of the usage, as --help prints it (roff escapes only backslashes and leading dots).
      expect(page).toContain(help.split('\n')[0].replace(/\\/g, '\\e'));
    }
  });

  it('renders with man, without warnings', async () => {
    const r = await execa('man', ['--warnings', '-l', MAN_PAGE], { env: { MANWIDTH: '100', MAN_KEEP_FORMATTING: '0' }, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('dib completion');
  });

  it('finds the help line of each option in the usage text', () => {
    const create = COMMANDS.find((c) => c.name === 'create')!;
    const described = optionDescriptions(create.usage);
    expect(described.get('-o')).toBe('output path without extension (default: image)');
    expect(described.get('--help')).toBe('this help');
  });
});
