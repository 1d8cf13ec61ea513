#!/usr/bin/env node
import { ramdiskCommand } from '../commands/create.js';
import { compatVersion } from '../compat-version.js';

const args = process.argv.slice(2);
process.exitCode = compatVersion(args) ?? (await ramdiskCommand(args, ['ramdisk-image-create']));
