/*
 * Preopened directories (`preopens`, the CLI's --dir) are checked before a guest starts, the same
 * way for components and core modules: a missing one or a file is a WasmOtelError
 * `invalid_preopen` naming the path, and no host span is started.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { WasmOtelError, createHost } from '../src/index.js';
import { component } from './support/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-preopens-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const file = join(scratch, 'a-file');
writeFileSync(file, 'x');
const missing = join(scratch, 'missing');

async function refusal(load: () => Promise<{ instantiate(options: { preopens: Record<string, string> }): Promise<unknown> }>, preopens: Record<string, string>): Promise<[string, string]> {
  const loaded = await load();
  const error = await loaded.instantiate({ preopens }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WasmOtelError);
  return [(error as WasmOtelError).code, (error as WasmOtelError).message];
}

describe('preopens are checked before the guest starts', () => {
  const exporter = new InMemorySpanExporter();
  const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)], cacheDir: false });
  for (const [kind, load] of [
    ['component', () => host.load(component('trap.wasm'))],
    ['core module with WASI', () => host.loadModule(component('observe-manual.wasm'))],
    ['core module without WASI', () => host.loadModule(component('fib.wasm'))],
  ] as const) {
    it(`${kind}: a missing directory and a file are invalid_preopen, naming the path`, async () => {
      expect(await refusal(load, { '/sandbox': missing })).toEqual(['invalid_preopen', `cannot preopen ${missing} (guest path /sandbox): no such directory`]);
      expect(await refusal(load, { [file]: file })).toEqual(['invalid_preopen', `cannot preopen ${file}: not a directory`]);
      // The first bad one is named, whatever comes before it.
      expect(await refusal(load, { '/ok': scratch, '/bad': missing })).toEqual(['invalid_preopen', `cannot preopen ${missing} (guest path /bad): no such directory`]);
      expect(exporter.getFinishedSpans()).toEqual([]);
    });
  }

  it('a directory that exists is served (core module reading a file in it)', async () => {
    writeFileSync(join(scratch, 'f.txt'), 'from the preopen\n');
    const module = await host.loadModule(component('observe-manual.wasm'));
    const instance = await module.instantiate({ args: ['observe-manual.wasm', 'x', '/sandbox/f.txt'], preopens: { '/sandbox': scratch } });
    expect(await instance.run()).toBe(0);
  });
});
