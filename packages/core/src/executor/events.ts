/** Machine-readable build events (`dib create --json` prints one per line). */
export type BuildEvent =
  | { event: 'build-start'; image: string; elements: string[]; outputs: string[] }
  | { event: 'phase-start'; phase: string; where: 'host' | 'chroot' }
  | { event: 'phase-end'; phase: string; durationMs: number }
  | { event: 'script-start'; phase: string; script: string; element: string }
  | { event: 'script-end'; phase: string; script: string; element: string; durationMs: number; status: 'ok' | 'failed' }
  | { event: 'stage'; action: 'restored' | 'stored'; at: string; script?: string; key: string; bytes?: number; durationMs: number }
  /** sha256 of a file output; absent for outputs that are not files (docker) and for outputs restored from the stage cache. */
  | { event: 'output'; type: string; path: string; bytes: number; sha256?: string }
  | { event: 'warning'; message: string }
  | { event: 'error'; code: string; message: string; location: Record<string, string | undefined> }
  | { event: 'build-end'; status: 'ok' | 'failed' | 'interrupted'; durationMs: number };

export type EventSink = (event: BuildEvent) => void;
