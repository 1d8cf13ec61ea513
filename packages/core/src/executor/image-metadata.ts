/** What the build records about itself, in the image and beside the output. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../shell-quote.js';
import { describeSource } from '../elements/types.js';
import type { BuildPlan } from '../plan.js';

export const MANIFEST_IMAGE_DIR = '/etc/dib-manifests';

/** The DIB_* settings of the build, as sourceable shell. */
export const dibEnvironmentText = (env: Record<string, string>) =>
  Object.keys(env)
    .filter((k) => k.startsWith('DIB_'))
    .sort()
    .map((k) => `export ${k}=${shellQuote(env[k])}`)
    .join('\n') + '\n';

export const dibArgumentsText = (argv: readonly string[]) => `${argv.map(shellQuote).join(' ')}\n`;

export const elementListText = (plan: BuildPlan) => plan.elements.map((e) => `${e.name} ${describeSource(e.source)}`).join('\n') + '\n';

/** /etc/dib_environment, /etc/dib_arguments and the element list in the image. */
export function writeImageMetadata(plan: BuildPlan, targetRoot: string, env: Record<string, string>): void {
  const etc = path.join(targetRoot, 'etc');
  writeFileSync(path.join(etc, 'dib_environment'), dibEnvironmentText(env));
  writeFileSync(path.join(etc, 'dib_arguments'), dibArgumentsText(plan.argv));
  const manifests = path.join(targetRoot, MANIFEST_IMAGE_DIR);
  mkdirSync(manifests, { recursive: true });
  writeFileSync(path.join(manifests, 'dib-element-list'), elementListText(plan));
  writeFileSync(path.join(manifests, 'dib_environment'), dibEnvironmentText(env));
  writeFileSync(path.join(manifests, 'dib_arguments'), dibArgumentsText(plan.argv));
}
