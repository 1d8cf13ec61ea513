#!/usr/bin/env node
import { ramdiskCommand } from '../commands/create.js';

process.exitCode = await ramdiskCommand(process.argv.slice(2), ['ramdisk-image-create']);
