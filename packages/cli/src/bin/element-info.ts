#!/usr/bin/env node
import { elementInfoCompatCommand } from '../commands/element-info-compat.js';

process.exitCode = await elementInfoCompatCommand(process.argv.slice(2));
