import { SpanKind, SpanStatusCode, isSpanContextValid, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import type { AnchoredClock } from './anchored-clock.js';
import { NO_ATTRIBUTES, spanAttributes } from './attribute-builder.js';
import { FunctionCallTracker, type FinishedFunctionCall, type FunctionSpanSink, type OpenFunctionCall } from './function-call-tracker.js';
import type { EngineLimits } from './limits.js';
import { addGrowthTotals, growthEvents } from './memory-growth.js';
import { functionSpanContext, functionSpanData, type OpenSpan } from './open-span.js';
import type { ProblemCounter } from './problems.js';
import type { ScopeReport, SpanReport } from './span-report.js';

/** Function-level tracing of an instrumented core module (see InstanceSpanState.enableFunctionCalls). */
export interface FunctionCallOptions {
  /** Calls shorter than this many microseconds are dropped (0 keeps every call). */
  minSpanMicros: number;
  /** The span name of function `index` (called once per built span). */
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
  /** Exports a finished span (sampling and limits applied). */
  exportReport(report: SpanReport): void;
  startManagedSpan(options: { name: string; scope: string; tag: number; startTime: HrTime; reparentsChildren: boolean }): void;
  endInnermost(tag: number, endTime: HrTime): boolean;
  currentMemoryGrew(pages: number, time: HrTime): void;
}

const NO_START_ATTRIBUTES: [string, never][] = [];

/**
 * The tracker for an instrumented module's `enter` / `exit` hooks (see FunctionCallTracker), with
 * the sink that turns its call records into spans: finished calls exported, open ones made
 * managed spans of the instance when something needs them.
 */
export function createFunctionCalls(host: FunctionSpanHost, options: FunctionCallOptions): FunctionCallTracker {
  const { limits, clock } = host;
  const timeOf = (perf: number): HrTime => clock.timeOf(clock.anchorNow, perf);
  let scope: ScopeReport | undefined; // one object: the built spans share it
  const parentOf = (call: { parentSpanId: string | undefined }, base: SpanContext): string | undefined =>
    call.parentSpanId ?? (isSpanContextValid(base) ? base.spanId : undefined);

  const exportFinished = (call: FinishedFunctionCall): void => {
    const base = host.innermostContext();
    const growth = growthEvents(call.memoryGrowth, timeOf, limits);
    const attributes = spanAttributes(limits);
    if (growth.pages > 0) addGrowthTotals(attributes, growth.pages);
    host.exportReport({
      spanContext: functionSpanContext(call.spanId, base),
      parentSpanId: parentOf(call, base),
      name: options.nameOf(call.func),
      kind: SpanKind.INTERNAL,
      startTime: timeOf(call.startPerf),
      endTime: timeOf(call.endPerf),
      attributes,
      events: growth.events,
      links: [],
      status: { code: SpanStatusCode.UNSET },
      scope: (scope ??= { name: options.scope, version: undefined, schemaUrl: undefined, attributes: NO_ATTRIBUTES }),
      droppedEventsCount: growth.dropped,
      droppedLinksCount: 0,
    });
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
      name: options.nameOf(call.func),
      kind: SpanKind.INTERNAL,
      attributes: NO_START_ATTRIBUTES,
      managed: functionSpanData(options.scope, call.func, growthEvents(call.memoryGrowth, timeOf, limits), limits),
      journal: -1,
    });
  };

  const sink: FunctionSpanSink = {
    exportFunctionSpan: exportFinished,
    openFunctionSpan: openCall,
    needsBase: () => host.idle(),
    baseIsOutermost: () => host.noSpanOpen(),
    startRootFunctionSpan: (func, startPerf) => host.startManagedSpan({ name: options.nameOf(func), scope: options.scope, tag: func, startTime: timeOf(startPerf), reparentsChildren: true }),
    endOpenFunctionSpan: (func, endPerf) => host.endInnermost(func, timeOf(endPerf)),
    baseMemoryGrew: (pages, perf) => host.currentMemoryGrew(pages, timeOf(perf)),
    newSpanId: () => host.idGenerator.generateSpanId(),
    unmatchedExit: (func) => host.problems.report('span_end_without_start', `exit hook for function ${func} (${options.nameOf(func)}) without a matching enter; ignored`),
    tooDeep: (depth) => host.problems.report('too_many_open_spans', `function calls nested deeper than ${depth}; deeper calls are not traced`),
  };
  return new FunctionCallTracker(sink, {
    minDurationMs: options.minSpanMicros / 1000,
    maxDepth: limits.maxFunctionCallDepth,
    maxBuffered: limits.maxBufferedFunctionCalls,
    maxBufferedMillis: limits.maxBufferedFunctionCallMillis,
  });
}
