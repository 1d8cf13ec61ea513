#!/usr/bin/env node
import { getKernelCommand } from '../commands/get-kernel.js';

process.exitCode = await getKernelCommand(process.argv.slice(2));
