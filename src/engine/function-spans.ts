import { SpanKind, isSpanContextValid, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { AnchoredClock } from './anchored-clock.js';
import { NO_ATTRIBUTES } from './attribute-builder.js';
import { FunctionCallTracker, type FunctionSpanSink, type OpenFunctionCall } from './function-call-tracker.js';
import { FunctionSpanBatch, FunctionSpanNames } from './function-span-batch.js';
import { DerivedCallIds, GeneratedCallIds, isDefaultIdGenerator, type CallIds } from './function-span-ids.js';
import type { EngineLimits } from './limits.js';
import { growthEvents } from './memory-growth.js';
import { functionSpanContext, functionSpanData, type OpenSpan } from './open-span.js';
import type { ProblemCounter } from './problems.js';
import type { ScopeReport, SpanReport } from './span-report.js';

/** Function-level tracing of an instrumented core module (see InstanceSpanState.enableFunctionCalls). */
export interface FunctionCallOptions {
  /** Calls shorter than this many microseconds are dropped (0 keeps every call). */
  minSpanMicros: number;
  /** The span name of function `index` (the module's: asked once per function, then kept). */
  nameOf: (index: number) => string;
  /** Instrumentation scope of function spans. */
  scope: string;
}

/** What function spans need of the instance's span state. */
export interface FunctionSpanHost {
  readonly limits: EngineLimits;
  readonly problems: ProblemCounter;
  readonly clock: AnchoredClock;
  readonly idGenerator: IdGenerator;
  /** The current span without settling function calls (the base light calls hang from). */
  innermostContext(): SpanContext;
  /** No span open and no call into the guest in progress. */
  idle(): boolean;
  /** No span of the instance is open (below the light calls there is only the host's span). */
  noSpanOpen(): boolean;
  /** Opens a span (it becomes the current one). */
  pushOpen(span: OpenSpan): void;
  /** Exports a finished span, or a batch of finished function spans (sampling and limits applied). */
  exportReport(report: SpanReport | FunctionSpanBatch): void;
  startManagedSpan(options: { name: string; scope: string; tag: number; startTime: HrTime; reparentsChildren: boolean }): void;
  endInnermost(tag: number, endTime: HrTime): boolean;
  currentMemoryGrew(pages: number, time: HrTime): void;
}

const NO_START_ATTRIBUTES: [string, never][] = [];

/**
 * The tracker for an instrumented module's `enter` / `exit` hooks (see FunctionCallTracker), with
 * the sink that turns its call records into spans: finished calls exported a batch at a time,
 * open ones made managed spans of the instance when something needs them.
 */
export function createFunctionCalls(host: FunctionSpanHost, options: FunctionCallOptions): FunctionCallTracker {
  const { limits, clock } = host;
  const timeOf = (perf: number): HrTime => clock.timeOf(clock.anchorNow, perf);
  const names = new FunctionSpanNames(options.nameOf, limits.maxNameLength);
  // One object: the built spans share it.
  const scope: ScopeReport = { name: options.scope, version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES };
  const parentOf = (call: { parentSpanId: string | undefined }, base: SpanContext): string | undefined =>
    call.parentSpanId ?? (isSpanContextValid(base) ? base.spanId : undefined);

  // Ids: derived from call numbers while the provider uses the SDK's RandomIdGenerator (one
  // permutation for the tracker's life: its ids never repeat), else the provider's own generator.
  let derived: DerivedCallIds | undefined;
  let generated: GeneratedCallIds | undefined;
  const callIds = (): CallIds => {
    // Read when a period starts: the pipeline may follow a provider that changes between calls.
    const generator = host.idGenerator;
    if (isDefaultIdGenerator(generator)) return (derived ??= new DerivedCallIds());
    if (generated?.generator !== generator) generated = new GeneratedCallIds(generator);
    return generated;
  };

  // An open light call becomes an open managed span (past the open-span limit: calls nest only so deep).
  const openCall = (call: OpenFunctionCall): void => {
    const base = host.innermostContext();
    host.pushOpen({
      context: functionSpanContext(call.spanId, base),
      startTime: timeOf(call.startPerf),
      startAnchor: clock.anchorNow,
      startPerf: call.startPerf,
      parentSpanId: parentOf(call, base),
      parentGiven: true,
      name: names.of(call.func),
      kind: SpanKind.INTERNAL,
      attributes: NO_START_ATTRIBUTES,
      managed: functionSpanData(options.scope, call.func, growthEvents(call.memoryGrowth, timeOf, limits), limits),
      journal: -1,
    });
  };

  const sink: FunctionSpanSink = {
    exportFunctionSpans: (calls) => host.exportReport(new FunctionSpanBatch(calls, host.innermostContext(), clock.anchorNow, names, limits, scope, timeOf)),
    openFunctionSpan: openCall,
    needsBase: () => host.idle(),
    baseIsOutermost: () => host.noSpanOpen(),
    startRootFunctionSpan: (func, startPerf) => host.startManagedSpan({ name: names.of(func), scope: options.scope, tag: func, startTime: timeOf(startPerf), reparentsChildren: true }),
    endOpenFunctionSpan: (func, endPerf) => host.endInnermost(func, timeOf(endPerf)),
    baseMemoryGrew: (pages, perf) => host.currentMemoryGrew(pages, timeOf(perf)),
    callIds,
    unmatchedExit: (func) => host.problems.report('span_end_without_start', `exit hook for function ${func} (${names.of(func)}) without a matching enter; ignored`),
    tooDeep: (depth) => host.problems.report('too_many_open_spans', `function calls nested deeper than ${depth}; deeper calls are not traced`),
  };
  return new FunctionCallTracker(sink, {
    minDurationMs: options.minSpanMicros / 1000,
    maxDepth: limits.maxFunctionCallDepth,
    maxBuffered: limits.maxBufferedFunctionCalls,
    maxBufferedMillis: limits.maxBufferedFunctionCallMillis,
  });
}
