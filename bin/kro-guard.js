#!/usr/bin/env node
// kro-guard command-line entry point: runs the compiled CLI (built by `npm run build`, which
// `npm ci` runs through the `prepare` script).
import { run } from '../dist/cli/main.js';

await run();
