/**
 * Which wasi:observe / wasi:logging imports the host serves: a component whose functions match
 * wit/wasi-observe is served whatever version string it names (wasmCloud's
 * `wasi:logging/logging@0.1.0-draft`); one that imports a function the host does not serve, or
 * the same name with another signature, is refused at load with a message naming it.
 */
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmOtelError, type WasmOtelHost } from '../src/index.js';
import { hostFor } from './support/library-host.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { waitForLogs } from './support/otlp-signals.js';

let receiver: OtlpReceiver;
let host: WasmOtelHost;
let flush: () => Promise<void>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ host, flush } = hostFor(receiver));
});

afterAll(async () => receiver.close());

/** A component of one core module (WAT) and the world it is embedded with. */
async function componentOf(wat: string, witSource: string, world: string): Promise<Uint8Array> {
  const embedded = await componentEmbed({ binary: await parse(wat), witSource, world });
  return componentNew(embedded, []);
}

const LOGGING_DRAFT = `package wasi:logging@0.1.0-draft;
interface logging {
  enum level { trace, debug, info, warn, error, critical }
  log: func(level: level, context: string, message: string);
}
`;

describe('wasi:logging and wasi:observe imports the host does and does not serve', () => {
  it('wasi:logging/logging@0.1.0-draft (same functions, a version string) is served: one log record', async () => {
    const bytes = await componentOf(
      `(module
        (import "wasi:logging/logging@0.1.0-draft" "log" (func $log (param i32 i32 i32 i32 i32)))
        (memory (export "memory") 1)
        (data (i32.const 16) "ctx.drafthello from a draft")
        (func (export "run") (call $log (i32.const 3) (i32.const 16) (i32.const 9) (i32.const 25) (i32.const 18))))`,
      `${LOGGING_DRAFT}
world draft { import logging; export run: func(); }
`,
      'draft',
    );
    const component = await host.load(bytes, { name: 'logging-draft.wasm' });
    const instance = await component.instantiate();
    await instance.call('run');
    instance.dispose();
    await flush();
    const [log] = await waitForLogs(receiver, 1);
    expect(log).toMatchObject({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'hello from a draft' });
    expect(log!.attributes).toEqual({ 'wasi.logging.context': 'ctx.draft' });
  });

  it('a wasi:logging log with another signature is refused at load (unsupported_shape), naming it', async () => {
    const bytes = await componentOf(
      `(module
        (import "wasi:logging/logging" "log" (func $log (param i32 i32 i32)))
        (memory (export "memory") 1)
        (func (export "run") (call $log (i32.const 0) (i32.const 0) (i32.const 0))))`,
      `package wasi:logging;
interface logging {
  log: func(level: u8, message: string);
}
world other { import logging; export run: func(); }
`,
      'other',
    );
    const error = await host.load(bytes, { name: 'other-logging.wasm' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmOtelError);
    expect((error as WasmOtelError).code).toBe('unsupported_shape');
    expect((error as WasmOtelError).message).toBe(
      'other-logging.wasm imports wasi:logging/logging with log: func(level: u8, message: string), which does not match what this host serves: wasi:logging/logging and wasi:observe/tracer as in wit/wasi-observe',
    );
  });

  it('a wasi:observe/tracer function the host does not serve is refused at load, naming it', async () => {
    const bytes = await componentOf(
      `(module
        (import "wasi:observe/tracer" "current-span-id" (func $current (result i64)))
        (memory (export "memory") 1)
        (func (export "run") (drop (call $current))))`,
      `package wasi:observe;
interface tracer {
  current-span-id: func() -> u64;
}
world next { import tracer; export run: func(); }
`,
      'next',
    );
    const error = await host.load(bytes, { name: 'next-observe.wasm' }).catch((e: unknown) => e);
    expect((error as WasmOtelError).code).toBe('unsupported_shape');
    expect((error as WasmOtelError).message).toBe(
      'next-observe.wasm imports wasi:observe/tracer with current-span-id: func() -> u64, which does not match what this host serves: wasi:logging/logging and wasi:observe/tracer as in wit/wasi-observe',
    );
  });
});
