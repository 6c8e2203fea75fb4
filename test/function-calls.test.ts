import type { HrTime } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { InstanceSpanState, ProblemCounter, resolveLimits, type EngineLimits } from '../src/engine/index.js';
import { hostTracingFor } from '../src/telemetry/sdk-pipeline.js';

// The engine's function-call tracker driven directly, for the cases no well-formed module shows:
// unmatched hooks, calls nested past the depth limit, a buffer that fills in the middle of a call.
// (Exported over OTLP from real modules in core-modules.test.ts; here spans are read in memory.)
function engine(limits: Partial<EngineLimits> = {}, minSpanMicros = 0) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const { tracer, pipeline } = hostTracingFor(provider);
  const problems = new ProblemCounter();
  const state = new InstanceSpanState(pipeline, resolveLimits(pipeline.spanLimits, limits), problems);
  const calls = state.enableFunctionCalls({ minSpanMicros, nameOf: (i) => `f${i}`, scope: 'dylibso:observe/instrument' });
  const host = tracer.startSpan('host');
  state.enterCall(host.spanContext(), (host as unknown as { startTime: HrTime }).startTime, host);
  const finish = (): ReadableSpan[] => {
    state.leaveCall();
    host.end();
    return exporter.getFinishedSpans();
  };
  return { state, calls, problems, finish, hostId: host.spanContext().spanId };
}

