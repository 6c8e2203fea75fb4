#!/usr/bin/env node
// Fails (exit 1) when generated/ is not exactly what scripts/generate.mjs
// produces now: regenerates into a temporary directory and compares every
// file both ways. Fix with `node scripts/generate.mjs`.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GENERATED = join(ROOT, 'generated');

async function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const parent = entry.parentPath ?? entry.path;
      out.push(relative(dir, join(parent, entry.name)).split('\\').join('/'));
    }
  }
  return out.sort();
}

const tmp = await mkdtemp(join(tmpdir(), 'wasm-otel-generated-'));
try {
  const fresh = join(tmp, 'generated');
  await generate(fresh);
  const want = await listFiles(fresh);
  const have = await listFiles(GENERATED);
  const problems = [];
  for (const f of want) {
    if (!have.includes(f)) {
      problems.push(`missing:   generated/${f}`);
    } else if (!(await readFile(join(fresh, f))).equals(await readFile(join(GENERATED, f)))) {
      problems.push(`differs:   generated/${f}`);
    }
  }
  for (const f of have) {
    if (!want.includes(f)) problems.push(`unexpected: generated/${f}`);
  }
  if (problems.length) {
    console.error('generated/ is out of date (run `node scripts/generate.mjs`):');
    for (const p of problems) console.error(`  ${p}`);
    process.exitCode = 1;
  } else {
    console.log(`generated/ is up to date (${want.length} files)`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
