#!/usr/bin/env node
import { existsSync, statSync } from 'node:fs';

// dist/ is built by `npm run build` (and on `npm pack`); a clone that was not built gets one line.
// dist/bundle/ (scripts/bundle.mjs) holds the same CLI in a few files, which starts faster. In a
// checkout (src/ is there; it is not in the package) it is used only while tsc has not written
// dist/ again since it was made (a build without the bundle step): never a stale bundle.
const unbundled = new URL('../dist/cli/main.js', import.meta.url);
const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const checkout = existsSync(new URL('../src/', import.meta.url));
const stale = () => (statSync(unbundled, { throwIfNoEntry: false })?.mtimeMs ?? 0) > statSync(bundled).mtimeMs;
const entry = existsSync(bundled) && !(checkout && stale()) ? bundled : unbundled;
if (!existsSync(entry)) {
  process.stderr.write('wasm-otel: dist/ is missing (a clone that was not built): run "npm run build" first\n');
  process.exit(1);
}

let code;
try {
  const { main } = await import(entry.href);
  code = await main(process.argv.slice(2));
} catch (error) {
  // main() reports what goes wrong itself; this is for what it could not (a file of dist/ missing, a bug).
  process.stderr.write(`wasm-otel: internal error: ${String(error instanceof Error ? error.message : error).split('\n')[0]}\n`);
  code = 1;
}
// Telemetry is flushed inside main(); exit explicitly so WASI worker threads cannot keep us alive.
process.exit(code);
