import type { RewriteResult } from './shared.js';

// 1. debug-flag
//
// jco's debug helper checks the environment on every call:
//
//     const _debugLog = (...args) => {
//       if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
//       console.debug(...args);
//     };
//
// `process.env` is backed by getenv(), so each check costs ~0.1 us. The rewrite reads the variable
// once, when `instantiate()` runs, so JCO_DEBUG is honoured as set at instantiation time (setting
// it later, in the middle of a component's life, no longer switches logging on). The helper is
// defined inside `instantiate()`, so each instance reads it once.

const DEBUG_LOG = /const _debugLog = \(\.\.\.args\) => \{\s*if \(!globalThis\?\.process\?\.env\?\.JCO_DEBUG\) \{ return; \}\s*console\.debug\(\.\.\.args\);\s*\};/;

export function debugFlag(source: string): RewriteResult {
  const name = 'debug-flag';
  const matches = source.match(new RegExp(DEBUG_LOG.source, 'g')) ?? [];
  if (matches.length !== 1) {
    return { name, source, applied: false, skipped: [`${name}: expected one _debugLog helper reading process.env.JCO_DEBUG, found ${matches.length}`] };
  }
  const replacement =
    'const _jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG; // glue-transform: read once per instantiation\n' +
    '  const _debugLog = (...args) => {\n' +
    '    if (!_jcoDebug) { return; }\n' +
    '    console.debug(...args);\n' +
    '  };';
  return { name, source: source.replace(DEBUG_LOG, () => replacement), applied: true, skipped: [] };
}
