// Bundles what the CLI runs (after `tsc` has built dist/): the command line and the entries of its
// worker threads become a few files in dist/bundle/, so that a run does not resolve, read and
// compile some 900 modules one by one (most of the CLI's start-up time). The library (dist/index.js)
// stays as tsc wrote it: an application's own bundler is the one to bundle it.
//
//   node scripts/bundle.mjs        (part of `npm run build`)
//
// - Dynamic imports stay lazy (code splitting): `--version` loads only the entry.
// - `import.meta.url` in a module is its place in dist/ (e.g. dist/runtime/transpile.js), not the
//   bundle's, so the files it finds beside it (the generated signatures, the sources the transpile
//   cache hashes, the fetch worker) are found as before.
// - Packages that load files beside their own code (jco's wasm, preview2-shim's I/O worker,
//   binaryen's) are imported from node_modules as they are; so is preview2-shim, of which the
//   process must have one copy. (The demangler's wasm is found by our own code, from
//   node_modules: its bindings are bundled.)
import { build } from 'esbuild';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const OUT = join(DIST, 'bundle');

/** The entries: the CLI, and each worker thread's script (found through `workerScript`). */
const ENTRIES = ['cli/main.js', 'host/worker/worker-entry.js', 'http/threads/serving-thread-entry.js'];

/** Loaded from node_modules at run time, not bundled (they read files beside themselves, or are big and rarely used). */
// preview2-shim also because one copy of it must serve the process: the node_modules one, which
// jco and an --imports module import too (a stream of one copy is not a stream to the other).
const EXTERNAL = ['@bytecodealliance/jco-transpile', '@bytecodealliance/preview2-shim', 'binaryen', 'puppeteer-core'];


for (const entry of ENTRIES) {
  if (!existsSync(join(DIST, entry))) throw new Error(`bundle: dist/${entry} is missing: run tsc -p tsconfig.build.json first`);
}
// Written beside, then put in place: a CLI starting meanwhile finds the old bundle or the new one.
const STAGING = `${OUT}.tmp-${process.pid}`;
rmSync(STAGING, { recursive: true, force: true });

/** Each module of dist/ sees its own URL as `import.meta.url`, relative to the bundle's files (all in dist/bundle/). */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(builder) {
    builder.onLoad({ filter: /\.js$/ }, async (args) => {
      if (!args.path.startsWith(DIST + sep) || args.path.startsWith(OUT)) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'js' };
      const fromBundle = relative(OUT, args.path).split(sep).join('/');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/** Packages whose ES module build differs from what Node loads (no default export): their `main`, as Node has it. */
const AS_NODE_LOADS_IT = ['wasmparser'];
const commonJsAsNodeLoadsIt = {
  name: 'common-js-as-node-loads-it',
  setup(builder) {
    const filter = new RegExp(`^(${AS_NODE_LOADS_IT.join('|')})$`);
    builder.onResolve({ filter }, (args) => ({ path: createRequire(join(DIST, 'index.js')).resolve(args.path) }));
  },
};

const result = await build({
  entryPoints: ENTRIES.map((entry) => join(DIST, entry)),
  outdir: STAGING,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The ES module builds of the OTel SDK's packages (their `module` entries): tree-shaken, and
  // no CommonJS interop at load. Others as Node loads them (see commonJsAsNodeLoadsIt).
  mainFields: ['module', 'main'],
  conditions: ['module'],
  target: 'node20',
  external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
  // CommonJS packages in the bundle call require() for Node's modules.
  banner: { js: "import { createRequire as __wasmOtelCreateRequire } from 'node:module'; const require = __wasmOtelCreateRequire(import.meta.url);" },
  define: { BUNDLED_CLI: 'true' },
  // Names as in the sources: the SDK and we recognise some classes by their constructor's name.
  keepNames: true,
  plugins: [ownUrl, commonJsAsNodeLoadsIt],
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});
const old = `${OUT}.old-${process.pid}`;
if (existsSync(OUT)) renameSync(OUT, old);
renameSync(STAGING, OUT);
rmSync(old, { recursive: true, force: true });
const outputs = Object.keys(result.metafile.outputs).length;
if (process.env.WASM_OTEL_BUNDLE_META) writeFileSync(process.env.WASM_OTEL_BUNDLE_META, JSON.stringify(result.metafile));
console.log(`bundle: ${ENTRIES.length} entries, ${outputs} files in dist/bundle/`);
