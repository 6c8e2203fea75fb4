#!/usr/bin/env node
// Builds the guest components and core modules in components/ and caches them
// by source hash.
//
//   node components/build.mjs            build what is missing or stale
//   node components/build.mjs --force    rebuild everything
//   node components/build.mjs --check    build nothing; exit 1 if any .wasm is
//                                        missing or stale
//   node components/build.mjs NAME...    limit to some guests (e.g. span-bench)
//
// For every guest it writes components/<name>.wasm and
// components/<name>.wasm.sha256. The .sha256 file holds one line: the SHA-256
// of the guest's build inputs (NOT of the .wasm): the recipe below, the jco
// and componentize-js versions, the source file, and every WIT file the world
// resolves against (the world folder's *.wit plus each deps/ entry, symlinks
// followed). A guest is rebuilt when that hash changes.
//
// Guest kinds:
//   js  - componentize-js (StarlingMonkey) via `jco componentize`, run as a
//         child process (10-40 s, up to ~2 GB of memory, ~12 MB output).
//   wat - hand-written core module: jco parse -> embed WIT -> component new
//         (in-process through the jco API; a few KB, no WASI imports).
//         `retarget: [[pattern, replacement], ...]` builds it against other
//         package versions: each regular expression is replaced (globally) in
//         the WAT and in every WIT file the world reads (copied to a temporary
//         folder), e.g. the rc.2 forwarder as `wasi:otel@0.2.0-rc.3`.
//   wat-module - hand-written core module, kept a core module (no component):
//         jco parse, which writes the `name` section from the $identifiers;
//         `names: false` removes that section instead. Hash: recipe entry,
//         jco version, source.
//   c-module - C -> core module with Debian's clang 14 and wasi-libc
//         (--target=wasm32-wasi --sysroot=/usr): `clang -O2 -c` to an object,
//         then a link WITHOUT -O (with -O the clang 14 driver runs wasm-opt,
//         which drops the `name` section) and with -Wl,--strip-debug (drops
//         DWARF, keeps `name`). `exec: 'reactor'` links -mexec-model=reactor.
//         If clang, wasm-ld, wasi-libc or the wasm32 builtins are missing, the
//         build installs the Debian packages in C_PACKAGES with apt-get.
//         Hash: recipe entry, the exact clang command lines (C_COMPILE_FLAGS /
//         C_LINK_FLAGS, paths as placeholders), the source and the headers it
//         #includes with "..." (not the clang version: --check must work on a
//         machine without clang).
// After a core-module build the output is checked: it compiles
// (WebAssembly.Module), exports `memory`, has a `name` section with function
// names (none with `names: false`) and no .debug_* section.

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMPONENTS = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(COMPONENTS, '..');
const JCO_PKG = join(ROOT, 'node_modules/@bytecodealliance/jco');
const CJS_PKG = join(ROOT, 'node_modules/@bytecodealliance/componentize-js');

