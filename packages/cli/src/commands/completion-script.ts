/**
 * Shell completion made from the command list: commands, each command's options,
 * values where dib knows them (output types, architectures), files and directories
 * where an option takes one, and the config file's image names (from `dib list --json`)
 * as the words of create, ramdisk and list.
 */
import { ARCHES, OUTPUT_FORMATS, QCOW2_COMPRESSIONS, SQUASHFS_COMPRESSIONS } from '@dib/core';
import type { Options } from '../command.js';

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof COMPLETION_SHELLS)[number];

interface Spec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
}

const DIRECTORY_OPTIONS = new Set(['elements-path', 'image-cache', 'dir']);
const FILE_OPTIONS = new Set(['config', 'logfile', 'trace', 'o', 'output', 'kernel', 'initrd', 'disk']);
const IMAGE_COMMANDS = ['create', 'ramdisk', 'list'];
const VALUES: Record<string, readonly string[]> = {
  t: Object.keys(OUTPUT_FORMATS),
  a: ARCHES,
  'qcow2-compression': QCOW2_COMPRESSIONS,
  'squashfs-compression': SQUASHFS_COMPRESSIONS,
};

/** `-o`, `--json`: how an option is typed. */
const flag = (key: string) => (key.length === 1 ? `-${key}` : `--${key}`);

/** The options a command's help shows; options dib refuses for now (DIB's it does not implement) are not offered. */
const documented = (c: Spec) => Object.entries(c.options).filter(([key]) => new RegExp(`(^|[\\s,\\[])${flag(key)}\\b`, 'm').test(c.usage));
const flags = (c: Spec) => documented(c).flatMap(([key, o]) => [flag(key), ...(o.short ? [`-${o.short}`] : [])]);

/** Each option's line of help in the usage text, for shells that show descriptions. */
export function optionDescriptions(usage: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of usage.split('\n')) {
    const m = /^\s+((?:-\w, )?--?[\w-]+)(?: [A-Z][A-Z_.]*)?\s{2,}(\S.*)$/.exec(line);
    if (!m) continue;
    for (const name of m[1].split(', ')) found.set(name, m[2]);
  }
  return found;
}

const words = (list: readonly string[]) => list.join(' ');
const IMAGE_NAMES = `dib list --json 2>/dev/null | sed -n 's/^{"name":"\\([^"]*\\)".*/\\1/p'`;

function bash(commands: readonly Spec[]): string {
  const perCommand = commands.map((c) => `    ${c.name}) opts=${JSON.stringify(words(flags(c)))} ;;`).join('\n');
  const valueOptions = [
    ...new Set(
      commands.flatMap((c) =>
        documented(c)
          .filter(([, o]) => o.type === 'string')
          .map(([k]) => k),
      ),
    ),
  ];
  const kind = (k: string) => (VALUES[k] ? 'values' : DIRECTORY_OPTIONS.has(k) ? 'dir' : FILE_OPTIONS.has(k) ? 'file' : 'text');
  const byKind = (wanted: string) => valueOptions.filter((k) => kind(k) === wanted).map(flag);
  return `# dib completion for bash (dib completion bash)
# COMPREPLY from compgen, one word per line (without mapfile, which zsh lacks).
_dib_reply() {
  local word
  COMPREPLY=()
  while IFS= read -r word; do COMPREPLY+=("$word"); done < <(compgen "$@")
}
_dib() {
  local cur prev opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    _dib_reply -W ${JSON.stringify(words([...commands.map((c) => c.name), 'help', '--help', '--version']))} -- "$cur"
    return
  fi
  case "\${COMP_WORDS[1]}" in
${perCommand}
    help) _dib_reply -W ${JSON.stringify(words(commands.map((c) => c.name)))} -- "$cur"; return ;;
    *) return ;;
  esac
  case "$prev" in
    -t) _dib_reply -W ${JSON.stringify(words(VALUES.t))} -- "$cur"; return ;;
    -a) _dib_reply -W ${JSON.stringify(words(VALUES.a))} -- "$cur"; return ;;
    ${byKind('dir').join('|') || '--no-such-option'}) _dib_reply -d -- "$cur"; return ;;
    ${byKind('file').join('|') || '--no-such-option'}) _dib_reply -f -- "$cur"; return ;;
    ${byKind('text').join('|') || '--no-such-option'}) return ;;
  esac
  if [[ "$cur" == -* ]]; then
    _dib_reply -W "$opts" -- "$cur"
    return
  fi
  case "\${COMP_WORDS[1]}" in
    ${IMAGE_COMMANDS.join('|')}) _dib_reply -W "$(${IMAGE_NAMES})" -- "$cur" ;;
    *) _dib_reply -f -- "$cur" ;;
  esac
}
complete -o filenames -F _dib dib
`;
}

/** zsh runs the bash function through its bash completion layer. */
const zsh = (commands: readonly Spec[]) => `# dib completion for zsh (dib completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit; }
autoload -U +X bashcompinit && bashcompinit
${bash(commands)}`;

function fish(commands: readonly Spec[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = ['# dib completion for fish (dib completion fish)', 'complete -c dib -f'];
  for (const c of commands) lines.push(`complete -c dib -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`);
  for (const c of commands) {
    const described = optionDescriptions(c.usage);
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    for (const [key, o] of documented(c)) {
      const names = [key.length === 1 ? `-s ${key}` : `-l ${key}`, ...(o.short ? [`-s ${o.short}`] : [])].join(' ');
      const description = described.get(flag(key)) ?? (o.short ? described.get(`-${o.short}`) : undefined);
      const value =
        o.type !== 'string'
          ? ''
          : VALUES[key]
            ? ` -x -a ${quote(words(VALUES[key]))}`
            : DIRECTORY_OPTIONS.has(key)
              ? " -x -a '(__fish_complete_directories)'"
              : FILE_OPTIONS.has(key)
                ? ' -r -F'
                : ' -x';
      lines.push(`complete -c dib ${when} ${names}${value}${description ? ` -d ${quote(description)}` : ''}`);
    }
    if (IMAGE_COMMANDS.includes(c.name)) lines.push(`complete -c dib ${when} -a '(${IMAGE_NAMES.replace(/'/g, "\\'")})'`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: Shell, commands: readonly Spec[]): string {
  return { bash, zsh, fish }[shell](commands);
}
