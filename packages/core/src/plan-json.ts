/**
 * The plan as data (`dib create --dry-run --json`, for CI systems and other tools): everything
 * the executor will use, with a documented schema (packages/core/schema/plan.schema.json).
 * Functions (TypeScript hooks, variable schemas) are named, not serialised.
 */
import { z } from 'zod';
import { describeSource } from './elements/types.js';
import { BUILD_DIRECTORY_VARIABLES, withSecretsMasked, type BuildPlan } from './plan.js';
import { describeLookup, scriptOfPoint, type StageLookup } from './stage-cache/lookup.js';

const HookRef = z.object({ name: z.string(), element: z.string() }).strict();

export const PlanJsonSchema = z
  .object({
    /** Bumped when a field changes meaning or goes away. */
    schemaVersion: z.literal(1),
    name: z.string().describe('image name'),
    image: z.record(z.string(), z.unknown()).describe('the image options after the config file and the command line'),
    elements: z.array(z.object({ name: z.string(), source: z.string(), reasons: z.array(z.string()) }).strict()).describe('in build order'),
    phases: z
      .record(z.string(), z.array(HookRef.extend({ typescript: z.boolean() }).strict()))
      .describe('each phase in run order, its hooks in run-parts order'),
    environmentD: z.array(HookRef).describe('environment.d files, in the order they are sourced'),
    environment: z.record(z.string(), z.string()).describe('every variable hooks receive, as decided before the build'),
    environmentOrigins: z.record(z.string(), z.enum(['element default', 'config file', 'environment', 'dib'])),
    buildDirectoryVariables: z.array(z.string()).describe('variables set to paths of the build directory when it is made'),
    cacheMounts: z
      .array(z.object({ element: z.string(), source: z.string(), target: z.string() }).strict())
      .describe('bind-mounted into the chroot phases but finalise'),
    layout: z
      .object({
        source: z.string(),
        table: z.enum(['mbr', 'gpt']).nullable(),
        partitions: z.array(z.object({ name: z.string(), size: z.string(), flags: z.array(z.string()), type: z.string() }).strict()),
        filesystems: z.array(
          z
            .object({ type: z.string(), base: z.string(), label: z.string().nullable(), uuid: z.string().nullable(), mountPoint: z.string().nullable() })
            .strict(),
        ),
      })
      .strict()
      .nullable()
      .describe('the block-device layout for disk formats, with the identity of every filesystem'),
    diskSteps: z.array(HookRef).describe('TypeScript steps run on the assembled disk, in order'),
    outputs: z.array(z.object({ type: z.string(), path: z.string(), element: z.string().optional(), name: z.string().optional() }).strict()),
    manifestDir: z.string(),
    logfile: z.string(),
    hostTools: z.array(z.object({ anyOf: z.array(z.string()), apt: z.string().optional(), why: z.string(), neededBy: z.string() }).strict()),
    warnings: z.array(z.string()),
    stageCache: z
      .object({
        enabled: z.boolean(),
        directory: z.string(),
        restore: z.string().nullable().describe('"outputs", or the phase after (or within) which the stored tree is restored; null: every phase runs'),
        restoreAfterScript: z
          .string()
          .nullable()
          .describe(
            'A tree stored within the phase `restore` names: the last of its scripts that tree holds (the rest of the phase runs); null for a whole phase',
          ),
        summary: z.array(z.string()).describe('what the stage cache will do, and entries passed over'),
      })
      .strict()
      .describe('the stage cache, as looked up when the plan was printed'),
  })
  .strict();

export type PlanJson = z.output<typeof PlanJsonSchema>;

/** `stages`: the stage cache lookup, when it was made (dib create --dry-run). */
export function planToJson(plan: BuildPlan, stages?: StageLookup): PlanJson {
  const layout = plan.layout;
  return {
    schemaVersion: 1,
    name: plan.name,
    image: { ...plan.image, environment: plan.image.environment && withSecretsMasked(plan.image.environment, plan.secrets) },
    elements: plan.elements.map((e) => ({ name: e.name, source: describeSource(e.source), reasons: [...e.reasons] })),
    phases: Object.fromEntries(
      Object.entries(plan.hooks.phases).map(([p, hooks]) => [p, hooks.map((h) => ({ name: h.name, element: h.element, typescript: !!h.hostHook }))]),
    ),
    environmentD: plan.hooks.environment.map((h) => ({ name: h.name, element: h.element })),
    environment: withSecretsMasked(plan.environment, plan.secrets),
    environmentOrigins: { ...plan.environmentOrigins },
    buildDirectoryVariables: [...BUILD_DIRECTORY_VARIABLES],
    cacheMounts: plan.cacheMounts.map((m) => ({ ...m })),
    layout: layout
      ? {
          source: plan.layoutSource ?? '',
          table: layout.table?.label ?? null,
          partitions: (layout.table?.partitions ?? []).map((p) => ({
            name: p.name,
            size: 'bytes' in p.size ? `${p.size.bytes}` : `${p.size.percent}%`,
            flags: [...p.flags],
            type: String(p.type),
          })),
          filesystems: layout.filesystems.map((f) => ({
            type: f.type,
            base: f.base,
            label: f.label ?? null,
            uuid: f.uuid ?? null,
            mountPoint: f.mountPoint ?? null,
          })),
        }
      : null,
    diskSteps: plan.diskHooks.map((h) => ({ name: h.name, element: h.element })),
    outputs: plan.outputs.map((o) => ({ ...o })),
    manifestDir: plan.manifestDir,
    logfile: plan.logfile,
    hostTools: plan.hostTools.map((t) => ({ anyOf: [...t.anyOf], apt: t.apt, why: t.why, neededBy: t.neededBy })),
    warnings: [...plan.warnings],
    stageCache: {
      enabled: plan.stageCache.enabled,
      directory: plan.stageCache.dir,
      restore: stages?.candidates[0]?.at ?? null,
      restoreAfterScript: restoredScript(plan, stages),
      summary: describeLookup(plan, stages),
    },
  };
}

function restoredScript(plan: BuildPlan, stages: StageLookup | undefined): string | null {
  const best = stages?.candidates[0];
  return (best && scriptOfPoint(plan, best)) ?? null;
}
