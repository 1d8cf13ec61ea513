/** The build log: every subprocess line, phase and script timings, with timestamps. */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export class BuildLog {
  private fd: number | undefined;
  /** The last line written, as "[source] text": where a silent failure left the log. */
  lastLine: string | undefined;

  constructor(
    readonly file: string,
    /** Told every line as it is written (--verbose streams the log to the terminal). */
    private readonly tap?: (text: string, source: string) => void,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }

  line(text: string, source = 'dib'): void {
    if (this.fd === undefined) return;
    this.lastLine = `[${source}] ${text}`;
    writeSync(this.fd, `${new Date().toISOString()} [${source}] ${text}\n`);
    this.tap?.(text, source);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
