#!/usr/bin/env node
import { createCommand } from '../commands/create.js';
import { compatVersion } from '../compat-version.js';

const args = process.argv.slice(2);
process.exitCode = compatVersion(args) ?? (await createCommand(args, ['disk-image-create']));