/** Every guest: name = output file stem. Paths are relative to the repo root. */
export const GUESTS = [
  {
    name: 'scenarios',
    kind: 'js',
    source: 'components/scenarios/scenarios.js',
    wit: 'wit/guests/rc.2',
    world: 'scenarios',
    // Keep stdio (uncaught errors are printed) and clocks (Date.now()).
    disable: ['http', 'fetch-event', 'random'],
  },
  {
    name: 'http-app',
    kind: 'js',
    source: 'components/http/http-app.js',
    wit: 'wit/guests/http',
    world: 'http-app',
  },
  {
    name: 'http-hello',
    kind: 'js',
    source: 'components/http/http-hello.js',
    wit: 'wit/guests/http',
    world: 'http-hello',
  },
  {
    name: 'span-bench',
    kind: 'wat',
    source: 'components/wat/span-bench.wat',
    wit: 'wit/guests/rc.2',
    world: 'span-bench',
  },
  {
    name: 'current-span',
    kind: 'wat',
    source: 'components/wat/current-span.wat',
    wit: 'wit/guests/main',
    world: 'current-span',
  },
  {
    name: 'flood',
    kind: 'wat',
    source: 'components/wat/flood.wat',
    wit: 'wit/guests/probes',
    world: 'flood',
  },
  {
    name: 'printer',
    kind: 'wat',
    source: 'components/wat/printer.wat',
    wit: 'wit/guests/probes',
    world: 'printer',
  },
  {
    name: 'hostile',
    kind: 'wat',
    source: 'components/wat/hostile.wat',
    wit: 'wit/guests/probes',
    world: 'hostile',
  },
  {
    name: 'trap',
    kind: 'wat',
    source: 'components/wat/trap.wat',
    wit: 'wit/guests/rc.2',
    world: 'trap',
  },
  {
    name: 'bad-input',
    kind: 'wat',
    source: 'components/wat/bad-input.wat',
    wit: 'wit/guests/rc.2',
    world: 'bad-input',
  },
  {
    name: 'forwarder-draft-2025-03',
    kind: 'wat',
    source: 'components/wat/forwarder-draft-2025-03.wat',
    wit: 'wit/guests/forwarders/draft-2025-03',
    world: 'forwarder',
  },
  {
    name: 'forwarder-draft-2025-11',
    kind: 'wat',
    source: 'components/wat/forwarder-draft-2025-11.wat',
    wit: 'wit/guests/forwarders/draft-2025-11',
    world: 'forwarder',
  },
  {
    name: 'forwarder-draft-2025-12',
    kind: 'wat',
    source: 'components/wat/forwarder-draft-2025-12.wat',
    wit: 'wit/guests/forwarders/draft-2025-12',
    world: 'forwarder',
  },
  {
    name: 'forwarder-rc.1',
    kind: 'wat',
    source: 'components/wat/forwarder-rc.1.wat',
    wit: 'wit/guests/forwarders/rc.1',
    world: 'forwarder',
  },
  {
    name: 'forwarder-rc.2',
    kind: 'wat',
    source: 'components/wat/forwarder-rc.2.wat',
    wit: 'wit/guests/forwarders/rc.2',
    world: 'forwarder',
  },
  {
    name: 'forwarder-main',
    kind: 'wat',
    source: 'components/wat/forwarder-main.wat',
    wit: 'wit/guests/forwarders/main',
    world: 'forwarder',
  },
  {
    name: 'platform-kv',
    kind: 'wat',
    source: 'components/wat/platform-kv.wat',
    wit: 'wit/guests/platform',
    world: 'platform-kv',
  },
  // Real components use versions the upstream repository never published: the
  // rc.2 shape with newer WASI packages and build metadata, and the main shape
  // republished as rc.3. The host must recognise them by their functions.
  {
    name: 'forwarder-rc.2-patch',
    kind: 'wat',
    source: 'components/wat/forwarder-rc.2.wat',
    wit: 'wit/guests/forwarders/rc.2',
    world: 'forwarder',
    retarget: [
      ['@0\\.2\\.0-rc\\.2\\b', '@0.2.0-rc.2+patch'],
      ['@0\\.2\\.0(?![-+\\w]|\\.\\d)', '@0.2.3'],
    ],
  },
  {
    name: 'forwarder-rc.3',
    kind: 'wat',
    source: 'components/wat/forwarder-main.wat',
    wit: 'wit/guests/forwarders/main',
    world: 'forwarder',
    retarget: [['@0\\.2\\.0-rc\\.2\\b', '@0.2.0-rc.3']],
  },
  // The wasi:observe shape (tracer with the span resource, wasi:logging).
  // Not called observe-forwarder: that is the dylibso:observe core module below.
  {
    name: 'wasi-observe-forwarder',
    kind: 'wat',
    source: 'components/wat/wasi-observe-forwarder.wat',
    wit: 'wit/guests/observe',
    world: 'observe-forwarder',
  },
  {
    name: 'logging-only',
    kind: 'wat',
    source: 'components/wat/logging-only.wat',
    wit: 'wit/guests/observe',
    world: 'logging-only',
  },
  // Core modules (not components) for the dylibso:observe ABI; sources and
  // contracts in components/core/, table in components/README.md.
  { name: 'observe-manual', kind: 'c-module', source: 'components/core/observe-manual.c', exec: 'command' },
  { name: 'proc-exit', kind: 'c-module', source: 'components/core/proc-exit.c', exec: 'command' },
  { name: 'reactor', kind: 'c-module', source: 'components/core/reactor.c', exec: 'reactor' },
  { name: 'command-exports', kind: 'c-module', source: 'components/core/command-exports.c', exec: 'command' },
  // Plain WASI programs (no dylibso:observe imports): correctness suite for an
  // instrumenting compiler (enter/exit hooks around every defined function).
  { name: 'instr-recursion', kind: 'c-module', source: 'components/core/instr-recursion.c', exec: 'command' },
  { name: 'instr-errors', kind: 'c-module', source: 'components/core/instr-errors.c', exec: 'command' },
  { name: 'instr-reactor', kind: 'c-module', source: 'components/core/instr-reactor.c', exec: 'reactor' },
  { name: 'trap-core', kind: 'wat-module', source: 'components/core/trap-core.wat' },
  { name: 'nested-calls', kind: 'wat-module', source: 'components/core/nested-calls.wat' },
  { name: 'memory-grow', kind: 'wat-module', source: 'components/core/memory-grow.wat' },
  { name: 'hello-reactor', kind: 'wat-module', source: 'components/core/hello-reactor.wat' },
  { name: 'mixed', kind: 'wat-module', source: 'components/core/mixed.wat' },
  { name: 'no-names', kind: 'wat-module', source: 'components/core/no-names.wat', names: false },
  { name: 'legacy', kind: 'wat-module', source: 'components/core/legacy.wat' },
  { name: 'legacy-i64', kind: 'wat-module', source: 'components/core/legacy-i64.wat' },
  { name: 'bad-input-core', kind: 'wat-module', source: 'components/core/bad-input-core.wat' },
  { name: 'mangled-names', kind: 'wat-module', source: 'components/core/mangled-names.wat' },
  { name: 'fib', kind: 'wat-module', source: 'components/core/fib.wat' },
  { name: 'fib-plain', kind: 'wat-module', source: 'components/core/fib-plain.wat' },
  { name: 'instrument-shapes', kind: 'wat-module', source: 'components/core/instrument-shapes.wat' },
  { name: 'instrument-exceptions', kind: 'wat-module', source: 'components/core/instrument-exceptions.wat' },
  { name: 'probes-core', kind: 'wat-module', source: 'components/core/probes-core.wat' },
  { name: 'observe-forwarder', kind: 'wat-module', source: 'components/core/observe-forwarder.wat' },
];

