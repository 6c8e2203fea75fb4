import { readFileSync } from 'node:fs';
import { print } from '@bytecodealliance/jco-transpile/wasm-tools';
import { describe, expect, it } from 'vitest';
import { ENABLED_GLOBAL, InstrumentError, WasmOtelError, instrumentModule, type InstrumentOptions } from '../src/index.js';
import { readModuleInfo } from '../src/core/module-info.js';
import { customSectionNames } from '../src/runtime/instrument/custom-sections.js';
import { hookRecorder } from './support/hook-recorder.js';
import { component } from './support/paths.js';

// The rewriter on hand-written modules whose every function index and call is known:
// components/core/instrument-shapes.wat (every way out of a function) and fib-plain.wat.

const SHAPES = readFileSync(component('instrument-shapes.wasm'));
const FIB_PLAIN = readFileSync(component('fib-plain.wasm'));
const HOOKS = 'dylibso:observe/instrument';
// Function indices of instrument-shapes (its header comment).
const F = { early: 0, br_out: 1, pair: 2, sum_pair: 3, tail: 4, count_down: 5, tail_indirect: 6, double: 7, grow: 8, inner: 9, run: 10, trap_after: 11, seven: 12, tail_in_return: 13 };

async function instrumented(bytes: Uint8Array, options: InstrumentOptions = { minInstructions: 0 }) {
  const result = await instrumentModule(bytes, options);
  expect(WebAssembly.validate(result.bytes as Uint8Array<ArrayBuffer>)).toBe(true);
  const recorder = hookRecorder();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(result.bytes as Uint8Array<ArrayBuffer>), recorder.imports);
  return { result, recorder, exports: instance.exports as Record<string, (...args: number[]) => unknown> & { [ENABLED_GLOBAL]: WebAssembly.Global; memory: WebAssembly.Memory } };
}

