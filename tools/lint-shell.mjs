#!/usr/bin/env node
// Lints every shell file git tracks (by shebang or .sh/.bash name): shellcheck, and one
// rule of our own that shellcheck lacks: under `pipefail`, a pipeline must not end in a
// reader that can stop early (grep -q, head, awk ... exit, sed ...q, read). When the
// reader exits first, the writer dies of SIGPIPE and pipefail makes the pipeline fail,
// or turn a true condition false, depending on timing.
// shellcheck fails on warnings and errors; its style notes are advice.
// A line may opt out with a trailing `# lint-shell: pipe-ok (why)`.
// Usage: lint-shell.mjs [--no-shellcheck] [FILE...]; exit 1 with a list of findings.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A reader that may exit before its writer is done, as the last command of a pipeline. */
const EARLY_READERS = [
  { name: 'grep -q', pattern: /^grep\s+(-[A-Za-z]*q[A-Za-z]*|--quiet|--silent)\b/ },
  { name: 'grep -m', pattern: /^grep\s+(.*\s)?(-[A-Za-z]*m\s*\d+|--max-count)/ },
  { name: 'head', pattern: /^head\b/ },
  { name: 'awk ... exit', pattern: /^awk\b.*\bexit\b/ },
  { name: 'sed ...q', pattern: /^sed\b.*(^|[;{'"\s\d/])q(\s*\d*)?\s*[;}'"]/ },
  // `while read` reads to the end; a lone `read` takes one line and leaves.
  { name: 'read', pattern: /^read\b/ },
];
const OPT_OUT = /#\s*lint-shell:\s*pipe-ok\b/;
/** Fixtures that are broken on purpose, for the tests of how dib reports them. */
const BROKEN_ON_PURPOSE = ['test/fixtures/elements/ramdisk-bad-fragment/'];

/** Whether a file turns pipefail on anywhere (set -o pipefail, set -euo pipefail, ...). */
function usesPipefail(text) {
  return /^\s*set\s+(-[a-zA-Z]*o\s+|-o\s+)pipefail\b/m.test(text) || /^\s*set\s+-[a-zA-Z]*\s+-o\s+pipefail\b/m.test(text);
}

/** Splits a line into pipeline segments, ignoring || and quoted text. */
function pipelineSegments(line) {
  const segments = [];
  let current = '';
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
      current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      break;
    } else if (c === '|' && line[i + 1] === '|') {
      segments.push(current, null);
      current = '';
      i++;
    } else if (c === '|') {
      segments.push(current);
      current = '';
    } else if (c === ';' || c === '&' || c === ')' || c === '`') {
      segments.push(current, null);
      current = '';
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments;
}

/** Findings of the early-reader rule in one file's text. */
export function earlyReaderFindings(text, file = '<text>') {
  if (!usesPipefail(text)) return [];
  const findings = [];
  text.split('\n').forEach((line, index) => {
    if (OPT_OUT.test(line)) return;
    const segments = pipelineSegments(line);
    for (let i = 1; i < segments.length; i++) {
      // Only a command that reads a pipe: the segment after a single '|'.
      if (segments[i] === null || segments[i - 1] === null) continue;
      const command = segments[i].trim().replace(/^(if|then|do|!|\{)\s+/, '');
      const reader = EARLY_READERS.find((r) => r.pattern.test(command));
      if (reader) {
        findings.push(
          `${file}:${index + 1}: '${reader.name}' can stop reading before the writer finishes; under pipefail the writer's SIGPIPE fails the pipeline at random. Read the whole input (e.g. awk '... END {}'), test a command's output without a pipe, or add '# lint-shell: pipe-ok (why)'`,
        );
      }
    }
  });
  return findings;
}

/** The shell files git tracks: by name, by a sh/bash shebang or a leading shellcheck directive, or as sourced fragments (environment.d, init.d). */
export function shellFiles() {
  const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  return tracked.filter((f) => {
    if (BROKEN_ON_PURPOSE.some((dir) => f.startsWith(dir))) return false;
    if (/\.(sh|bash)$/.test(f) || /(^|\/)(environment|init)\.d\/[^/]+$/.test(f)) return true;
    if (/\.(ts|mjs|js|json|md|yaml|yml)$/.test(f) || f.includes('node_modules/')) return false;
    try {
      const head = readFileSync(path.join(repo, f), 'utf8').slice(0, 64);
      return /^#!\s*(\/usr)?\/bin\/(env\s+)?(ba)?sh\b/.test(head) || /^# shellcheck shell=(ba|da)?sh\b/.test(head);
    } catch {
      return false;
    }
  });
}

function main(argv) {
  const runShellcheck = !argv.includes('--no-shellcheck');
  const named = argv.filter((a) => !a.startsWith('--'));
  const files = named.length ? named : shellFiles();
  const findings = files.flatMap((f) => earlyReaderFindings(readFileSync(path.resolve(repo, f), 'utf8'), f));
  if (runShellcheck) {
    // Sourced fragments have no shebang: each names its shell with a `# shellcheck shell=` directive.
    const result = spawnSync('shellcheck', ['--format=gcc', '--severity=warning', '--external-sources', ...files], { cwd: repo, encoding: 'utf8' });
    if (result.error) findings.push(`shellcheck could not run (${result.error.message}); install it (apt-get install shellcheck) or pass --no-shellcheck`);
    else if (result.status !== 0) findings.push(...result.stdout.trim().split('\n').filter(Boolean));
  }
  if (findings.length) {
    console.error(findings.join('\n'));
    console.error(`lint-shell: ${findings.length} finding(s) in ${files.length} shell files`);
    process.exit(1);
  }
  console.log(`lint-shell: ${files.length} shell files clean`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