const isCoreModule = (g) => g.kind === 'wat-module' || g.kind === 'c-module';

// c-module toolchain (Debian 12: clang 14, lld 14, wasi-libc 0.0~git20220510).
const CLANG = 'clang';
const C_PACKAGES = ['clang', 'lld', 'wasi-libc', 'libclang-rt-14-dev-wasm32'];
const C_TARGET = ['--target=wasm32-wasi', '--sysroot=/usr'];
const C_COMPILE_FLAGS = ['-O2', '-std=c11', '-Wall', '-Wextra'];
const C_LINK_FLAGS = ['-Wl,--strip-debug'];

/** The two clang command lines of a c-module: compile to an object, then link (no -O). */
function cCommands(guest, { src, obj, out }) {
  const exec = guest.exec === 'reactor' ? ['-mexec-model=reactor'] : [];
  return [
    [CLANG, ...C_TARGET, ...C_COMPILE_FLAGS, '-c', src, '-o', obj],
    [CLANG, ...C_TARGET, ...exec, ...C_LINK_FLAGS, obj, '-o', out],
  ];
}

/** Headers a C file includes with "..." (resolved next to the includer), recursively. */
async function cHeaders(file, seen = new Set()) {
  const text = await readFile(file, 'utf8');
  for (const m of text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
    const h = resolve(dirname(file), m[1]);
    if (seen.has(h)) continue;
    seen.add(h);
    await cHeaders(h, seen);
  }
  return [...seen].sort();
}

async function packageVersion(dir) {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return 'missing';
  }
}

/**
 * The WIT files wit-parser reads for a folder: its own *.wit files and, for
 * each entry of deps/, either that .wit file or the *.wit files of that
 * directory (nested deps/ of a dependency are not read). Symlinks followed.
 */
