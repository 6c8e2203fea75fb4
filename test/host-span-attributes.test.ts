/**
 * Host spans people can tell apart: the span around each call into a guest carries the export
 * called, the guest's name, kind and sha256, and the wasi:otel shape or the Observe families in
 * use (its name stays the guest's name: the CLI contract). Through the real CLI and the library.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { HOST_SPAN_ATTRIBUTES } from '../src/index.js';
import { runCli } from './support/cli.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => receiver.close());
beforeEach(() => receiver.reset());

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(component(file))).digest('hex');
const hostSpans = () => receiver.spans().filter((s) => s.scope.name === 'wasm-otel');

it('a component called by --invoke, and run through wasi:cli/run: export, name, kind, sha256, shape and version', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  expect((await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans'], env)).code).toBe(0);
  await receiver.waitForSpans(4);
  const identity = {
    'wasm.module.name': 'scenarios.wasm',
    'wasm.module.kind': 'component',
    'wasm.module.sha256': sha256('scenarios.wasm'),
    'wasm.otel.shape': 'rc.2',
    'wasm.otel.version': '0.2.0-rc.2',
  };
  expect(hostSpans().map((s) => [s.name, s.attributes])).toEqual([['scenarios.wasm', { ...identity, 'wasm.export': 'nested-spans' }]]);
  receiver.reset();
  expect((await runCli(['run', component('scenarios.wasm')], env)).code).toBe(0);
  await receiver.waitForSpans(5);
  expect(hostSpans().map((s) => [s.name, s.attributes])).toEqual([['scenarios.wasm', { ...identity, 'wasm.export': 'wasi:cli/run@0.2.10#run' }]]);
});

it('a core module: the Observe families it uses instead of a shape; the export, or _start for a command', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint };
  expect((await runCli(['run', component('fib.wasm'), '--invoke', 'fib(3)'], env)).code).toBe(0);
  await receiver.waitForSpans(2);
  const fib = { 'wasm.module.name': 'fib.wasm', 'wasm.module.kind': 'core-module', 'wasm.module.sha256': sha256('fib.wasm'), 'wasm.observe.families': ['instrument'] };
  expect(hostSpans().map((s) => s.attributes)).toEqual([{ ...fib, 'wasm.export': 'fib' }]);
  receiver.reset();
  expect((await runCli(['run', component('observe-manual.wasm')], env)).code).toBe(0);
  await receiver.waitForSpans(2);
  expect(hostSpans().map((s) => s.attributes)).toEqual([
    { 'wasm.module.name': 'observe-manual.wasm', 'wasm.module.kind': 'core-module', 'wasm.module.sha256': sha256('observe-manual.wasm'), 'wasm.observe.families': ['api'], 'wasm.export': '_start' },
  ]);
});

it('library: the names are exported as HOST_SPAN_ATTRIBUTES; a call names its export, the loaded name (LoadOptions.name) is used, and CallOptions.attributes add to them', async () => {
  expect(HOST_SPAN_ATTRIBUTES.export).toBe('wasm.export');
  const { host, flush } = hostFor(receiver);
  const instance = await (await host.load(component('forwarder-rc.3.wasm'), { name: 'tenant-a' })).instantiate();
  await instance.invoke('current', [], { attributes: { 'tenant.id': 'a' } });
  await flush();
  await receiver.waitForSpans(1);
  expect(hostSpans().map((s) => [s.name, s.attributes])).toEqual([
    [
      'tenant-a',
      {
        'wasm.module.name': 'tenant-a',
        'wasm.module.kind': 'component',
        'wasm.module.sha256': sha256('forwarder-rc.3.wasm'),
        'wasm.otel.shape': 'main',
        'wasm.otel.version': '0.2.0-rc.3',
        'wasm.export': 'current',
        'tenant.id': 'a',
      },
    ],
  ]);
});
