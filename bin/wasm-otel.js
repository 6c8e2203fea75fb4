#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// Telemetry is flushed inside main(); exit explicitly so WASI worker threads cannot keep us alive.
process.exit(await main(process.argv.slice(2)));
