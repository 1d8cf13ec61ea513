/**
 * The build's timeline in Chrome's trace-event format (JSON object form, complete "X"
 * events in microseconds), which Perfetto and the browser's tracing view open: phases,
 * scripts and host commands each on a track of their own.
 */
import type { BuildRecorder } from './recorder.js';

const TRACKS = { phase: 1, script: 2, command: 3 } as const;
const TRACK_NAMES = { phase: 'phases', script: 'scripts', command: 'host commands' } as const;

export function traceJson(recorder: BuildRecorder, image: string): string {
  const pid = 1;
  const names = [
    { name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `dib create ${image}` } },
    ...Object.entries(TRACKS).map(([kind, tid]) => ({ name: 'thread_name', ph: 'M', pid, tid, args: { name: TRACK_NAMES[kind as keyof typeof TRACKS] } })),
  ];
  const spans = recorder.spans().map((s) => ({
    name: s.name,
    cat: s.kind,
    ph: 'X',
    ts: s.start * 1000,
    dur: s.durationMs * 1000,
    pid,
    tid: TRACKS[s.kind],
    args: { detail: s.detail, status: s.status },
  }));
  const instants = recorder.events.flatMap(({ at, event }) =>
    event.event === 'stage' || event.event === 'warning' || event.event === 'error'
      ? [
          {
            name: event.event === 'stage' ? `stage ${event.action} at ${event.at}` : event.event,
            cat: event.event,
            ph: 'i',
            s: 'p',
            ts: at * 1000,
            pid,
            tid: 1,
            args: { ...event },
          },
        ]
      : [],
  );
  return `${JSON.stringify({ traceEvents: [...names, ...spans, ...instants], displayTimeUnit: 'ms', otherData: { image, startedAt: recorder.startedAt.toISOString() } })}\n`;
}