async function witFiles(witDir) {
  const out = [];
  const witsIn = async (dir) =>
    (await readdir(dir))
      .filter((f) => f.endsWith('.wit'))
      .sort()
      .map((f) => join(dir, f));
  out.push(...(await witsIn(witDir)));
  const deps = join(witDir, 'deps');
  if (existsSync(deps)) {
    for (const entry of (await readdir(deps)).sort()) {
      const p = join(deps, entry);
      const s = await stat(p); // follows symlinks
      if (s.isDirectory()) out.push(...(await witsIn(p)));
      else if (entry.endsWith('.wit')) out.push(p);
    }
  }
  return out;
}

/** SHA-256 over the recipe, tool versions, source and WIT files of a guest. */
export async function sourceHash(guest) {
  const h = createHash('sha256');
  const add = (label, data) => {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(String(data));
    h.update(`${label}\0${buf.length}\0`);
    h.update(buf);
  };
  const { name, kind, source, wit, world, disable = [], retarget } = guest;
  if (isCoreModule(guest)) {
    add('recipe', JSON.stringify(guest));
    add(`source ${source}`, await readFile(join(ROOT, source)));
    if (kind === 'wat-module') {
      add('jco', await packageVersion(JCO_PKG));
    } else {
      add('commands', JSON.stringify(cCommands(guest, { src: '<source>', obj: '<object>', out: '<output>' })));
      for (const f of await cHeaders(join(ROOT, source))) {
        add(`header ${relative(ROOT, f).split('\\').join('/')}`, await readFile(f));
      }
    }
    return h.digest('hex');
  }
  add('recipe', JSON.stringify({ name, kind, source, wit, world, disable, ...(retarget ? { retarget } : {}) }));
  add('jco', await packageVersion(JCO_PKG));
  if (kind === 'js') add('componentize-js', await packageVersion(CJS_PKG));
  add(`source ${source}`, await readFile(join(ROOT, source)));
  const witDir = join(ROOT, wit);
  for (const f of await witFiles(witDir)) {
    add(`wit ${relative(witDir, f).split('\\').join('/')}`, await readFile(f));
  }
  return h.digest('hex');
}

const COMPONENT_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
const CORE_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

const wasmPath = (g) => join(COMPONENTS, `${g.name}.wasm`);
const hashPath = (g) => join(COMPONENTS, `${g.name}.wasm.sha256`);

/** 'ok' | 'missing' | 'stale' */
async function status(guest, hash) {
  if (!existsSync(wasmPath(guest)) || !existsSync(hashPath(guest))) return 'missing';
  const head = Buffer.alloc(8);
  const wasm = await readFile(wasmPath(guest));
  wasm.copy(head, 0, 0, 8);
  // A component starts with "\0asm" and layer 1 (0d 00 01 00), a core module
  // with "\0asm" version 1 (01 00 00 00).
  const magic = isCoreModule(guest) ? CORE_MAGIC : COMPONENT_MAGIC;
  if (!head.equals(magic)) return 'stale';
  const recorded = (await readFile(hashPath(guest), 'utf8')).trim();
  return recorded === hash ? 'ok' : 'stale';
}

async function buildJs(guest, outFile) {
  const jcoBin = join(JCO_PKG, 'dist/jco.js');
  const args = [
    jcoBin,
    'componentize',
    join(ROOT, guest.source),
    '--wit',
    join(ROOT, guest.wit),
    '--world-name',
    guest.world,
  ];
  if (guest.disable?.length) args.push('--disable', ...guest.disable);
  args.push('-o', outFile);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    throw new Error(`jco componentize failed for ${guest.name} (exit ${r.status ?? r.signal})`);
  }
}

