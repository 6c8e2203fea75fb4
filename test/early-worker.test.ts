/*
 * `wasm-otel run` starts the guest's thread before it knows the run will happen (EarlyWorker):
 * main() called in a process of its own (without the bin's process.exit) ends by itself, with a
 * run and with a usage error found after the thread was started (an unwritable --trace-file).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { component } from './support/paths.js';

const MAIN = pathToFileURL(join(import.meta.dirname, '../dist/cli/main.js')).href;

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-early-worker-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs main(args) in a fresh Node process (a script file: its worker threads take the process's flags) that sets only process.exitCode; it must end by itself. */
function mainInProcess(args: string[]): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const script = join(scratch, `main-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, `const { main } = await import(${JSON.stringify(MAIN)});\nprocess.exitCode = await main(${JSON.stringify(args)});\n`);
  const result = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
  });
  return { status: result.status, signal: result.signal, stderr: result.stderr };
}

describe('the early guest thread never keeps the process alive', () => {
  it('a usage error after it started (unwritable --trace-file): exit 2 by itself, one line', () => {
    const result = mainInProcess(['run', component('instr-recursion.wasm'), '--trace-file', '/proc/wasm-otel-nope/t.json']);
    expect([result.status, result.signal]).toEqual([2, null]);
    expect(result.stderr).toMatch(/^wasm-otel: --trace-file \/proc\/wasm-otel-nope\/t\.json: [^\n]+\n$/);
  });

  it('a run: exit 0 by itself', () => {
    const result = mainInProcess(['run', component('instr-recursion.wasm')]);
    expect([result.status, result.signal, result.stderr]).toEqual([0, null, '']);
  });
});
