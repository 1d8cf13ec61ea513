#!/usr/bin/env node
import { createCommand } from '../commands/create.js';

process.exitCode = await createCommand(process.argv.slice(2), ['disk-image-create']);
