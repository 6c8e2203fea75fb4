import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { VERSION } from '../src/version.js';
import { readFileSync } from 'node:fs';
import { ROOT, component } from './support/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('CLI contract: usage and load failures', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("wasm-otel run <file.wasm> [--invoke '<export>(<args>)'] [--dir <host-dir>[::<guest-dir>]]...");
    expect(result.stdout).toContain('[--env <NAME>[=<value>]]... [--min-span-us <n>] [--no-cache] [-- <guest args>]');
    expect(result.stderr).toBe('');
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('an unknown option is a usage error (exit 2, one line reason)', async () => {
    const result = await runCli(['run', 'x.wasm', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('wasm-otel: unknown option --bogus\nRun "wasm-otel --help" for usage.\n');
    const missing = await runCli(['run', 'x.wasm', '--invoke']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('wasm-otel: --invoke needs a value\nRun "wasm-otel --help" for usage.\n');
  });

  it('malformed --dir and --env are usage errors', async () => {
    for (const [args, message] of [
      [['--dir', 'a::b::c'], '--dir "a::b::c": expected HOST_DIR or HOST_DIR::GUEST_DIR'],
      [['--dir', '::/x'], '--dir "::/x": expected HOST_DIR or HOST_DIR::GUEST_DIR'],
      [['--dir', '/x::'], '--dir "/x::": expected HOST_DIR or HOST_DIR::GUEST_DIR'],
      [['--env', '=v'], '--env "=v": expected NAME=VALUE or NAME'],
    ] as const) {
      const result = await runCli(['run', 'x.wasm', ...args]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`wasm-otel: ${message}\nRun "wasm-otel --help" for usage.\n`);
    }
  });

  it('--dir with a missing directory or a file: one line naming the path as given, exit 1, for components and core modules alike, before the guest starts', async () => {
    const file = join(scratch, 'plain-file');
    writeFileSync(file, '');
    const missing = join(scratch, 'no-such-dir');
    for (const [guest, dir, line] of [
      // Without the check: trap.wasm ran and trapped (preview2-shim served nothing, silently),
      // observe-manual.wasm failed with node's "UVWASI_ENOENT, uvwasi_init", fib.wasm ran.
      ['trap.wasm', missing, `cannot preopen ${missing}: no such directory`],
      ['trap.wasm', `${file}::/sandbox`, `cannot preopen ${file} (guest path /sandbox): not a directory`],
      ['observe-manual.wasm', missing, `cannot preopen ${missing}: no such directory`],
      ['observe-manual.wasm', `${file}::/sandbox`, `cannot preopen ${file} (guest path /sandbox): not a directory`],
      ['fib.wasm', file, `cannot preopen ${file}: not a directory`],
      ['fib.wasm', 'relative/no-such-dir', 'cannot preopen relative/no-such-dir: no such directory'],
    ] as const) {
      const result = await runCli(['run', component(guest), '--dir', dir, '--invoke', 'run']);
      expect([guest, result.code, result.stdout, result.stderr]).toEqual([guest, 1, '', `wasm-otel: ${line}\n`]);
    }
  });

  it('an unknown command is a usage error', async () => {
    const result = await runCli(['serve', 'x.wasm']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('wasm-otel: unknown command "serve" (expected "run")');
  });

  it('a missing file exits 1 with one line', async () => {
    const missing = join(scratch, 'nope.wasm');
    const result = await runCli(['run', missing], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`wasm-otel: cannot read ${missing}: no such file\n`);
  });

  it('a file that is not wasm exits 1 with one line', async () => {
    const file = join(scratch, 'text.wasm');
    writeFileSync(file, 'hello, not wasm');
    const result = await runCli(['run', file], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('wasm-otel: text.wasm is not a WebAssembly binary\n');
  });

  it('an empty core module is no command: exit 1 with one line', async () => {
    const file = join(scratch, 'core.wasm');
    writeFileSync(file, Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    const result = await runCli(['run', file], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('wasm-otel: core.wasm is not a WASI command (no _start export)\n');
  });

  it('a truncated core module: exit 1 with one line', async () => {
    const file = join(scratch, 'broken.wasm');
    writeFileSync(file, Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01]));
    const result = await runCli(['run', file], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wasm-otel: broken\.wasm is not a valid WebAssembly module: .+\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});
