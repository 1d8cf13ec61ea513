/**
 * Every image of one config file, planned as `dib create` would plan it: for tools that
 * need to know what each image reads and writes without building it (the @dib/nx plugin).
 * CONTENT_VARIABLE_FORMS are the variables of dib create itself that change an image.
 */
import path from 'node:path';
import { createPlan, loadConfig, type BuildPlan } from '@dib/core';
import { selectImages } from './images.js';
import { imageOptionsFromVariables } from './variable-forms.js';

export async function planConfigImages(configFile: string): Promise<BuildPlan[]> {
  const file = path.resolve(configFile);
  const { config } = await loadConfig({ cwd: path.dirname(file), file });
  if (Object.keys(config.images).length === 0) return [];
  // As dib create reads them when no flag is given: ARCH=arm64 plans an arm64 image.
  const { requests } = await selectImages([], imageOptionsFromVariables(process.env), { config: file }, ['dib', 'create', '--config', file]);
  return Promise.all(requests.map((request) => createPlan(request)));
}
