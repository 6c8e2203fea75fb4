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
    expect(result.stdout).toContain('[--env <NAME>[=<value>]]... [--min-span-us <n>] [--imports <module.mjs>]');
    expect(result.stdout).toContain('[--trace-imports] [--instrument [--include <glob>]... [--exclude <glob>]...');
    expect(result.stdout).toContain('[--min-instructions <n>]] [--trace-file <out.json>] [--html <out.html>]');
    expect(result.stdout).toContain('[--no-cache] [-- <guest args>]');
    expect(result.stdout).toContain('[--trace-imports] [--trace-file <out.json>] [--html <out.html>] [--no-cache]');
    expect(result.stdout).toContain('wasm-otel view <trace.json> [-o <out.html>]');
    expect(result.stdout).toContain('wasm-otel conformance [--host "<command>"] [--scenario <glob>]... [--components <dir>]');
    expect(result.stdout).toContain('wasm-otel instrument <file.wasm> [-o <out.wasm>] [--include <glob>]... [--exclude <glob>]...');
    expect(result.stdout).toContain('wasm-otel serve <file.wasm> [--listen <host>:<port>]');
    expect(result.stderr).toBe('');
  });

  it('wasm-otel help [command] prints the usage on stdout (exit 0); bare wasm-otel prints it on stderr and exits 2', async () => {
    const help = await runCli(['--help']);
    expect(await runCli(['help'])).toEqual(help);
    expect(await runCli(['help', 'run'])).toEqual(help);
    expect(await runCli(['run', '--help'])).toEqual(help);
    expect(help.stdout).toContain('wasm-otel help [<command>]');
    expect(await runCli([])).toEqual({ code: 2, stdout: '', stderr: help.stdout });
    expect(await runCli(['help', 'nope'])).toEqual({ code: 2, stdout: '', stderr: 'wasm-otel: unknown command "nope" (commands: run, serve, instrument, conformance, view, help)\nRun "wasm-otel --help" for usage.\n' });
  });

  it('--help lists every option, within 100 columns; the README shows the same usage and options', async () => {
    const help = (await runCli(['--help'])).stdout;
    expect(help.split('\n').filter((line) => line.length > 100)).toEqual([]);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const option of ['--invoke', '--dir', '--env', '--min-span-us', '--no-cache', '--listen', '--imports', '--request-timeout-ms', '--threads', '--reuse-instances', '--trace-imports', '--instrument', '--include', '--exclude', '--min-instructions', '--output', '--host', '--scenario', '--components', '--timeout', '--jobs', '--json', '--help', '--version']) {
      expect(help, option).toMatch(new RegExp(`^  ${option}\\b|^  -\\w, ${option}\\b|\\[${option}\\b|\\| ${option}\\b| ${option} \\|`, 'm'));
      expect(readme, option).toContain(`\`${option}`);
    }
    // The cache default is said the same way in both.
    expect(help).toContain('(default $XDG_CACHE_HOME/wasm-otel or ~/.cache/wasm-otel)');
    expect(readme).toContain('(default `$XDG_CACHE_HOME/wasm-otel` or `~/.cache/wasm-otel`)');
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });

  it('an unknown option is a usage error (exit 2, one line reason) that suggests the nearest option, or lists them', async () => {
    const usage = (line: string) => ({ code: 2, stdout: '', stderr: `wasm-otel: ${line}\nRun "wasm-otel --help" for usage.\n` });
    expect(await runCli(['run', 'x.wasm', '--bogus'])).toEqual(usage('unknown option --bogus (options: -h/--help, -V/--version, --invoke, --dir, --env, --min-span-us, --no-cache, --listen, --imports, --request-timeout-ms, --threads, --reuse-instances, --trace-imports, --instrument, --include, --exclude, --min-instructions, -o/--output, --trace-file, --html, --host, --scenario, --components, --timeout, --jobs, --json)'));
    expect(await runCli(['run', 'x.wasm', '--invok', 'spans'])).toEqual(usage('unknown option --invok (did you mean --invoke?)'));
    expect(await runCli(['run', 'x.wasm', '--min-span', '5'])).toEqual(usage('unknown option --min-span (did you mean --min-span-us?)'));
    expect(await runCli(['run', 'x.wasm', '--nocache'])).toEqual(usage('unknown option --nocache (did you mean --no-cache?)'));
    expect(await runCli(['rn', 'x.wasm'])).toEqual(usage('unknown command "rn" (did you mean "run"?)'));
    expect(await runCli(['srve', 'x.wasm'])).toEqual(usage('unknown command "srve" (did you mean "serve"?)'));
    expect(await runCli(['run', 'x.wasm', '--invoke', 'spans(1)', '--invoke', 'spans(2)'])).toEqual(usage('--invoke given 2 times (once per run)'));
    expect(await runCli(['run', 'x.wasm', '--min-span-us', '1', '--min-span-us', '2'])).toEqual(usage('--min-span-us given 2 times (once per run)'));
    // Numbers: our own message, also for a negative value (node:util would call it a missing value).
    expect(await runCli(['run', 'x.wasm', '--min-span-us', '-5'])).toEqual(usage('--min-span-us "-5": expected a number of microseconds >= 0'));
    expect(await runCli(['run', 'x.wasm', '--min-span-us', '1O'])).toEqual(usage('--min-span-us "1O": expected a number of microseconds >= 0'));
    const missing = await runCli(['run', 'x.wasm', '--invoke']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('wasm-otel: --invoke needs a value\nRun "wasm-otel --help" for usage.\n');
    // A short option is named as typed (node:util says "'-o, --output <value>'").
    expect(await runCli(['view', 'trace.json', '-o'])).toEqual(usage('-o needs a value'));
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
    const result = await runCli(['deploy', 'x.wasm']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('wasm-otel: unknown command "deploy" (commands: run, serve, instrument, conformance, view, help)');
  });

  it('--trace-file or --html naming the guest itself is a usage error, and the guest is left intact', async () => {
    const guest = join(scratch, 'guest.wasm');
    const bytes = readFileSync(component('trap.wasm'));
    writeFileSync(guest, bytes);
    for (const [flag, what] of [['--trace-file', 'trace'], ['--html', 'page']] as const) {
      for (const command of ['run', 'serve']) {
        const result = await runCli([command, guest, flag, guest], { OTEL_TRACES_EXPORTER: 'none' });
        expect(result).toEqual({ code: 2, stdout: '', stderr: `wasm-otel: ${flag} ${guest}: the ${what} would overwrite the guest ${guest}\nRun "wasm-otel --help" for usage.\n` });
      }
    }
    expect(readFileSync(guest).equals(bytes)).toBe(true);
  });

  it('a huge value in an error is cut, so the error stays one readable line', async () => {
    const huge = '1'.repeat(100_000);
    expect(await runCli(['run', 'x.wasm', '--min-span-us', huge])).toEqual({ code: 2, stdout: '', stderr: `wasm-otel: --min-span-us "${'1'.repeat(119)}...(100,003 chars) expected a number of microseconds >= 0\nRun "wasm-otel --help" for usage.\n` });
    const missing = `${'d'.repeat(100_000)}.wasm`;
    expect(await runCli(['run', missing], { OTEL_TRACES_EXPORTER: 'none' })).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: cannot read ${'d'.repeat(120)}...(100,006 chars) name too long\n` });
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
