import { readFileSync } from 'node:fs';

/** The version of @dib/cli, from its package.json (dist/ and src/ both sit one level below it). */
export const CLI_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
