#!/usr/bin/env node
// Builds the guest components in components/ and caches them by source hash.
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

import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
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
];

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
  const { name, kind, source, wit, world, disable = [] } = guest;
  add('recipe', JSON.stringify({ name, kind, source, wit, world, disable }));
  add('jco', await packageVersion(JCO_PKG));
  if (kind === 'js') add('componentize-js', await packageVersion(CJS_PKG));
  add(`source ${source}`, await readFile(join(ROOT, source)));
  const witDir = join(ROOT, wit);
  for (const f of await witFiles(witDir)) {
    add(`wit ${relative(witDir, f).split('\\').join('/')}`, await readFile(f));
  }
  return h.digest('hex');
}

const wasmPath = (g) => join(COMPONENTS, `${g.name}.wasm`);
const hashPath = (g) => join(COMPONENTS, `${g.name}.wasm.sha256`);

/** 'ok' | 'missing' | 'stale' */
async function status(guest, hash) {
  if (!existsSync(wasmPath(guest)) || !existsSync(hashPath(guest))) return 'missing';
  const head = Buffer.alloc(8);
  const wasm = await readFile(wasmPath(guest));
  wasm.copy(head, 0, 0, 8);
  // A component starts with "\0asm" and layer 1 (0d 00 01 00).
  if (!head.equals(Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]))) return 'stale';
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
  const core = await parse(await readFile(join(ROOT, guest.source), 'utf8'));
  const embedded = await componentEmbed({
    binary: core,
    witPath: join(ROOT, guest.wit),
    world: guest.world, // (the CLI's --world-name is not passed through by jco 1.35)
  });
  await writeFile(outFile, await componentNew(embedded, []));
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
      console.error('guest components need a rebuild (node components/build.mjs):');
      for (const b of bad) console.error(`  ${b}`);
      process.exit(1);
    }
    console.log(`all ${selected.length} guest components are up to date`);
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
        else await buildWat(g, out);
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
