/**
 * What a build did and when, kept while it runs for the report and the trace: every
 * build event with its time, and each host command with its duration.
 */
import type { BuildEvent } from '../executor/events.js';

export interface TimedEvent {
  /** Milliseconds since the build started. */
  readonly at: number;
  readonly event: BuildEvent;
}

export interface TimedCommand {
  /** The label the log shows (phase/script, block-device, ...). */
  readonly label: string;
  /** The command and its first arguments, as run. */
  readonly command: string;
  readonly at: number;
  readonly durationMs: number;
  readonly ok: boolean;
}

/** A span of the timeline: a phase, a script in it, or a host command. */
export interface Span {
  readonly kind: 'phase' | 'script' | 'command';
  readonly name: string;
  readonly detail: string;
  readonly start: number;
  readonly durationMs: number;
  readonly status: 'ok' | 'failed' | 'running';
}

export class BuildRecorder {
  private readonly started = Date.now();
  readonly events: TimedEvent[] = [];
  readonly commands: TimedCommand[] = [];

  readonly startedAt = new Date(this.started);

  now(): number {
    return Date.now() - this.started;
  }

  event(event: BuildEvent): void {
    this.events.push({ at: this.now(), event });
  }

  command(label: string, command: string, startedAt: number, ok: boolean): void {
    this.commands.push({ label, command, at: startedAt - this.started, durationMs: Date.now() - startedAt, ok });
  }

  /** Phases and scripts from their start and end events, then every host command; open ones end now. */
  spans(): Span[] {
    const spans: Span[] = [];
    const open = new Map<string, TimedEvent>();
    const end = this.now();
    for (const timed of this.events) {
      const e = timed.event;
      if (e.event === 'phase-start') open.set(`phase ${e.phase}`, timed);
      else if (e.event === 'script-start') open.set(`script ${e.phase}/${e.script}`, timed);
      else if (e.event === 'phase-end' || e.event === 'script-end') {
        const key = e.event === 'phase-end' ? `phase ${e.phase}` : `script ${e.phase}/${e.script}`;
        const start = open.get(key);
        open.delete(key);
        spans.push(
          e.event === 'phase-end'
            ? { kind: 'phase', name: e.phase, detail: 'phase', start: start?.at ?? timed.at - e.durationMs, durationMs: e.durationMs, status: 'ok' }
            : {
                kind: 'script',
                name: `${e.phase}/${e.script}`,
                detail: e.element,
                start: start?.at ?? timed.at - e.durationMs,
                durationMs: e.durationMs,
                status: e.status,
              },
        );
      }
    }
    for (const [key, timed] of open) {
      const e = timed.event;
      const detail = e.event === 'script-start' ? e.element : 'phase';
      spans.push({
        kind: key.startsWith('phase') ? 'phase' : 'script',
        name: key.slice(key.indexOf(' ') + 1),
        detail,
        start: timed.at,
        durationMs: end - timed.at,
        status: 'running',
      });
    }
    for (const c of this.commands)
      spans.push({ kind: 'command', name: c.command, detail: c.label, start: c.at, durationMs: c.durationMs, status: c.ok ? 'ok' : 'failed' });
    return spans.sort((a, b) => a.start - b.start);
  }
}
