#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';

// dist/ is built by `npm run build` (and on `npm pack`); a clone that was not built gets one line.
// dist/bundle/ (scripts/bundle.mjs) holds the same CLI in a few files, which starts faster; it is
// used unless tsc has written dist/ again since it was made (a build without the bundle step).
const unbundled = new URL('../dist/cli/main.js', import.meta.url);
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const entry = existsSync(bundled) && !(statSync(unbundled, { throwIfNoEntry: false })?.mtimeMs > statSync(bundled).mtimeMs) ? bundled : unbundled;
if (!existsSync(entry)) {
  process.stderr.write('wasm-otel: dist/ is missing (a clone that was not built): run "npm run build" first\n');
  process.exit(1);
}
const { main } = await import(entry.href);

// Telemetry is flushed inside main(); exit explicitly so WASI worker threads cannot keep us alive.
process.exit(await main(process.argv.slice(2)));
