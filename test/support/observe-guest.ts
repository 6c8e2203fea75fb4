/**
 * Driving components/wasi-observe-forwarder.wasm (see the header of
 * components/wat/wasi-observe-forwarder.wat): every call into it is made with a host span name of
 * its own, so a test finds the host span of each call by name among the exported spans.
 */
import type { Context } from '@opentelemetry/api';
import type { CallOptions, GuestInstance } from '../../src/index.js';
import type { ObserveKeyValue, ObserveLink, ObserveSpanContext, ObserveStartOptions, ObserveStatus } from '../../src/observe/wit-types.js';
import type { OtlpSpan } from './otlp-receiver.js';
import { component } from './paths.js';
import { byName } from './span-tree.js';

export const FORWARDER = component('wasi-observe-forwarder.wasm');
export const LOGGING_ONLY = component('logging-only.wasm');
/** Instrumentation scope of the spans a guest starts through wasi:observe/tracer. */
export const TRACER_SCOPE = { name: 'wasi:observe/tracer', version: '', attributes: {} };
export const LOGGING_SCOPE = { name: 'wasi:logging/logging', version: '', attributes: {} };

export type { ObserveKeyValue, ObserveLink, ObserveSpanContext, ObserveStartOptions, ObserveStatus };
export type Datetime = { seconds: bigint; nanoseconds: number };

/** A datetime and the OTLP nanoseconds it stands for. */
export const at = (seconds: bigint, nanoseconds: number): Datetime => ({ seconds, nanoseconds });
export const nanosOf = (time: Datetime): bigint => time.seconds * 1_000_000_000n + BigInt(time.nanoseconds);

/**
 * The forwarder's exports, each call in a host span named `label` (unique per test).
 * Handles are the guest's u32 handle indices, passed through unchecked.
 */
export class Forwarder {
  constructor(
    readonly instance: GuestInstance,
    private readonly options: CallOptions = {},
  ) {}

  /** The same instance, its calls' host spans children of `parentContext`. */
  under(parentContext: Context): Forwarder {
    return new Forwarder(this.instance, { ...this.options, parentContext });
  }

  private in<T>(label: string, name: string, ...args: unknown[]): Promise<T> {
    return this.instance.invoke(name, args, { ...this.options, spanName: label }) as Promise<T>;
  }

  start(label: string, name: string, options?: ObserveStartOptions): Promise<number> {
    return this.in(label, 'start', name, options);
  }
  spanContext(label: string, span: number): Promise<ObserveSpanContext> {
    return this.in(label, 'span-context', span);
  }
  isRecording(label: string, span: number): Promise<boolean> {
    return this.in(label, 'is-recording', span);
  }
  setAttributes(label: string, span: number, attributes: ObserveKeyValue[]): Promise<void> {
    return this.in(label, 'set-attributes', span, attributes);
  }
  addEvent(label: string, span: number, name: string, timestamp?: Datetime, attributes?: ObserveKeyValue[]): Promise<void> {
    return this.in(label, 'add-event', span, name, timestamp, attributes);
  }
  addLink(label: string, span: number, link: ObserveLink): Promise<void> {
    return this.in(label, 'add-link', span, link);
  }
  setStatus(label: string, span: number, status: ObserveStatus): Promise<void> {
    return this.in(label, 'set-status', span, status);
  }
  updateName(label: string, span: number, name: string): Promise<void> {
    return this.in(label, 'update-name', span, name);
  }
  end(label: string, span: number, timestamp?: Datetime): Promise<void> {
    return this.in(label, 'end', span, timestamp);
  }
  drop(label: string, span: number): Promise<void> {
    return this.in(label, 'drop', span);
  }
  log(label: string, level: string, context: string, message: string): Promise<void> {
    return this.in(label, 'log', level, context, message);
  }
  run(label: string, name: 'bench-span' | 'bench-spans' | 'start-drop' | 'nested-drop' | 'bad-utf8', ...args: unknown[]): Promise<void> {
    return this.in(label, name, ...args);
  }
}

/**
 * The host span of the call labelled `label`: a root span (a new trace) of the host's scope, or
 * the child of `parentSpanId` when the call was given a parent context.
 */
export function hostSpan(spans: readonly OtlpSpan[], label: string, parentSpanId = ''): OtlpSpan {
  const span = byName(spans, label);
  if (span.scope.name !== 'wasm-otel' || span.parentSpanId !== parentSpanId) {
    throw new Error(`${label} is not a host span (scope ${span.scope.name}, parent ${JSON.stringify(span.parentSpanId)})`);
  }
  return span;
}

/** True when `time` lies within the host span `host` (its start and end included). */
export function within(time: bigint, host: OtlpSpan): boolean {
  return host.startTimeUnixNano <= time && time <= host.endTimeUnixNano;
}

/** A span context of another process, to link to. */
export function remoteContext(traceId: string, spanId: string, traceState: [string, string][] = []): ObserveSpanContext {
  return { traceId, spanId, traceFlags: { sampled: true }, isRemote: true, traceState };
}

export const str = (key: string, val: string): ObserveKeyValue => ({ key, value: { tag: 'string', val } });
export const s64 = (key: string, val: bigint): ObserveKeyValue => ({ key, value: { tag: 's64', val } });
export const bool = (key: string, val: boolean): ObserveKeyValue => ({ key, value: { tag: 'bool', val } });
export const f64 = (key: string, val: number): ObserveKeyValue => ({ key, value: { tag: 'float64', val } });
