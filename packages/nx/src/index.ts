/**
 * @dib/nx: every image of every `dib.config.*` file in an Nx workspace becomes a project
 * with an `image` target (cached, with exactly the image's inputs and outputs) and an
 * `image-plan` target (the dry-run). Nx then decides what is affected, runs images in
 * parallel, and restores them from its local or remote cache.
 */
import path from 'node:path';
import { CONFIG_SEARCH_PLACES, imageInputs } from '@dib/core';
import { planConfigImages } from '@dib/cli';
import type { CreateDependencies, CreateNodesV2 } from 'nx/src/project-graph/plugins';
import type { RawProjectGraphDependency } from 'nx/src/project-graph/project-graph-builder.js';
import { imageProject, type DibProjectMetadata } from './image-project.js';
import { lockedPackages } from './lockfile.js';
import { parseOptions, type PluginOptions } from './options.js';

export const name = '@dib/nx';

/** The config files the plugin reads: the dib.config.* names of `dib create`'s search (.dibrc and package.json are not read). */
export const CONFIG_FILES_GLOB = `**/{${CONFIG_SEARCH_PLACES.filter((name) => name.startsWith('dib.config.')).join(',')}}`;

export const createNodesV2: CreateNodesV2<Partial<PluginOptions>> = [
  CONFIG_FILES_GLOB,
  async (configFiles, rawOptions, context) => {
    const options = parseOptions(rawOptions);
    const locked = lockedPackages(context.workspaceRoot);
    const seen = new Map<string, string>();
    const results = [];
    for (const configFile of configFiles) {
      const plans = await planConfigImages(path.join(context.workspaceRoot, configFile)).catch((e: Error & { code?: string }) => {
        throw new Error(`@dib/nx: ${configFile}: ${e.code ? `${e.code}: ` : ''}${e.message}`, { cause: e });
      });
      const projects: Record<string, ReturnType<typeof imageProject>['project']> = {};
      for (const plan of plans) {
        const { root, project } = imageProject(plan, imageInputs(plan), { workspaceRoot: context.workspaceRoot, configFile, options, locked });
        const other = seen.get(project.name!);
        if (other) {
          throw new Error(
            `@dib/nx: the image "${plan.name}" of ${configFile} and the one of ${other} would both be the project "${project.name}"; rename one, or give the plugin a projectPrefix in nx.json`,
          );
        }
        seen.set(project.name!, configFile);
        projects[root] = project;
      }
      results.push([configFile, { projects }] as const);
    }
    return results;
  },
];

/** Nx 21+ reads createNodes in the V2 form; both names are given for either. */
export const createNodes = createNodesV2;

/** Each image depends on the workspace projects of the element packages it uses, so they build first and changes to them affect it. */
export const createDependencies: CreateDependencies<Partial<PluginOptions>> = (_options, context) => {
  const byRoot = new Map(Object.entries(context.projects).map(([projectName, p]) => [p.root, projectName]));
  return Object.entries(context.projects).flatMap(([source, project]) => {
    const dib = (project.metadata as { dib?: DibProjectMetadata } | undefined)?.dib;
    return (dib?.elementPackageRoots ?? []).flatMap((root) => {
      const target = byRoot.get(root);
      return target && target !== source ? [{ source, target, type: 'implicit' } as RawProjectGraphDependency] : [];
    });
  });
};
