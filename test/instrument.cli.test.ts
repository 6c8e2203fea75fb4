import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readModuleInfo } from '../src/core/module-info.js';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { tree } from './support/span-tree.js';

// `wasm-otel instrument` and `run --instrument` for core modules, as a user runs them.

let receiver: OtlpReceiver;
const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-instrument-cli-'));
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
  rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => receiver.reset());

const usage = (message: string) => ({ code: 2, stdout: '', stderr: `wasm-otel: ${message}\nRun "wasm-otel --help" for usage.\n` });

describe('wasm-otel instrument', () => {
  it('writes the instrumented module and says what it did on stdout (exit 0); the default output is <file>.instr.wasm', async () => {
    const input = join(scratch, 'fib-plain.wasm');
    copyFileSync(component('fib-plain.wasm'), input);
    const out = join(scratch, 'fib.out.wasm');
    const result = await runCli(['instrument', input, '-o', out, '--min-instructions', '0']);
    const size = readFileSync(out).length;
    expect(result).toEqual({
      code: 0,
      stdout: `wasm-otel: fib-plain.wasm: instrumented 2 of 2 functions, 0 memory.grow; 121 -> ${size} bytes (+${(((size - 121) / 121) * 100).toFixed(1)}%)\nwasm-otel: wrote ${out}\n`,
      stderr: '',
    });
    expect(readModuleInfo(readFileSync(out)).functionImports.map((fn) => `${fn.module} ${fn.name}`)).toEqual(['dylibso:observe/instrument enter', 'dylibso:observe/instrument exit', 'dylibso:observe/instrument memory-grow']);
    const byDefault = await runCli(['instrument', input]);
    expect(byDefault.code).toBe(0);
    expect(byDefault.stdout).toContain(`wasm-otel: wrote ${join(scratch, 'fib-plain.instr.wasm')}\n`);
    expect(existsSync(join(scratch, 'fib-plain.instr.wasm'))).toBe(true);
  });

  it('the output runs on wasm-otel: one span per function call, under the host span', async () => {
    const out = join(scratch, 'recursion.instr.wasm');
    expect((await runCli(['instrument', component('instr-recursion.wasm'), '-o', out, '--include', 'ack'])).code).toBe(0);
    const run = await runCli(['run', out, '--min-span-us', '0'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '10' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ack(2,3) = 9 calls 44 depth 10\n');
    const spans = receiver.spans();
    expect(spans.filter((span) => span.name === 'ack')).toHaveLength(44);
    const roots = tree(spans);
    expect(roots.map((root) => root.name)).toEqual(['recursion.instr.wasm']);
    // The outermost ack is a child of the host span; its two recursive calls nest below it.
    expect(roots[0]!.children.map((child) => child.name)).toEqual(['ack']);
  });

  it('bad input: one line with the reason, exit 1 (files) or 2 (usage); nothing written', async () => {
    const out = join(scratch, 'never.wasm');
    const failed = (message: string) => ({ code: 1, stdout: '', stderr: `wasm-otel: ${message}\n` });
    expect(await runCli(['instrument', component('fib.wasm'), '-o', out])).toEqual(failed('cannot instrument fib.wasm: it is already instrumented (it imports dylibso:observe/instrument enter); instrument the original module'));
    expect(await runCli(['instrument', component('trap.wasm'), '-o', out])).toEqual(failed('cannot instrument trap.wasm: it is a component, not a core module (`run --instrument` and `load(file, { instrument })` instrument the code inside a component)'));
    expect(await runCli(['instrument', join(scratch, 'missing.wasm'), '-o', out])).toEqual(failed(`cannot read ${join(scratch, 'missing.wasm')}: no such file`));
    writeFileSync(join(scratch, 'text.wasm'), 'hello');
    expect(await runCli(['instrument', join(scratch, 'text.wasm'), '-o', out])).toEqual(failed('cannot instrument text.wasm: it is not a WebAssembly module'));
    expect(await runCli(['instrument', component('fib-plain.wasm'), '-o', join(scratch, 'no-dir', 'x.wasm')])).toEqual(failed(`cannot write ${join(scratch, 'no-dir', 'x.wasm')}: no such file or directory`));
    expect(existsSync(out)).toBe(false);
    expect(await runCli(['instrument'])).toEqual(usage('instrument needs a .wasm file'));
    expect(await runCli(['instrument', 'a.wasm', 'b.wasm'])).toEqual(usage('unexpected argument "b.wasm" (instrument takes one .wasm file; the output goes to -o)'));
    expect(await runCli(['instrument', 'a.wasm', '--min-instructions', '-1'])).toEqual(usage('--min-instructions "-1": expected a whole number from 0 to 1000000'));
    expect(await runCli(['instrument', 'a.wasm', '--include', ''])).toEqual(usage("--include needs a function name glob (e.g. 'parse_*')"));
    expect(await runCli(['instrument', 'a.wasm', '--invoke', 'x'])).toEqual(usage('--invoke is not an option of instrument (it takes -o, --include, --exclude, --min-instructions)'));
    expect(await runCli(['instrument', 'a.wasm', '-o', 'a.wasm'])).toEqual(usage('-o a.wasm: the output would overwrite the input'));
    expect(await runCli(['instrument', 'a.wasm', '-o', 'x', '-o', 'y'])).toEqual(usage('--output given 2 times (once per run)'));
    expect(await runCli(['run', 'a.wasm', '--include', 'f'])).toEqual(usage('--include is an option of --instrument (run --instrument --include ...)'));
    expect(await runCli(['run', 'a.wasm', '-o', 'f'])).toEqual(usage('-o/--output is an option of instrument, not of run'));
    expect(await runCli(['serve', 'a.wasm', '--instrument'])).toEqual(usage('--instrument is an option of run, not of serve'));
  });

  it('a trap in an instrumented module: the exception stack names the functions as the plain module does', async () => {
    const frames = async (args: string[]) => {
      receiver.reset();
      const run = await runCli(['run', component('instr-errors.wasm'), ...args, '--', 'trap'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
      expect(run.code).toBe(1);
      const host = receiver.spans().find((span) => span.name === 'instr-errors.wasm')!;
      const stack = String(host.events.find((event) => event.name === 'exception')!.attributes['exception.stacktrace']);
      return [...stack.matchAll(/^\s*at (\S+) \(wasm:/gm)].map((match) => match[1]);
    };
    const plain = await frames([]);
    expect(plain.slice(0, 3)).toEqual(['main', '__main_void', '__original_main']);
    expect(await frames(['--instrument'])).toEqual(plain);
  });

  it('an --include that matches no function says so', async () => {
    const result = await runCli(['instrument', component('instr-recursion.wasm'), '-o', join(scratch, 'none.wasm'), '--include', 'Fib']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("wasm-otel: instr-recursion.wasm: no function matches --include 'Fib', so none is instrumented (names are matched demangled and case-sensitive, e.g. 'main', 'std::vector<int>::push_back(int)')\n");
  });

  it('run --instrument on a module that already has the hooks runs it as it is', async () => {
    const run = await runCli(['run', component('fib.wasm'), '--instrument', '--invoke', 'run', '--min-span-us', '0'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_LOG_LEVEL: 'info' });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('55\n');
    expect(run.stderr).toContain('wasm-otel: fib.wasm is already instrumented (it imports dylibso:observe/instrument enter): run as it is\n');
    expect(receiver.spans().filter((span) => span.name === 'fib')).toHaveLength(177);
  });
});