describe('instrumentModule', () => {
  it('adds the three hooks after the imports, an exported switch (on), and names by ORIGINAL index', async () => {
    const { result } = await instrumented(FIB_PLAIN);
    const before = readModuleInfo(FIB_PLAIN);
    const after = readModuleInfo(result.bytes);
    expect(after.functionImports.map((fn) => [fn.index, fn.module, fn.name, fn.params])).toEqual([
      [0, HOOKS, 'enter', ['i32']],
      [1, HOOKS, 'exit', ['i32']],
      [2, HOOKS, 'memory-grow', ['i32']],
    ]);
    // The name section keeps the original indices, which the hooks pass: fib is 0 and run 1 in both.
    expect([...after.functionNames]).toEqual([...before.functionNames]);
    expect([...before.functionNames]).toEqual([
      [0, 'fib'],
      [1, 'run'],
    ]);
    const module = new WebAssembly.Module(result.bytes as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.exports(module)).toEqual([
      { name: 'memory', kind: 'memory' },
      { name: 'fib', kind: 'function' },
      { name: 'run', kind: 'function' },
      { name: ENABLED_GLOBAL, kind: 'global' },
    ]);
    expect(result).toMatchObject({ definedFunctions: 2, instrumented: 2, excluded: 0, tinyLeaves: 0, unsupported: [], memoryGrows: 0, inputBytes: FIB_PLAIN.length, droppedSections: [] });
    expect(result.outputBytes).toBe(result.bytes.length);
  });

  it('fib(10): one enter/exit pair per call, index 0, nested; the switch at 0 skips every hook', async () => {
    const { recorder, exports } = await instrumented(FIB_PLAIN);
    expect(exports.fib!(10)).toBe(55);
    // fib(10) makes 177 calls, the entry included (2 F(11) - 1).
    expect([...recorder.enters]).toEqual([[0, 177]]);
    expect(recorder.mismatches).toEqual([]);
    expect(recorder.open).toEqual([]);
    expect(recorder.events.slice(0, 4)).toEqual(['+0', '+0', '+0', '+0']);
    expect(exports.run!()).toBe(55);
    expect(recorder.enters.get(1)).toBe(1);
    expect(recorder.events.at(-1)).toBe('-1');

    expect(exports[ENABLED_GLOBAL].value).toBe(1);
    exports[ENABLED_GLOBAL].value = 0;
    const seen = recorder.events.length;
    expect(exports.fib!(20)).toBe(6765);
    expect(recorder.events.length).toBe(seen);
  });

  it('every way out calls exit: return, br/br_if/br_table to the function label, multi-value, tail calls', async () => {
    const plain = new WebAssembly.Instance(new WebAssembly.Module(SHAPES), {}).exports as Record<string, (...args: number[]) => unknown>;
    const { recorder, exports } = await instrumented(SHAPES);
    expect(exports.run!()).toBe(275);
    expect(plain.run!()).toBe(275);
    expect(recorder.mismatches).toEqual([]);
    expect(recorder.open).toEqual([]);
    expect(Object.fromEntries(recorder.enters)).toEqual({
      [F.run]: 1, [F.early]: 1, [F.br_out]: 5, [F.sum_pair]: 1, [F.pair]: 1, [F.tail]: 1, [F.count_down]: 11,
      [F.tail_indirect]: 1, [F.double]: 2, [F.grow]: 1, [F.inner]: 1,
    });
    expect(recorder.total()).toBe(26);
    // memory-grow comes first, inside grow's span.
    expect(recorder.grows).toEqual([1]);
    const grow = recorder.events.indexOf(`+${F.grow}`);
    expect(recorder.events.slice(grow, grow + 3)).toEqual([`+${F.grow}`, 'grow 1', `-${F.grow}`]);

    // A tail call exits first: the callee's span is a sibling, not a child.
    recorder.events.length = 0;
    expect(exports.tail!(2)).toBe(3);
    expect(recorder.events).toEqual([`+${F.tail}`, `-${F.tail}`, ...Array(3).fill([`+${F.count_down}`, `-${F.count_down}`]).flat()]);
    recorder.events.length = 0;
    expect(exports.tail_indirect!(5)).toBe(10);
    expect(recorder.events).toEqual([`+${F.tail_indirect}`, `-${F.tail_indirect}`, `+${F.double}`, `-${F.double}`]);
    // A tail call inside a `return` exits once, before the call.
    recorder.events.length = 0;
    expect(exports.tail_in_return!()).toBe(7);
    expect(recorder.events).toEqual([`+${F.tail_in_return}`, `-${F.tail_in_return}`, `+${F.seven}`, `-${F.seven}`]);
    // memory-grow comes before the grow (the ABI's "about to run"), unless the count is more
    // than a memory can have (an allocator probing): that grow fails and is not reported.
    recorder.events.length = 0;
    expect(exports.grow!(100)).toBe(-1);
    expect(exports.grow!(70000)).toBe(-1);
    expect(plain.grow!(70000)).toBe(-1);
    expect(recorder.events).toEqual([`+${F.grow}`, 'grow 100', `-${F.grow}`, `+${F.grow}`, `-${F.grow}`]);
    // Multi-value results are kept.
    expect(exports.pair!(2, 7)).toEqual([7, 2]);
    for (const n of [0, 1, 2, 3, 4, 9]) expect(exports.br_out!(n)).toBe(plain.br_out!(n));
    for (const n of [0, 5, 9, 10, 20]) expect(exports.early!(n)).toBe(plain.early!(n));
  });

  it('tail calls stay tail calls: a million self tail calls run in constant stack', async () => {
    const { recorder, exports } = await instrumented(SHAPES);
    expect((exports.count_down!(1_000_000, 0) as number) >>> 0).toBe(1_784_293_664);
    expect(recorder.enters.get(F.count_down)).toBe(1_000_001);
    expect(recorder.mismatches).toEqual([]);
  });

  it('a trap leaves the trapping call entered and not exited (the host closes it)', async () => {
    const { recorder, exports } = await instrumented(SHAPES);
    expect(() => exports.trap_after!()).toThrow(WebAssembly.RuntimeError);
    expect(recorder.events).toEqual([`+${F.trap_after}`, `+${F.double}`, `-${F.double}`]);
    expect(recorder.open).toEqual([F.trap_after]);
  });

  it('a wasm exception that leaves a function exits it, then goes on to the catch', async () => {
    const plain = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(component('instrument-exceptions.wasm'))), {}).exports as Record<string, () => number>;
    const { recorder, exports } = await instrumented(readFileSync(component('instrument-exceptions.wasm')));
    expect(exports.run!()).toBe(84);
    expect(plain.run!()).toBe(84);
    // thrower 0, catcher 1, run 2 (the module's header); every enter has its exit, in order.
    expect(recorder.mismatches).toEqual([]);
    expect(recorder.open).toEqual([]);
    expect(Object.fromEntries(recorder.enters)).toEqual({ 0: 5, 1: 2, 2: 1 });
    expect(recorder.events.slice(0, 10)).toEqual(['+2', '+1', '+0', '+0', '+0', '+0', '-0', '-0', '-0', '-0']);
    // `delegate 0` hands the exception to the caller: mid still exits before top catches it.
    recorder.events.length = 0;
    expect(exports.top!(2)).toBe(42);
    expect(recorder.events).toEqual(['+4', '+3', '+0', '+0', '+0', '-0', '-0', '-0', '-3', '-4']);
    expect(recorder.mismatches).toEqual([]);
    // A module without exceptions gets no try: its output needs no exception-handling support.
    const { result } = await instrumented(SHAPES);
    expect(WebAssembly.validate(result.bytes as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(await print(result.bytes)).not.toMatch(/\btry\b/);
    expect(await print((await instrumented(readFileSync(component('instrument-exceptions.wasm')))).result.bytes)).toMatch(/\btry\b[\s\S]*catch_all[\s\S]*rethrow/);
  });

  it('by default, leaves under 8 expressions are skipped; memory.grow still reports', async () => {
    const { result, recorder, exports } = await instrumented(SHAPES, {});
    expect(result).toMatchObject({ definedFunctions: 14, instrumented: 10, tinyLeaves: 4, excluded: 0, memoryGrows: 1 });
    expect(exports.run!()).toBe(275);
    expect([...recorder.enters.keys()].sort((a, b) => a - b)).toEqual([F.early, F.br_out, F.sum_pair, F.tail, F.count_down, F.tail_indirect, F.inner, F.run]);
    expect(recorder.grows).toEqual([1]);
    expect(recorder.mismatches).toEqual([]);
  });

  it('include / exclude by demangled name glob', async () => {
    const only = await instrumented(SHAPES, { minInstructions: 0, include: ['shapes::*', 'r?n'] });
    expect(only.result).toMatchObject({ instrumented: 2, excluded: 12 });
    only.exports.run!();
    expect(Object.fromEntries(only.recorder.enters)).toEqual({ [F.run]: 1, [F.inner]: 1 });
    // A `/` in a name is a character like any other (C++ `operator/`).
    const { nameFilterFor } = await import('../src/runtime/instrument/instrument-module.js');
    expect(['geo::operator/(geo::Vec, int)', 'a/b'].map(nameFilterFor(['*'], []))).toEqual([true, true]);
    expect(['geo::operator/(geo::Vec, int)', 'geo::dot'].map(nameFilterFor(['geo::*'], ['*operator*']))).toEqual([false, true]);
    const without = await instrumented(SHAPES, { minInstructions: 0, exclude: ['br_*', '{count_down,tail}'] });
    expect(without.result).toMatchObject({ instrumented: 11, excluded: 3 });
    without.exports.run!();
    expect([...without.recorder.enters.keys()]).not.toContain(F.br_out);
    expect([...without.recorder.enters.keys()]).not.toContain(F.count_down);
    expect([...without.recorder.enters.keys()]).not.toContain(F.tail);
    expect(without.recorder.total()).toBe(26 - 5 - 11 - 1);
  });

  it('refuses modules that are instrumented already, components, object files and garbage, with a reason', async () => {
    const once = await instrumentModule(FIB_PLAIN);
    const refusal = await instrumentModule(once.bytes, {}, 'fib.instr.wasm').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InstrumentError);
    expect(refusal).toBeInstanceOf(WasmOtelError);
    expect(refusal).toMatchObject({ code: 'already_instrumented', reason: 'is already instrumented (it imports dylibso:observe/instrument enter); instrument the original module', message: 'fib.instr.wasm is already instrumented (it imports dylibso:observe/instrument enter); instrument the original module' });
    await expect(instrumentModule(once.bytes)).rejects.toThrow('the module is already instrumented');
    await expect(instrumentModule(readFileSync(component('fib.wasm')))).rejects.toMatchObject({ code: 'already_instrumented' });
    await expect(instrumentModule(readFileSync(component('legacy.wasm')))).rejects.toMatchObject({ code: 'already_instrumented', message: expect.stringContaining('dylibso_observe instrument_enter') });
    await expect(instrumentModule(readFileSync(component('trap.wasm')))).rejects.toMatchObject({ code: 'component', message: expect.stringContaining('is a component') });
    await expect(instrumentModule(new TextEncoder().encode('not wasm at all'))).rejects.toMatchObject({ code: 'not_wasm' });
    // The caller's mistakes are TypeErrors.
    await expect(instrumentModule(FIB_PLAIN, { include: 'fib' as unknown as string[] })).rejects.toThrow(new TypeError('instrumentModule: include must be an array of non-empty glob strings'));
    await expect(instrumentModule(FIB_PLAIN, { minInstructions: -5 })).rejects.toThrow(new TypeError('instrumentModule: minInstructions must be a whole number >= 0, got -5'));
    await expect(instrumentModule(withCustomSection(FIB_PLAIN, 'linking', [2]))).rejects.toMatchObject({ code: 'relocatable_object' });
    const truncated = FIB_PLAIN.subarray(0, FIB_PLAIN.length - 20);
    await expect(instrumentModule(truncated)).rejects.toMatchObject({ code: 'invalid_module' });
  });

  it('drops the custom sections the rewrite makes stale (DWARF, source maps) and says which; keeps the others', async () => {
    let input = withCustomSection(FIB_PLAIN, '.debug_info', [1, 2, 3]);
    input = withCustomSection(input, '.debug_line', [4]);
    input = withCustomSection(input, 'sourceMappingURL', [3, 0x61, 0x2e, 0x6d]);
    input = withCustomSection(input, 'my-app-data', [9, 9, 9]);
    const result = await instrumentModule(input);
    expect(result.droppedSections).toEqual(['.debug_info', '.debug_line', 'sourceMappingURL']);
    expect(customSectionNames(result.bytes)).toEqual(['my-app-data', 'name']);
    const kept = WebAssembly.Module.customSections(new WebAssembly.Module(result.bytes as Uint8Array<ArrayBuffer>), 'my-app-data');
    expect([...new Uint8Array(kept[0]!)]).toEqual([9, 9, 9]);
  });
});

/** The module with a custom section appended. */
function withCustomSection(bytes: Uint8Array, name: string, content: number[]): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const payload = [nameBytes.length, ...nameBytes, ...content];
  return Uint8Array.from([...bytes, 0, payload.length, ...payload]);
}
