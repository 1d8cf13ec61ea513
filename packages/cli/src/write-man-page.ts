/** Build step: writes man/dib.1 beside the package (npm installs it as dib(1)). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_VERSION } from './cli-version.js';
import { COMMANDS } from './commands/registry.js';
import { manPage } from './man-page.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'man');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'dib.1'), manPage(COMMANDS, CLI_VERSION));