let jcoApi;
async function buildWat(guest, outFile) {
  jcoApi ??= await import('@bytecodealliance/jco');
  const { parse, componentEmbed, componentNew } = jcoApi;
  const retarget = (text) => (guest.retarget ?? []).reduce((out, [pattern, to]) => out.replace(new RegExp(pattern, 'g'), to), text);
  const core = await parse(retarget(await readFile(join(ROOT, guest.source), 'utf8')));
  const witDir = guest.retarget ? await retargetedWit(guest, retarget) : join(ROOT, guest.wit);
  try {
    const embedded = await componentEmbed({
      binary: core,
      witPath: witDir,
      world: guest.world, // (the CLI's --world-name is not passed through by jco 1.35)
    });
    await writeFile(outFile, await componentNew(embedded, []));
  } finally {
    if (guest.retarget) await rm(witDir, { recursive: true, force: true });
  }
}

/** The guest's WIT folder copied (the files wit-parser reads) with `retarget` applied to each file. */
async function retargetedWit(guest, retarget) {
  const from = join(ROOT, guest.wit);
  const to = await mkdtemp(join(tmpdir(), `wit-${guest.name}-`));
  for (const file of await witFiles(from)) {
    const dest = join(to, relative(from, file));
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, retarget(await readFile(file, 'utf8')));
  }
  return to;
}

/** Reads an unsigned LEB128 at buf[pos]: [value, next position]. */
function readU32(buf, pos) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, pos];
  }
}

/** Top-level sections of a core module: { id, name (custom only), start, end, payload }. */
function sections(bytes) {
  const buf = Buffer.from(bytes);
  if (!buf.subarray(0, 8).equals(CORE_MAGIC)) throw new Error('not a core wasm module');
  const out = [];
  let pos = 8;
  while (pos < buf.length) {
    const start = pos;
    const id = buf[pos++];
    let size;
    [size, pos] = readU32(buf, pos);
    const end = pos + size;
    let name;
    let payload = buf.subarray(pos, end);
    if (id === 0) {
      const [len, p] = readU32(buf, pos);
      name = buf.toString('utf8', p, p + len);
      payload = buf.subarray(p + len, end);
    }
    out.push({ id, name, start, end, payload });
    pos = end;
  }
  return out;
}

/** The module without its custom sections called `name`. */
function stripNameSection(bytes) {
  const buf = Buffer.from(bytes);
  const kept = sections(buf).filter((s) => !(s.id === 0 && s.name === 'name'));
  return Buffer.concat([CORE_MAGIC, ...kept.map((s) => buf.subarray(s.start, s.end))]);
}

/** Number of entries in the function-names subsection (id 1) of a name section. */
function functionNameCount(payload) {
  let pos = 0;
  while (pos < payload.length) {
    const id = payload[pos++];
    let size;
    [size, pos] = readU32(payload, pos);
    if (id === 1) return readU32(payload, pos)[0];
    pos += size;
  }
  return 0;
}

/** Throws unless a built core module meets the recipe's promises. */
function verifyCoreModule(guest, bytes) {
  const mod = new WebAssembly.Module(bytes); // validates
  if (!WebAssembly.Module.exports(mod).some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw new Error('no exported memory `memory`');
  }
  const secs = sections(bytes);
  const names = secs.filter((s) => s.id === 0 && s.name === 'name');
  if (guest.names === false) {
    if (names.length) throw new Error('has a `name` section (names: false)');
  } else if (names.length !== 1 || functionNameCount(names[0].payload) === 0) {
    throw new Error('no `name` section with function names');
  }
  const debug = secs.filter((s) => s.id === 0 && s.name.startsWith('.debug'));
  if (debug.length) throw new Error(`has debug sections: ${debug.map((s) => s.name).join(', ')}`);
}

async function buildWatModule(guest, outFile) {
  jcoApi ??= await import('@bytecodealliance/jco');
  let core = await jcoApi.parse(await readFile(join(ROOT, guest.source), 'utf8'));
  if (guest.names === false) core = stripNameSection(core);
  await writeFile(outFile, core);
}

/** Runs a command, echoing it; throws on failure. */
function run(cmd, args) {
  console.log(`  $ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status ?? r.signal})`);
}

/** What is missing of the c-module toolchain (empty when complete). */
function missingCTools() {
  const clang = spawnSync(CLANG, [...C_TARGET, '-print-libgcc-file-name'], { encoding: 'utf8' });
  if (clang.error || clang.status !== 0) return [`${CLANG}`];
  const missing = [];
  const builtins = clang.stdout.trim();
  if (!existsSync(builtins)) missing.push(builtins);
  if (spawnSync('wasm-ld', ['--version']).error) missing.push('wasm-ld');
  if (!existsSync('/usr/lib/wasm32-wasi/libc.a')) missing.push('/usr/lib/wasm32-wasi/libc.a');
  return missing;
}