const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe('function-call tracker', () => {
  it('an exit without enter is counted and ignored; an exit of an outer call closes it and re-parents the calls above', () => {
    const { calls, problems, finish, hostId } = engine();
    calls.exit(9);
    calls.enter(1);
    calls.enter(2);
    calls.enter(3);
    calls.exit(2); // 2 ends while 3 is still open: 3 now sits on 1
    calls.exit(3);
    calls.exit(1);
    const spans = finish();
    expect(problems.snapshot()).toEqual({ span_end_without_start: 1 });
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['f1', 'f2', 'f3', 'host']);
    expect(parentOf(byName.f1!)).toBe(hostId);
    expect(parentOf(byName.f2!)).toBe(byName.f1!.spanContext().spanId);
    expect(parentOf(byName.f3!)).toBe(byName.f1!.spanContext().spanId);
  });

  it('calls past the depth limit are not traced (reported once), the rest of the tree is intact', () => {
    const { calls, problems, finish, hostId } = engine({ maxFunctionCallDepth: 4 });
    for (let i = 0; i < 10; i++) calls.enter(i);
    for (let i = 9; i >= 0; i--) calls.exit(i);
    const spans = finish().filter((s) => s.name !== 'host');
    expect(problems.snapshot()).toEqual({ too_many_open_spans: 1 });
    expect(spans.map((s) => s.name).sort()).toEqual(['f0', 'f1', 'f2', 'f3']);
    const ids = Object.fromEntries(spans.map((s) => [s.name, s.spanContext().spanId]));
    expect(spans.map((s) => [s.name, parentOf(s)]).sort()).toEqual([
      ['f0', hostId],
      ['f1', ids.f0],
      ['f2', ids.f1],
      ['f3', ids.f2],
    ]);
  });

  it('after a trap deep past the limit, the next call is traced normally', () => {
    const { calls, state, problems, finish } = engine({ maxFunctionCallDepth: 4 });
    for (let i = 0; i < 10; i++) calls.enter(i); // e.g. a stack overflow: no exits
    expect(state.closeOpenSpans('trap', 'span still open when the guest trapped')).toBe(4);
    calls.enter(42);
    calls.exit(42);
    const spans = finish();
    expect(spans.filter((s) => s.name === 'f42')).toHaveLength(1);
    expect(problems.snapshot()).toEqual({ too_many_open_spans: 1, open_spans_closed: 4 });
  });

  it('a full buffer builds spans in the middle of a call; parents still open keep the ids their children name', () => {
    const { calls, state, finish, hostId } = engine({ maxBufferedFunctionCalls: 2 });
    calls.enter(1);
    for (let i = 0; i < 5; i++) {
      calls.enter(2);
      calls.exit(2);
    }
    // Built while f1 is still open.
    expect(state.openSpanCount).toBe(1);
    calls.exit(1);
    const spans = finish();
    const f1 = spans.find((s) => s.name === 'f1')!;
    expect(parentOf(f1)).toBe(hostId);
    const children = spans.filter((s) => s.name === 'f2');
    expect(children).toHaveLength(5);
    for (const child of children) expect(parentOf(child)).toBe(f1.spanContext().spanId);
    expect(new Set(spans.map((s) => s.spanContext().spanId)).size).toBe(7);
  });

  it('a short call that something needed (a log, here: the current span read) is kept despite the filter', () => {
    const { calls, state, finish } = engine({}, 1_000_000);
    calls.enter(1);
    calls.enter(2);
    const current = state.currentSpanContext();
    calls.exit(2);
    calls.enter(3);
    calls.exit(3);
    calls.exit(1);
    const spans = finish().filter((s) => s.name !== 'host');
    // f1 is outermost (always kept), f2 was needed, f3 is dropped.
    expect(spans.map((s) => s.name).sort()).toEqual(['f1', 'f2']);
    expect(spans.find((s) => s.name === 'f2')!.spanContext().spanId).toBe(current.spanId);
  });

  it('outermost calls are kept however short; calls under a span of the module are not outermost', () => {
    const { calls, state, finish, hostId } = engine({}, 1_000_000);
    calls.enter(1);
    calls.exit(1);
    calls.enter(2);
    calls.exit(2);
    const manual = state.startManagedSpan({ name: 'manual', tag: 'manual' });
    calls.enter(3); // under "manual": dropped
    calls.exit(3);
    state.endInnermost('manual');
    const spans = finish().filter((s) => s.name !== 'host');
    expect(spans.map((s) => [s.name, parentOf(s)]).sort()).toEqual([
      ['f1', hostId],
      ['f2', hostId],
      ['manual', hostId],
    ]);
    expect(manual.spanId).toBe(spans.find((s) => s.name === 'manual')!.spanContext().spanId);
  });
  it('memory growth of a call handed over as an open span stays on that span (no other span gets its events)', () => {
    const { state, calls, finish } = engine();
    calls.enter(1);
    state.currentSpanContext(); // hands call 1 over as an open span, with no growth yet
    state.memoryGrow(2);
    calls.exit(1);
    calls.enter(2);
    calls.exit(2);
    calls.enter(3);
    state.currentSpanContext();
    calls.exit(3);
    const byName = Object.fromEntries(finish().map((s) => [s.name, s]));
    expect(byName.f1!.events.map((e) => [e.name, e.attributes?.['wasm.memory.grow.pages']])).toEqual([['memory.grow', 2]]);
    expect(byName.f1!.attributes['wasm.memory.grow.total_pages']).toBe(2);
    expect(byName.f2!.events).toEqual([]);
    expect(byName.f3!.events).toEqual([]);
    expect(byName.f2!.attributes).toEqual({});
  });

  it('span ids of function spans are distinct 16-digit hex, and parents name them', () => {
    const { calls, finish, hostId } = engine();
    for (let i = 0; i < 2000; i++) {
      calls.enter(1);
      calls.enter(2);
      calls.exit(2);
      calls.exit(1);
    }
    const spans = finish().filter((s) => s.name !== 'host');
    const ids = spans.map((s) => s.spanContext().spanId);
    expect(new Set(ids).size).toBe(4000);
    for (const id of ids) expect(id).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    for (const span of spans) {
      const parent = span.parentSpanContext!.spanId;
      if (span.name === 'f1') expect(parent).toBe(hostId);
      else expect(byId.get(parent)!.name).toBe('f1');
    }
  });
  it('a span processor may add to a function span in onEnd without changing the others', () => {
    const exporter = new InMemorySpanExporter();
    let first = true;
    const marker = { onStart() {}, onEnd(span: ReadableSpan) { if (first) { (span.attributes as Record<string, unknown>).marked = true; span.events.push({ name: 'mark', time: span.endTime }); first = false; } }, forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
    const provider = new BasicTracerProvider({ spanProcessors: [marker, new SimpleSpanProcessor(exporter)] });
    const { tracer, pipeline } = hostTracingFor(provider);
    const problems = new ProblemCounter();
    const state = new InstanceSpanState(pipeline, resolveLimits(pipeline.spanLimits, {}), problems);
    const calls = state.enableFunctionCalls({ minSpanMicros: 0, nameOf: (i) => `f${i}`, scope: 'dylibso:observe/instrument' });
    const host = tracer.startSpan('host');
    state.enterCall(host.spanContext(), (host as unknown as { startTime: HrTime }).startTime, host);
    for (let i = 0; i < 3; i++) {
      calls.enter(1);
      calls.exit(1);
    }
    state.leaveCall();
    host.end();
    const spans = exporter.getFinishedSpans().filter((s) => s.name === 'f1');
    expect(problems.snapshot()).toEqual({});
    expect(spans.map((s) => [s.attributes, s.events.map((e) => e.name)])).toEqual([[{ marked: true }, ['mark']], [{}, []], [{}, []]]);
  });
});
