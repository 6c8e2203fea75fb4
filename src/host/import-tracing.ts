import { SpanStatusCode } from '@opentelemetry/api';
import type { InstanceSpanState } from '../engine/index.js';
import { GuestInterrupted } from '../runtime/guest-interrupt.js';
import { GuestExit } from '../runtime/wasi-imports.js';
import { witExportName } from './export-names.js';

/** Interfaces never traced as host calls: the telemetry the guest reports through. */
const TELEMETRY = /^wasi:(?:otel|observe|logging)\//;

/** Scope of host-call spans. */
export const IMPORT_SCOPE = 'wasm-otel/imports';

/** Makes a span for each call the guest makes into a host import (see InstantiateOptions.traceImports). */
export class ImportTracer {
  #inside = false;

  constructor(private readonly state: InstanceSpanState) {}

  call<T>(name: string, body: () => T): T {
    // One span per host call: what an import does inside (it may call another) is the host's.
    if (this.#inside) return body();
    this.#inside = true;
    const started = this.state.startManagedSpan({ name, scope: IMPORT_SCOPE });
    try {
      return body();
    } catch (error) {
      // A `result` import reports `err` by throwing: that is an answer, not a failure of the call,
      // unless it is a JS error (a trap into the guest). An exit or an interrupt is the run's end,
      // said on the host span, not a failed call.
      if (error instanceof Error && !(error instanceof GuestExit) && !(error instanceof GuestInterrupted)) this.state.setStatus(started.spanId, { code: SpanStatusCode.ERROR, message: error.message.split('\n')[0]!.slice(0, 200) });
      throw error;
    } finally {
      this.#inside = false;
      this.state.endManagedSpan(started.spanId);
    }
  }
}

/** The tracer of the guest call running now (guest calls are synchronous and never nest across instances). */
let active: ImportTracer | undefined;

/** Runs a call into the guest with `tracer` receiving its host calls on resource methods. */
export function withImportTracer<T>(tracer: ImportTracer | undefined, body: () => T): T {
  if (tracer === undefined && active === undefined) return body();
  const previous = active;
  active = tracer;
  try {
    return body();
  } finally {
    active = previous;
  }
}

const isClass = (value: unknown): value is new (...args: unknown[]) => object =>
  typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));

const PATCHED = Symbol('wasm-otel.traced-methods');

/**
 * On a resource class the host implements: the names of its static functions that are the host's
 * own (not in the WIT), which are not traced.
 */
export const HOST_ONLY: unique symbol = Symbol.for('wasm-otel.host-only');

/**
 * The imports with every host function the guest can call traced, named `<interface>#<function>`
 * by the WIT (`wasi:cli/environment#get-environment`, `fermyon:spin/key-value#[method]store.get`,
 * `wasi:io/streams#[method]output-stream.blocking-write-and-flush`). Free functions are wrapped in
 * a copy; a resource class's methods are wrapped once on the class itself and trace only while
 * a traced instance's call runs (other instances and hosts see the plain method); its
 * constructor is traced through a proxy of the class (`[constructor]fields`).
 */
export function tracedImports(imports: Record<string, unknown>, tracer: ImportTracer): Record<string, unknown> {
  const out: Record<string, unknown> = { ...imports };
  for (const [iface, functions] of Object.entries(imports)) {
    if (TELEMETRY.test(iface) || typeof functions !== 'object' || functions === null) continue;
    const copy: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(functions)) {
      if (isClass(value)) {
        patchClass(iface, value);
        copy[name] = tracedConstructor(iface, value, tracer);
      } else if (typeof value === 'function') {
        const fn = value as (...args: unknown[]) => unknown;
        const span = `${iface}#${witExportName(name)}`;
        copy[name] = function (this: unknown, ...args: unknown[]): unknown {
          return tracer.call(span, () => fn.apply(this, args));
        };
      } else copy[name] = value;
    }
    out[iface] = copy;
  }
  return out;
}

/**
 * The class as the guest sees it: `new` through it is a traced host call
 * (`<interface>#[constructor]<resource>`); everything else (statics, `prototype`, so
 * `instanceof` and the objects made) is the class itself.
 */
function tracedConstructor(iface: string, cls: new (...args: unknown[]) => object, tracer: ImportTracer): unknown {
  const span = `${iface}#[constructor]${witExportName(cls.name)}`;
  // Statics called through the proxy run with the class as `this` (its static private fields work).
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(cls, {
    construct: (target, args, newTarget) => tracer.call(span, () => Reflect.construct(target, args, newTarget)),
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'prototype' || isClass(value)) return value;
      let fn = bound.get(key);
      if (fn === undefined || (fn as { original?: unknown }).original !== value) {
        fn = Object.assign((value as (...args: unknown[]) => unknown).bind(target), { original: value });
        bound.set(key, fn);
      }
      return fn;
    },
  });
}

function patchClass(iface: string, cls: new (...args: unknown[]) => object): void {
  const marked = cls as unknown as Record<symbol, boolean>;
  if (Object.prototype.hasOwnProperty.call(cls, PATCHED)) return;
  marked[PATCHED] = true;
  const resource = witExportName(cls.name);
  const wrap = (holder: Record<string, unknown>, key: string, span: string): void => {
    const original = holder[key] as (...args: unknown[]) => unknown;
    holder[key] = function (this: unknown, ...args: unknown[]): unknown {
      const tracer = active;
      return tracer ? tracer.call(span, () => original.apply(this, args)) : original.apply(this, args);
    };
  };
  for (const key of Object.getOwnPropertyNames(cls.prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, key);
    if (key === 'constructor' || typeof descriptor?.value !== 'function' || !descriptor.writable) continue;
    wrap(cls.prototype as Record<string, unknown>, key, `${iface}#[method]${resource}.${witExportName(key)}`);
  }
  const hostOnly = (cls as unknown as { [HOST_ONLY]?: readonly string[] })[HOST_ONLY] ?? [];
  for (const key of Object.getOwnPropertyNames(cls)) {
    const descriptor = Object.getOwnPropertyDescriptor(cls, key);
    if (['length', 'name', 'prototype', ...hostOnly].includes(key) || typeof descriptor?.value !== 'function' || !descriptor.writable) continue;
    wrap(cls as unknown as Record<string, unknown>, key, `${iface}#[static]${resource}.${witExportName(key)}`);
  }
}
