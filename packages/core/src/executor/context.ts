import type { BuildPlan } from '../plan.js';
import type { BuildRecorder } from '../report/recorder.js';
import type { ChrootSession } from './chroot.js';
import type { EventSink } from './events.js';
import type { PendingOutputs } from './pending-outputs.js';
import type { BuildLog } from './log.js';
import type { ResourceStack } from './resources.js';
import type { CommandRunner } from './runner.js';

/** State shared by the steps of one running build. */
export interface BuildContext {
  readonly plan: BuildPlan;
  readonly runner: CommandRunner;
  readonly resources: ResourceStack;
  readonly log: BuildLog;
  readonly emit: EventSink;
  readonly buildDir: string;
  readonly targetRoot: string;
  readonly hooksPath: string;
  /** DIB_ELEMENT_OUTPUT_DIR: elements' declared outputs are written here first. */
  readonly elementOutputDir: string;
  readonly chroot: ChrootSession;
  /** The plan's environment plus the build directory's paths, before per-phase PATH. */
  readonly env: Record<string, string>;
  /** Outputs written so far, held under temporary names until the build succeeds. */
  readonly outputs: PendingOutputs;
  /** Aborted when the build is interrupted; TypeScript hooks get it as ctx.signal. */
  readonly signal: AbortSignal;
  /** Events and host commands with their times, for the report and the trace. */
  readonly recorder: BuildRecorder;
}