let cToolsReady = false;
function ensureCTools() {
  if (cToolsReady) return;
  const missing = missingCTools();
  if (missing.length) {
    console.log(`c-module toolchain incomplete (missing: ${missing.join(', ')}); installing ${C_PACKAGES.join(' ')} with apt-get`);
    const root = process.getuid?.() === 0;
    const apt = (...args) => (root ? run('apt-get', args) : run('sudo', ['apt-get', ...args]));
    apt('update');
    apt('install', '-y', '--no-install-recommends', ...C_PACKAGES);
    const still = missingCTools();
    if (still.length) throw new Error(`c-module toolchain still incomplete: ${still.join(', ')}`);
  }
  const v = spawnSync(CLANG, ['--version'], { encoding: 'utf8' });
  console.log(`  using ${v.stdout.split('\n')[0]}`);
  cToolsReady = true;
}

async function buildCModule(guest, outFile) {
  ensureCTools();
  const obj = `${outFile}.o`;
  for (const [cmd, ...args] of cCommands(guest, { src: join(ROOT, guest.source), obj, out: outFile })) {
    run(cmd, args);
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const force = argv.includes('--force');
  const check = argv.includes('--check');
  const unknownFlags = argv.filter((a) => a.startsWith('-') && a !== '--force' && a !== '--check');
  if (unknownFlags.length) {
    console.error(`unknown option(s): ${unknownFlags.join(' ')}`);
    process.exit(2);
  }
  const names = argv.filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !GUESTS.some((g) => g.name === n));
  if (unknown.length) {
    console.error(`unknown guest(s): ${unknown.join(', ')}; known: ${GUESTS.map((g) => g.name).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length ? GUESTS.filter((g) => names.includes(g.name)) : GUESTS;

  if (check) {
    const bad = [];
    for (const g of selected) {
      const s = await status(g, await sourceHash(g));
      if (s !== 'ok') bad.push(`components/${g.name}.wasm (${s})`);
    }
    if (bad.length) {
      console.error('guest components / core modules need a rebuild (node components/build.mjs):');
      for (const b of bad) console.error(`  ${b}`);
      process.exit(1);
    }
    console.log(`all ${selected.length} guest components and core modules are up to date`);
    return;
  }

  const tmp = await mkdtemp(join(tmpdir(), 'wasm-otel-build-'));
  try {
    for (const g of selected) {
      const hash = await sourceHash(g);
      const s = await status(g, hash);
      if (s === 'ok' && !force) {
        console.log(`${g.name}: up to date`);
        continue;
      }
      console.log(`${g.name}: building (${force && s === 'ok' ? 'forced' : s}) ...`);
      const t0 = Date.now();
      const out = join(tmp, `${g.name}.wasm`);
      try {
        if (g.kind === 'js') await buildJs(g, out);
        else if (g.kind === 'wat') await buildWat(g, out);
        else if (g.kind === 'wat-module') await buildWatModule(g, out);
        else if (g.kind === 'c-module') await buildCModule(g, out);
        else throw new Error(`unknown kind ${g.kind}`);
        if (isCoreModule(g)) verifyCoreModule(g, await readFile(out));
      } catch (err) {
        console.error(`${g.name}: BUILD FAILED (components/${g.name}.wasm left as it was)`);
        console.error(err instanceof Error ? err.message : err);
        process.exitCode = 1;
        return;
      }
      // Write the .wasm first (atomically), then the hash that vouches for it.
      await rm(hashPath(g), { force: true });
      const dest = wasmPath(g);
      await writeFile(`${dest}.tmp`, await readFile(out));
      await rename(`${dest}.tmp`, dest);
      await writeFile(hashPath(g), `${hash}\n`);
      const size = (await stat(dest)).size;
      console.log(`${g.name}: built ${size} bytes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

// Run only when executed directly (importing GUESTS / sourceHash is side-effect free).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
