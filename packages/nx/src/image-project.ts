/**
 * One Nx project per image of a config file. Image projects live under `.dib/IMAGE`
 * beside the config file: Nx keys projects by root, and one config file holds several
 * images, so each needs a root of its own that no other project claims.
 */
import path from 'node:path';
import type { BuildPlan, ImageInputs } from '@dib/core';
import type { ProjectConfiguration } from 'nx/src/config/workspace-json-project-json.js';
import { imageTargetInputs, imageTargetOutputs } from './image-inputs.js';
import type { PluginOptions } from './options.js';
import { shellQuote } from '@dib/core';
import { workspaceSource } from './workspace-path.js';

export interface ImageProjectContext {
  workspaceRoot: string;
  /** The config file, relative to the workspace root. */
  configFile: string;
  options: PluginOptions;
  locked?: (name: string) => boolean;
}

/** Workspace-relative roots of the element packages the image uses that are projects of this workspace. */
export interface DibProjectMetadata {
  elementPackageRoots: string[];
}

export function imageProject(plan: BuildPlan, inputs: ImageInputs, ctx: ImageProjectContext): { root: string; project: ProjectConfiguration } {
  const configDir = path.posix.dirname(ctx.configFile);
  const root = path.posix.join(configDir, '.dib', plan.name);
  const dib = (extra: string[]) => ['dib', 'create', plan.name, '--config', path.posix.basename(ctx.configFile), ...extra].map(shellQuote).join(' ');
  const { outputs, outside } = imageTargetOutputs(inputs, ctx.workspaceRoot);
  // A cache hit restores files under the workspace only: an image written elsewhere (or into docker) would not come back.
  const uncacheable = [...outside.filter((f) => f !== plan.logfile), ...inputs.notFiles];
  const elements = plan.elements.map((el) => el.name).join(' ');
  const metadata: DibProjectMetadata = { elementPackageRoots: workspacePackageRoots(inputs, ctx.workspaceRoot) };
  const { targetName, planTargetName } = ctx.options;
  return {
    root,
    project: {
      root,
      name: `${ctx.options.projectPrefix}${plan.name}`,
      projectType: 'application',
      tags: ['dib:image', `dib:kind:${plan.image.kind}`],
      metadata: { description: `dib image ${plan.name} (${elements})`, dib: metadata } as ProjectConfiguration['metadata'],
      targets: {
        [targetName]: {
          command: dib(ctx.options.json ? ['--json'] : []),
          options: { cwd: configDir },
          cache: uncacheable.length === 0,
          inputs: imageTargetInputs(inputs, { ...ctx, image: plan.name }),
          outputs,
          // An element package of this workspace is built before the image that uses it.
          dependsOn: ['^build'],
          metadata: {
            description: `Build ${plan.image.kind === 'ramdisk' ? 'the ramdisk' : plan.image.types.join(', ')} of ${plan.name}${uncacheable.length ? `; not cached, since a cache could not restore ${uncacheable.join(', ')} (outside the workspace or not a file)` : ''}`,
            technologies: ['dib'],
          },
        },
        [planTargetName]: {
          command: dib(['--dry-run']),
          options: { cwd: configDir },
          cache: false,
          // A config edit makes every image of the file affected; the build target's own
          // inputs then decide which of them is really rebuilt.
          inputs: [{ fileset: `{workspaceRoot}/${ctx.configFile}` }],
          metadata: { description: `Print what building ${plan.name} would do (dib create --dry-run)`, technologies: ['dib'] },
        },
      },
    },
  };
}

function workspacePackageRoots(inputs: ImageInputs, workspaceRoot: string): string[] {
  const roots = inputs.elements.flatMap((el) => {
    if (el.source.kind !== 'package') return [];
    const rel = workspaceSource(workspaceRoot, el.source.packageRoot);
    return rel ? [rel] : [];
  });
  return [...new Set(roots)].sort();
}
