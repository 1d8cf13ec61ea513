/**
 * Every image of one config file, planned as `dib create` would plan it: for tools that
 * need to know what each image reads and writes without building it (the @dib/nx plugin).
 */
import path from 'node:path';
import { createPlan, loadConfig, type BuildPlan } from '@dib/core';
import { selectImages } from './images.js';

export async function planConfigImages(configFile: string): Promise<BuildPlan[]> {
  const file = path.resolve(configFile);
  const { config } = await loadConfig({ cwd: path.dirname(file), file });
  if (Object.keys(config.images).length === 0) return [];
  const { requests } = await selectImages([], {}, { config: file }, ['dib', 'create', '--config', file]);
  return Promise.all(requests.map((request) => createPlan(request)));
}
