import { readFileSync } from 'node:fs';

/** This core's own version, read once from its package.json. */
export const CORE_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
