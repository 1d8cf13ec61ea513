#!/usr/bin/env node
import { elementInfoCommand } from '../commands/element-info.js';

process.exitCode = await elementInfoCommand(process.argv.slice(2));
