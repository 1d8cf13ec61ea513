/** The plugin's options, as written in nx.json's `plugins` entry. */
import { z } from 'zod';

export const PluginOptionsSchema = z
  .object({
    /** The target that builds the image. */
    targetName: z.string().min(1).default('image'),
    /** The target that prints the image's plan (dib create --dry-run). */
    planTargetName: z.string().min(1).default('image-plan'),
    /** Put before each image's name to make its project name, when image names collide with other projects. */
    projectPrefix: z.string().default(''),
    /** Build with --json, so the task's recorded output is dib's event stream. */
    json: z.boolean().default(true),
  })
  .strict();

export type PluginOptions = z.output<typeof PluginOptionsSchema>;

export function parseOptions(raw: unknown): PluginOptions {
  const parsed = PluginOptionsSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
  throw new Error(`@dib/nx: the plugin's options in nx.json are not valid: ${issues}`);
}
