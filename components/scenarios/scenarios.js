// Scenario guest for wasm-otel, built with componentize-js into
// components/scenarios.wasm (world `scenarios` in wit/guests/rc.2/guests.wit).
//
// It carries a tiny guest-side tracer (a stand-in for a guest OpenTelemetry
// SDK) that reports spans to the host through `wasi:otel/tracing@0.2.0-rc.2`:
// `onStart(spanContext)` when a span starts, `onEnd(spanData)` when it ends.
// `metrics-and-logs` also sends one log record through
// `wasi:otel/logs@0.2.0-rc.2` (`onEmit(logRecord)`) and one batch of metrics
// through `wasi:otel/metrics@0.2.0-rc.2` (`export(resourceMetrics)`), the way
// a guest SDK's log processor and metric reader would.
// Two scenarios also use WASI imports declared in the world:
// `wasi:cli/environment@0.2.10` (echo-args) and `wasi:cli/exit@0.2.10`
// (exit-with-error).
// The `observe-*`, `otel-in-observe` and `logging-levels` exports use the
// other tracing model, `wasi:observe/tracer`: the HOST owns the span (ids,
// parent, times) and the guest holds a handle (resource `span`) and calls
// its methods; `logging-levels` also calls `wasi:logging/logging` `log`.
// Two of them interleave observe spans with the tiny tracer's otel spans.
//
// ===========================================================================
// WHAT EACH EXPORT EMITS (the contract the tests rely on)
// ===========================================================================
//
// Notation
//   H        = the span context returned by the host's `outerSpanContext()`
//              (H.traceId, H.spanId, H.traceFlags, H.traceState).
//   #n       = span id 'a' + n in hex, zero-padded to 16 hex digits, e.g.
//              #1 = 'a000000000000001', #2 = 'a000000000000002',
//              #255 = 'a0000000000000ff'.
//              n comes from a per-INSTANCE counter that starts at 1 and is
//              never reset: the ids below assume the export is the FIRST call
//              on a fresh instance. A second call on the same instance
//              continues with the next numbers.
//   "..."    = attribute values are JSON text (rc.2 `value = string`); the
//              text is shown between single quotes, e.g. '42', '"hello"'.
//
// Common to every span unless the scenario says otherwise
//   traceId       = trace id of the parent (H.traceId for top-level spans)
//   traceFlags    = copied from the parent (H.traceFlags for top-level spans)
//   traceState    = copied from the parent (H.traceState for top-level spans)
//   isRemote      = false
//   parentSpanId  = the guest's innermost open span, else H.spanId
//   spanKind      = 'internal'
//   status        = { tag: 'unset' }
//   attributes / events / links = []
//   startTime / endTime / event times = wall clock (Date.now(), ms precision,
//                   as { seconds: bigint, nanoseconds: number })
//   instrumentationScope = { name: 'wasm-otel-scenarios', version: '1.0.0',
//                            schemaUrl: undefined, attributes: [] }
//   droppedAttributes = droppedEvents = droppedLinks = 0
//   `outerSpanContext()` is called once for each span started while no
//   guest span is open (never by `new-root`, nor by a span given an
//   explicit parent: `otel-inner`, `otel-middle`).
//   If H is invalid (trace id not 32 hex digits, or all zeros) a top-level
//   span becomes a root instead: traceId 'a0000000000000000000000000000001',
//   parentSpanId '', traceFlags { sampled: true }, traceState [].
//
// nested-spans  (also the first half of `wasi:cli/run`)
//   outer  #1  parent H.spanId  attributes level='1', demo='"nested-spans"'
//                               status { tag: 'ok' }
//   middle #2  parent #1        attributes level='2'
//   inner  #3  parent #2        attributes level='3', work.items='3'
//                               event 'work-done' attributes result='"success"'
//   order: onStart #1, onStart #2, onStart #3, onEnd #3, onEnd #2, onEnd #1
//
// attributes
//   attributes #1  parent H.spanId, attributes in this order (11 entries,
//   `k` appears twice: the host must keep the LAST one, '"second"'):
//     k                  '"first"'
//     attr.string        '"hello"'
//     attr.bool          'true'
//     attr.int           '42'
//     attr.double        '3.5'
//     attr.string_array  '["a","b"]'
//     attr.int_array     '[1,2,3]'
//     attr.double_array  '[1.5,2.5]'
//     attr.bool_array    '[true,false]'
//     attr.bytes         '"data:application/octet-stream;base64,AQID/w=="'
//                        (the bytes 01 02 03 ff)
//     k                  '"second"'
//
// events
//   events #1  parent H.spanId, three events in this order:
//     'first'   time = wall clock            attributes index='1'
//     'second'  time = { seconds: 1700000000n, nanoseconds: 123456789 }
//                                            attributes index='2', explicit='true'
//     'third'   time = wall clock            attributes index='3'
//
// links
//   links #1  parent H.spanId, one link:
//     spanContext { traceId '0af7651916cd43dd8448eb211c80319c',
//                   spanId 'b7ad6b7169203331', traceFlags { sampled: true },
//                   isRemote: true, traceState [] }
//     attributes link.reason='"retry"'
//
// span-kinds
//   five sibling spans, each started and ended before the next one starts,
//   all with parent H.spanId, named after their kind:
//     client #1 'client', server #2 'server', producer #3 'producer',
//     consumer #4 'consumer', internal #5 'internal'
//
// statuses
//   three sibling spans, parent H.spanId, one after the other:
//     ok-span    #1  status { tag: 'ok' }
//     error-span #2  status { tag: 'error', val: 'boom' }
//     unset-span #3  status { tag: 'unset' }
//
// new-root
//   new-root #1  traceId '4bf92f3577b34da6a3ce929d0e0e4736',
//                parentSpanId '', traceFlags { sampled: true },
//                traceState []; does not call outerSpanContext().
//
// never-ended
//   never-ended #1  parent H.spanId; onStart only, onEnd is never called.
//   (The guest forgets the span, so later calls on the same instance do not
//   parent to it.)
//
// outlives-parent
//   parent #1  parent H.spanId
//   child  #2  parent #1
//   order: onStart #1, onStart #2, onEnd #1, onEnd #2
//
// trace-state
//   trace-state #1  parent H.spanId,
//                   traceState [['vendor','value1'],['other','v2']]
//                   (in both the onStart context and the onEnd span data)
//
// trap
//   doomed-outer #1  parent H.spanId   onStart only
//   doomed-inner #2  parent #1         onStart only
//   then throws an Error('deliberate trap in scenario "trap"'); the export
//   call traps and the instance is unusable afterwards.
//
// echo-args
//   echo-args #1  parent H.spanId, one attribute:
//     guest.args  the JSON array of the strings `wasi:cli/environment`
//                 `get-arguments()` returns, e.g. '["scenarios.wasm","a","b"]'
//                 (the host chooses the arguments; the first is usually the
//                 program's name)
//
// exit-with-error
//   exiting #1  parent H.spanId   onStart only
//   then calls `wasi:cli/exit` `exit(err)`, which does not return: the export
//   call ends with the guest's exit (status err, i.e. code 1), no onEnd is
//   ever reported, and the instance must not be called again (the span stays
//   open in the guest's context, like the spans of `trap`).
//
// metrics-and-logs
//   What a guest SDK's log processor and cumulative metric reader send.
//   Every value below is fixed (no clock): a second call on the same
//   instance sends the same log and metrics again, only the span id moves on.
//   In this order:
//   1. onStart  checkout #1  parent H.spanId (a normal span: no attributes,
//                            events or links, status unset)
//   2. logs.onEmit, once, while checkout is open, with this log record:
//        timestamp            { seconds: 1700000005n, nanoseconds: 0 }
//        observedTimestamp    { seconds: 1700000005n, nanoseconds: 500 }
//        severityText         'INFO'
//        severityNumber       9
//        body                 '"order placed"'
//        attributes           order.id='"A-1001"', items='3'
//        eventName            undefined
//        resource             R = { attributes: [service.name='"scenarios-guest"'],
//                                   schemaUrl: undefined }
//        instrumentationScope { name: 'scenarios-logger', version: '1.0.0',
//                               schemaUrl: undefined, attributes: [] }
//        traceId              checkout's traceId (H.traceId)
//        spanId               checkout's spanId (#1)
//        traceFlags           checkout's traceFlags (H.traceFlags)
//   3. onEnd    checkout #1
//   4. metrics.export, once, after checkout ended, with one resource-metrics:
//        resource      R (the log's resource)
//        scopeMetrics  one entry:
//          scope   { name: 'scenarios-meter', version: '1.0.0',
//                    schemaUrl: undefined, attributes: [] }
//          metrics, in this order (T0 = { seconds: 1700000000n, nanoseconds: 0 },
//                                  T1 = { seconds: 1700000010n, nanoseconds: 0 }):
//          a. requests  'Requests handled'  unit '{request}'
//             (a counter incremented to 10)
//             data { tag: 'u64-sum', val: { startTime: T0, time: T1,
//                    temporality: 'cumulative', isMonotonic: true,
//                    dataPoints: [ { attributes: route='"/checkout"',
//                                    value: { tag: 'u64', val: 10n },
//                                    exemplars: [] } ] } }
//          b. queue.depth  'Items waiting'  unit '{item}'
//             (an up-down counter at -5)
//             data { tag: 's64-sum', val: { startTime: T0, time: T1,
//                    temporality: 'cumulative', isMonotonic: false,
//                    dataPoints: [ { attributes: queue='"orders"',
//                                    value: { tag: 's64', val: -5n },
//                                    exemplars: [] } ] } }
//          c. request.duration  'Request duration'  unit 'ms'
//             (a histogram that recorded 10 and 23, default bounds)
//             data { tag: 'f64-histogram', val: { startTime: T0, time: T1,
//                    temporality: 'cumulative',
//                    dataPoints: [ { attributes: route='"/checkout"',
//                      count: 2n,
//                      bounds: Float64Array [0, 5, 10, 25, 50, 75, 100, 250,
//                              500, 750, 1000, 2500, 5000, 7500, 10000],
//                      bucketCounts: BigUint64Array [0, 0, 1, 1, 0, 0, 0, 0,
//                              0, 0, 0, 0, 0, 0, 0, 0]   (16 buckets; bucket i
//                              holds (bounds[i-1], bounds[i]]: 10 -> 2, 23 -> 3),
//                      min: { tag: 'f64', val: 10 },
//                      max: { tag: 'f64', val: 23 },
//                      sum: { tag: 'f64', val: 33 },
//                      exemplars: [] } ] } }
//          d. temperature  'Room temperature'  unit 'Cel'
//             (a gauge at 15)
//             data { tag: 'f64-gauge', val: { startTime: undefined, time: T1,
//                    dataPoints: [ { attributes: room='"lab"',
//                                    value: { tag: 'f64', val: 15 },
//                                    exemplars: [] } ] } }
//   If export fails (the host returns err, which the guest sees as a thrown
//   error), the guest catches the error and returns normally: no trap,
//   nothing else is emitted, and the instance stays usable (a later call
//   exports again).
//
// wasi:cli/run
//   nested-spans, then metrics-and-logs on the same instance, so the span
//   counter continues:
//     outer #1, middle #2, inner #3 exactly as in nested-spans, then
//     checkout #4 (parent H.spanId) with the log record above carrying
//     spanId #4, then the metrics export above.
//   order: onStart #1, onStart #2, onStart #3, onEnd #3, onEnd #2, onEnd #1,
//          onStart #4, onEmit, onEnd #4, export
//   `outerSpanContext()` is called twice (for outer and for checkout).
//   run returns ok (also when export fails). run makes no wasi:observe or
//   wasi:logging call.
//
// ---------------------------------------------------------------------------
// wasi:observe exports
// ---------------------------------------------------------------------------
// Notation and rules for the exports below
//   S1, S2, ...  = the span handles `start` returns, numbered per call in
//                  start order (the host chooses their ids).
//   S.f(...)     = method `f` of handle S; `none` = option::none.
//   drop S       = the guest drops the handle (canonical resource.drop; in
//                  componentize-js 0.22 that is `S[Symbol.dispose]()`).
//                  Every handle is dropped right after its last call below
//                  (written `end(none), drop`), except where a scenario says
//                  otherwise. The guest never relies on GC to drop a handle
//                  (componentize-js unregisters a handle from its
//                  FinalizationRegistry at its first method call, so GC
//                  would never drop such a handle anyway).
//   T_START      = { seconds: 1700000000n, nanoseconds: 500000000 }
//   T_EVENT      = { seconds: 1700000001n, nanoseconds: 250000000 }
//   T_END        = { seconds: 1700000002n, nanoseconds: 750000000 }
//   BIG          = 9007199254740993n (2^53 + 1: exact only as a bigint)
//   attributes are written key=<variant>(value), e.g. k=string('first').
// Expected spans (what the host is asked to produce; the host decides)
//   An observe span started without `new-root` is a child of the host's
//   current span: the innermost span of this call still open at that
//   moment, observe span or guest otel span (an otel span is open from its
//   onStart to its onEnd), else the host span of the call (H). With
//   `new-root: true` it starts a new trace (no parent).
//   Kind internal, no attributes, events or links, status unset, unless
//   given. Start/end/event times: the given timestamp, else the host's
//   clock at the call. Call order is exactly as listed; nothing else is
//   called (no wasi:otel call unless listed, never `outerSpanContext`
//   unless listed).
//
// observe-all
//   Every tracer function and option. Calls, in this order:
//   1. S1 = start('options-none', none)
//      S1.span-context() -> C1; S1.is-recording() -> R1   (kept for step 3)
//      S2 = start('options-none-child', none); S2.end(none), drop
//      S1.end(none), drop
//   2. one sibling span per kind, each ended before the next starts:
//      S3..S7 = start('kind-<kind>', { new-root: false, span-kind: <kind>,
//               attributes: none, links: none, timestamp: none }), end(none),
//               drop, for <kind> = client, server, producer, consumer,
//               internal (S3 = kind-client ... S7 = kind-internal)
//   3. S8 = start('all-options', { new-root: false, span-kind: producer,
//        timestamp: T_START,
//        attributes (in this order):
//          attr.string=string('hello')      attr.bool=bool(true)
//          attr.float64=float64(3.5)        attr.s64=s64(42)
//          attr.s64_big=s64(BIG)            attr.s64_negative=s64(-BIG)
//          attr.string_array=string-array(['a','b'])
//          attr.bool_array=bool-array([true,false])
//          attr.float64_array=float64-array([1.5,-2.5])
//          attr.s64_array=s64-array([1,-2,BIG])
//        links: [ L1 = { span-context { trace-id
//                   '0af7651916cd43dd8448eb211c80319c', span-id
//                   'b7ad6b7169203331', trace-flags { sampled },
//                   is-remote: true, trace-state
//                   [('vendor','value1'),('other','v2')] },
//                 attributes link.reason=string('retry'),
//                            link.index=s64(1) } ] })
//      S8.set-attributes([ k=string('first'),
//          options-none.trace-id=string(C1.trace-id),
//          options-none.span-id=string(C1.span-id),
//          options-none.sampled=bool(C1.trace-flags has sampled),
//          options-none.is-remote=bool(C1.is-remote),
//          options-none.trace-state=string-array(C1.trace-state as
//                                                'key=value' entries),
//          options-none.is-recording=bool(R1) ])
//      S8.set-attributes([ k=string('second') ])     (k: last one wins)
//      S8.add-event('event-bare', none, none)
//      S8.add-event('event-timed', T_EVENT, none)
//      S8.add-event('event-attributes', none, [event.index=s64(3)])
//      S8.add-event('event-full', T_EVENT,
//                   [event.index=s64(4), event.ok=bool(true)])
//      S8.add-link(L2 = { span-context { trace-id
//                   '0af7651916cd43dd8448eb211c80319c', span-id
//                   '00f067aa0ba902b7', trace-flags {} (not sampled),
//                   is-remote: true, trace-state [] },
//                 attributes link.reason=string('follow-up') })
//      S8.set-status(unset); S8.set-status(ok);
//      S8.set-status(error('ignored: ok is final'))
//      S8.update-name('all-options-renamed')
//      S8.end(T_END), drop
//   4. S9 = start('error-status', none); S9.set-status(error('boom'));
//      S9.end(none), drop
//   5. S10 = start('observe-new-root', { new-root: true, span-kind: none,
//        attributes: none, links: none, timestamp: none }); end(none), drop
//   Expected spans (10):
//     options-none        parent H, internal, no attributes
//     options-none-child  parent options-none
//     kind-client, kind-server, kind-producer, kind-consumer,
//       kind-internal     parent H, kind as named
//     all-options-renamed (started as all-options) parent H, producer,
//       start T_START, end T_END, attributes: the 10 start attributes,
//       then k='second' and the 6 options-none.* values (C1 and R1 are the
//       ids/flags/trace state of options-none and true for a sampled
//       trace), events in order event-bare (host clock, no attributes),
//       event-timed (T_EVENT), event-attributes (host clock,
//       event.index=3), event-full (T_EVENT, event.index=4, event.ok=true),
//       links L1 then L2, status ok
//     error-status        parent H, status error 'boom'
//     observe-new-root    a new trace, no parent
//
// observe-in-otel
//   An observe span between two guest (otel) spans. Calls, in this order:
//     outerSpanContext()
//     onStart  otel-outer #1  parent H.spanId (a normal tiny-tracer span)
//     S1 = start('observe-middle', none)   (otel-outer is open: the host
//                                           makes S1 its child)
//     S1.span-context() -> C
//     onStart  otel-inner #2  parent = C: traceId C.traceId, parentSpanId
//              C.spanId, traceFlags { sampled: C has sampled }, traceState
//              a copy of C.traceState (if C.traceId is invalid: the root
//              fallback of the common rules)
//     onEnd    otel-inner #2
//     S1.end(none), drop
//     onEnd    otel-outer #1
//   Expected tree: H -> otel-outer #1 -> observe-middle -> otel-inner #2.
//
// otel-in-observe
//   A guest (otel) span between two observe spans. Calls, in this order:
//     S1 = start('observe-outer', none)    (parent H)
//     S1.span-context() -> C
//     onStart  otel-middle #1  parent = C (as otel-inner above; no
//              outerSpanContext call)
//     S2 = start('observe-inner', none)    (otel-middle is open: the host
//                                           makes S2 its child)
//     S2.end(none), drop
//     onEnd    otel-middle #1
//     S1.end(none), drop
//   Expected tree: H -> observe-outer -> otel-middle #1 -> observe-inner.
//
// observe-dropped
//   Calls, in this order:
//     S1 = start('dropped-unended', none); drop S1   (never ended: the host
//                                      ends it at the drop, as end(none))
//     S2 = start('early-parent', none)
//     S3 = start('late-child', none)    (child of early-parent)
//     S2.end(none), drop                (the parent ends first)
//     S3.end(none), drop                (the child ends after its parent)
//   Expected spans (3): dropped-unended (parent H, ended at the drop),
//   early-parent (parent H), late-child (parent early-parent, ends after
//   early-parent).
//
// observe-after-end
//   Calls, in this order:
//     S1 = start('ended-span', none)
//     S1.end(none)
//     then every method again, on the ended span (the host ignores each
//     and counts it): S1.set-attributes([after.end=bool(true)]),
//     S1.add-event('after-end', none, none), S1.add-link(L2 above),
//     S1.set-status(error('after end')), S1.update-name('renamed-after-end'),
//     S1.end(none)   (6 calls after the end)
//     drop S1
//   Expected span (1): ended-span, parent H, as it was at the first end (no
//   attributes, events or links, status unset, that end time).
//
// logging-levels
//   Calls, in this order:
//     S1 = start('logging-span', none)
//     log(trace,    'ctx.trace',    'trace message')
//     log(debug,    'ctx.debug',    'debug message')
//     log(info,     '',             'info message')     (empty context)
//     log(warn,     'ctx.warn',     'warn message')
//     log(error,    'ctx.error',    'error message')
//     log(critical, 'ctx.critical', 'critical message')
//     S1.end(none), drop
//   Expected: span logging-span (parent H) and 6 logs, all while
//   logging-span is open (so in its trace and span if the host correlates).
//
// observe-trap
//   S1 = start('trap-outer', none); S2 = start('trap-inner', none) (child of
//   trap-outer); then throws Error('deliberate trap in scenario
//   "observe-trap"') like `trap`: the call traps (wasm `unreachable`), both
//   spans are left open and their handles are never dropped or ended by the
//   guest; the instance is unusable afterwards.
// ===========================================================================

import {
  onStart,
  onEnd,
  outerSpanContext,
} from 'wasi:otel/tracing@0.2.0-rc.2';
import { onEmit } from 'wasi:otel/logs@0.2.0-rc.2';
import { export as exportMetrics } from 'wasi:otel/metrics@0.2.0-rc.2';
import { getArguments } from 'wasi:cli/environment@0.2.10';
import { exit } from 'wasi:cli/exit@0.2.10';
import { start as startObserveSpan } from 'wasi:observe/tracer';
import { log } from 'wasi:logging/logging';

// ---------------------------------------------------------------------------
// Tiny guest-side tracer
// ---------------------------------------------------------------------------

const SCOPE = {
  name: 'wasm-otel-scenarios',
  version: '1.0.0',
  schemaUrl: undefined,
  attributes: [],
};
const FALLBACK_TRACE_ID = 'a0000000000000000000000000000001';
const NEW_ROOT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

let spanCounter = 0;
/** Guest spans that were started and not yet ended, oldest first. */
const openSpans = [];

function nextSpanId() {
  spanCounter += 1;
  return 'a' + spanCounter.toString(16).padStart(15, '0');
}

function now() {
  const ms = Date.now();
  return {
    seconds: BigInt(Math.floor(ms / 1000)),
    nanoseconds: (ms % 1000) * 1_000_000,
  };
}

function isValidTraceId(id) {
  return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id);
}

/** JSON text for an attribute value (rc.2 `value`); bytes become a data URI. */
function jsonValue(v) {
  if (v instanceof Uint8Array) {
    let bin = '';
    for (const b of v) bin += String.fromCharCode(b);
    return JSON.stringify('data:application/octet-stream;base64,' + btoa(bin));
  }
  return JSON.stringify(v);
}

function toKeyValues(attrs) {
  // Deliberately keeps duplicates and order: a naive guest SDK.
  return attrs.map(([key, value]) => ({ key, value: jsonValue(value) }));
}

class Span {
  constructor(name, opts = {}) {
    let traceId;
    let parentSpanId;
    let traceFlags;
    let traceState;
    if (opts.traceId !== undefined) {
      // Explicit new root.
      traceId = opts.traceId;
      parentSpanId = '';
      traceFlags = { sampled: true };
      traceState = [];
    } else {
      // An explicit parent (a wasi:observe span's context) wins over the
      // guest's own open spans and the host's outer context.
      const parent =
        opts.parent ??
        (openSpans.length > 0
          ? openSpans[openSpans.length - 1].spanContext
          : outerSpanContext());
      if (isValidTraceId(parent.traceId)) {
        traceId = parent.traceId;
        parentSpanId = parent.spanId;
        traceFlags = { sampled: parent.traceFlags.sampled === true };
        traceState = parent.traceState.map(([k, v]) => [k, v]);
      } else {
        traceId = FALLBACK_TRACE_ID;
        parentSpanId = '';
        traceFlags = { sampled: true };
        traceState = [];
      }
    }
    if (opts.traceState !== undefined) traceState = opts.traceState;

    this.name = name;
    this.spanContext = {
      traceId,
      spanId: nextSpanId(),
      traceFlags,
      isRemote: false,
      traceState,
    };
    this.parentSpanId = parentSpanId;
    this.kind = opts.kind ?? 'internal';
    this.startTime = now();
    this.attributes = [];
    this.events = [];
    this.links = [];
    this.status = { tag: 'unset' };

    openSpans.push(this);
    onStart(this.spanContext);
  }

  setAttribute(key, value) {
    this.attributes.push([key, value]);
    return this;
  }

  addEvent(name, attrs = [], time = now()) {
    this.events.push({ name, time, attributes: toKeyValues(attrs) });
    return this;
  }

  addLink(spanContext, attrs = []) {
    this.links.push({ spanContext, attributes: toKeyValues(attrs) });
    return this;
  }

  setStatus(status) {
    this.status = status;
    return this;
  }

  /** Drop the span from the guest's context without reporting its end. */
  forget() {
    const i = openSpans.indexOf(this);
    if (i >= 0) openSpans.splice(i, 1);
  }

  end() {
    this.forget();
    onEnd({
      spanContext: this.spanContext,
      parentSpanId: this.parentSpanId,
      spanKind: this.kind,
      name: this.name,
      startTime: this.startTime,
      endTime: now(),
      attributes: toKeyValues(this.attributes),
      events: this.events,
      links: this.links,
      status: this.status,
      instrumentationScope: SCOPE,
      droppedAttributes: 0,
      droppedEvents: 0,
      droppedLinks: 0,
    });
  }
}

function startSpan(name, opts) {
  return new Span(name, opts);
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

export function nestedSpans() {
  const outer = startSpan('outer')
    .setAttribute('level', 1)
    .setAttribute('demo', 'nested-spans');
  const middle = startSpan('middle').setAttribute('level', 2);
  const inner = startSpan('inner')
    .setAttribute('level', 3)
    .setAttribute('work.items', 3);
  inner.addEvent('work-done', [['result', 'success']]);
  inner.end();
  middle.end();
  outer.setStatus({ tag: 'ok' });
  outer.end();
}

export const run = {
  run() {
    nestedSpans();
    metricsAndLogs();
  },
};

export function attributes() {
  const span = startSpan('attributes');
  span
    .setAttribute('k', 'first')
    .setAttribute('attr.string', 'hello')
    .setAttribute('attr.bool', true)
    .setAttribute('attr.int', 42)
    .setAttribute('attr.double', 3.5)
    .setAttribute('attr.string_array', ['a', 'b'])
    .setAttribute('attr.int_array', [1, 2, 3])
    .setAttribute('attr.double_array', [1.5, 2.5])
    .setAttribute('attr.bool_array', [true, false])
    .setAttribute('attr.bytes', new Uint8Array([0x01, 0x02, 0x03, 0xff]))
    .setAttribute('k', 'second');
  span.end();
}

export function events() {
  const span = startSpan('events');
  span.addEvent('first', [['index', 1]]);
  span.addEvent(
    'second',
    [
      ['index', 2],
      ['explicit', true],
    ],
    { seconds: 1700000000n, nanoseconds: 123456789 },
  );
  span.addEvent('third', [['index', 3]]);
  span.end();
}

export function links() {
  const span = startSpan('links');
  span.addLink(
    {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: { sampled: true },
      isRemote: true,
      traceState: [],
    },
    [['link.reason', 'retry']],
  );
  span.end();
}

export function spanKinds() {
  for (const kind of ['client', 'server', 'producer', 'consumer', 'internal']) {
    startSpan(kind, { kind }).end();
  }
}

export function statuses() {
  startSpan('ok-span').setStatus({ tag: 'ok' }).end();
  startSpan('error-span').setStatus({ tag: 'error', val: 'boom' }).end();
  startSpan('unset-span').end();
}

export function newRoot() {
  startSpan('new-root', { traceId: NEW_ROOT_TRACE_ID }).end();
}

export function neverEnded() {
  startSpan('never-ended').forget();
}

export function outlivesParent() {
  const parent = startSpan('parent');
  const child = startSpan('child');
  parent.end();
  child.end();
}

export function traceState() {
  startSpan('trace-state', {
    traceState: [
      ['vendor', 'value1'],
      ['other', 'v2'],
    ],
  }).end();
}

export function trap() {
  startSpan('doomed-outer');
  startSpan('doomed-inner');
  throw new Error('deliberate trap in scenario "trap"');
}

export function echoArgs() {
  startSpan('echo-args').setAttribute('guest.args', getArguments()).end();
}

export function exitWithError() {
  startSpan('exiting');
  exit({ tag: 'err', val: undefined });
}

// ---------------------------------------------------------------------------
// metrics-and-logs: fixed values, as a guest SDK's log processor and
// cumulative metric reader would send them
// ---------------------------------------------------------------------------

const RESOURCE = {
  attributes: toKeyValues([['service.name', 'scenarios-guest']]),
  schemaUrl: undefined,
};
const LOGGER_SCOPE = {
  name: 'scenarios-logger',
  version: '1.0.0',
  schemaUrl: undefined,
  attributes: [],
};
const METER_SCOPE = {
  name: 'scenarios-meter',
  version: '1.0.0',
  schemaUrl: undefined,
  attributes: [],
};
const METRICS_START = { seconds: 1700000000n, nanoseconds: 0 };
const METRICS_TIME = { seconds: 1700000010n, nanoseconds: 0 };
/** The OpenTelemetry SDKs' default explicit histogram bounds. */
const DEFAULT_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/** One explicit-bucket histogram point over `values` (bucket i = (bounds[i-1], bounds[i]]). */
function histogramPoint(attrs, values, bounds = DEFAULT_BOUNDS) {
  const counts = new BigUint64Array(bounds.length + 1);
  for (const v of values) {
    let i = bounds.findIndex((b) => v <= b);
    if (i < 0) i = bounds.length;
    counts[i] += 1n;
  }
  return {
    attributes: toKeyValues(attrs),
    count: BigInt(values.length),
    bounds: Float64Array.from(bounds),
    bucketCounts: counts,
    min: { tag: 'f64', val: Math.min(...values) },
    max: { tag: 'f64', val: Math.max(...values) },
    sum: { tag: 'f64', val: values.reduce((a, b) => a + b, 0) },
    exemplars: [],
  };
}

function emitLog(span) {
  onEmit({
    timestamp: { seconds: 1700000005n, nanoseconds: 0 },
    observedTimestamp: { seconds: 1700000005n, nanoseconds: 500 },
    severityText: 'INFO',
    severityNumber: 9,
    body: jsonValue('order placed'),
    attributes: toKeyValues([
      ['order.id', 'A-1001'],
      ['items', 3],
    ]),
    eventName: undefined,
    resource: RESOURCE,
    instrumentationScope: LOGGER_SCOPE,
    traceId: span.spanContext.traceId,
    spanId: span.spanContext.spanId,
    traceFlags: { sampled: span.spanContext.traceFlags.sampled },
  });
}

function collectMetrics() {
  const sum = (attrs, value, isMonotonic) => ({
    dataPoints: [{ attributes: toKeyValues(attrs), value, exemplars: [] }],
    startTime: METRICS_START,
    time: METRICS_TIME,
    temporality: 'cumulative',
    isMonotonic,
  });
  return {
    resource: RESOURCE,
    scopeMetrics: [
      {
        scope: METER_SCOPE,
        metrics: [
          {
            name: 'requests',
            description: 'Requests handled',
            unit: '{request}',
            data: {
              tag: 'u64-sum',
              val: sum([['route', '/checkout']], { tag: 'u64', val: 10n }, true),
            },
          },
          {
            name: 'queue.depth',
            description: 'Items waiting',
            unit: '{item}',
            data: {
              tag: 's64-sum',
              val: sum([['queue', 'orders']], { tag: 's64', val: -5n }, false),
            },
          },
          {
            name: 'request.duration',
            description: 'Request duration',
            unit: 'ms',
            data: {
              tag: 'f64-histogram',
              val: {
                dataPoints: [histogramPoint([['route', '/checkout']], [10, 23])],
                startTime: METRICS_START,
                time: METRICS_TIME,
                temporality: 'cumulative',
              },
            },
          },
          {
            name: 'temperature',
            description: 'Room temperature',
            unit: 'Cel',
            data: {
              tag: 'f64-gauge',
              val: {
                dataPoints: [
                  {
                    attributes: toKeyValues([['room', 'lab']]),
                    value: { tag: 'f64', val: 15 },
                    exemplars: [],
                  },
                ],
                startTime: undefined,
                time: METRICS_TIME,
              },
            },
          },
        ],
      },
    ],
  };
}

export function metricsAndLogs() {
  const span = startSpan('checkout');
  emitLog(span);
  span.end();
  try {
    exportMetrics(collectMetrics());
  } catch {
    // The host refused the batch (`result::err`): an SDK's reader reports
    // that and carries on; the guest must not trap.
  }
}

// ---------------------------------------------------------------------------
// wasi:observe: spans the host owns (resource `span`), and wasi:logging
// ---------------------------------------------------------------------------

const OBSERVE_START = { seconds: 1700000000n, nanoseconds: 500000000 };
const OBSERVE_EVENT = { seconds: 1700000001n, nanoseconds: 250000000 };
const OBSERVE_END = { seconds: 1700000002n, nanoseconds: 750000000 };
const REMOTE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
/** 2^53 + 1: not representable as a JS number, so it must travel as a bigint. */
const S64_BIG = 9007199254740993n;
const S64_NEGATIVE = -9007199254740993n;

const kv = (key, tag, val) => ({ key, value: { tag, val } });

/** One attribute of every `value` variant (the start attributes of `all-options`). */
function everyValueVariant() {
  return [
    kv('attr.string', 'string', 'hello'),
    kv('attr.bool', 'bool', true),
    kv('attr.float64', 'float64', 3.5),
    kv('attr.s64', 's64', 42n),
    kv('attr.s64_big', 's64', S64_BIG),
    kv('attr.s64_negative', 's64', S64_NEGATIVE),
    kv('attr.string_array', 'string-array', ['a', 'b']),
    kv('attr.bool_array', 'bool-array', [true, false]),
    kv('attr.float64_array', 'float64-array', Float64Array.from([1.5, -2.5])),
    kv('attr.s64_array', 's64-array', BigInt64Array.from([1n, -2n, S64_BIG])),
  ];
}

const START_LINK = {
  spanContext: {
    traceId: REMOTE_TRACE_ID,
    spanId: 'b7ad6b7169203331',
    traceFlags: { sampled: true },
    isRemote: true,
    traceState: [
      ['vendor', 'value1'],
      ['other', 'v2'],
    ],
  },
  attributes: [kv('link.reason', 'string', 'retry'), kv('link.index', 's64', 1n)],
};
const ADDED_LINK = {
  spanContext: {
    traceId: REMOTE_TRACE_ID,
    spanId: '00f067aa0ba902b7',
    traceFlags: { sampled: false },
    isRemote: true,
    traceState: [],
  },
  attributes: [kv('link.reason', 'string', 'follow-up')],
};

/** start-options with only `newRoot` and `spanKind` given. */
const kindOnly = (spanKind) => ({
  newRoot: false,
  spanKind,
  attributes: undefined,
  links: undefined,
  timestamp: undefined,
});

/** Drops the guest's handle of a wasi:observe span (the canonical resource.drop). */
function drop(span) {
  span[Symbol.dispose]();
}

/** end(none), then drop: how every observe span below is finished unless said otherwise. */
function endAndDrop(span) {
  span.end(undefined);
  drop(span);
}

export function observeAll() {
  // 1. options none; its context and is-recording are read while it is open.
  const none = startObserveSpan('options-none', undefined);
  const noneContext = none.spanContext();
  const noneRecording = none.isRecording();
  endAndDrop(startObserveSpan('options-none-child', undefined));
  endAndDrop(none);

  // 2. every span kind, one sibling span each.
  for (const kind of ['client', 'server', 'producer', 'consumer', 'internal']) {
    endAndDrop(startObserveSpan(`kind-${kind}`, kindOnly(kind)));
  }

  // 3. every start option, then every method.
  const all = startObserveSpan('all-options', {
    newRoot: false,
    spanKind: 'producer',
    attributes: everyValueVariant(),
    links: [START_LINK],
    timestamp: OBSERVE_START,
  });
  all.setAttributes([
    kv('k', 'string', 'first'),
    kv('options-none.trace-id', 'string', noneContext.traceId),
    kv('options-none.span-id', 'string', noneContext.spanId),
    kv('options-none.sampled', 'bool', noneContext.traceFlags.sampled === true),
    kv('options-none.is-remote', 'bool', noneContext.isRemote),
    kv('options-none.trace-state', 'string-array', noneContext.traceState.map(([k, v]) => `${k}=${v}`)),
    kv('options-none.is-recording', 'bool', noneRecording),
  ]);
  all.setAttributes([kv('k', 'string', 'second')]);
  all.addEvent('event-bare', undefined, undefined);
  all.addEvent('event-timed', OBSERVE_EVENT, undefined);
  all.addEvent('event-attributes', undefined, [kv('event.index', 's64', 3n)]);
  all.addEvent('event-full', OBSERVE_EVENT, [kv('event.index', 's64', 4n), kv('event.ok', 'bool', true)]);
  all.addLink(ADDED_LINK);
  all.setStatus({ tag: 'unset' });
  all.setStatus({ tag: 'ok' });
  all.setStatus({ tag: 'error', val: 'ignored: ok is final' });
  all.updateName('all-options-renamed');
  all.end(OBSERVE_END);
  drop(all);

  // 4. an error status.
  const failed = startObserveSpan('error-status', undefined);
  failed.setStatus({ tag: 'error', val: 'boom' });
  endAndDrop(failed);

  // 5. a new trace.
  endAndDrop(
    startObserveSpan('observe-new-root', {
      newRoot: true,
      spanKind: undefined,
      attributes: undefined,
      links: undefined,
      timestamp: undefined,
    }),
  );
}

export function observeInOtel() {
  const outer = startSpan('otel-outer');
  const middle = startObserveSpan('observe-middle', undefined);
  startSpan('otel-inner', { parent: middle.spanContext() }).end();
  endAndDrop(middle);
  outer.end();
}

export function otelInObserve() {
  const outer = startObserveSpan('observe-outer', undefined);
  const middle = startSpan('otel-middle', { parent: outer.spanContext() });
  endAndDrop(startObserveSpan('observe-inner', undefined));
  middle.end();
  endAndDrop(outer);
}

export function observeDropped() {
  drop(startObserveSpan('dropped-unended', undefined));
  const parent = startObserveSpan('early-parent', undefined);
  const child = startObserveSpan('late-child', undefined);
  endAndDrop(parent);
  endAndDrop(child);
}

export function observeAfterEnd() {
  const span = startObserveSpan('ended-span', undefined);
  span.end(undefined);
  span.setAttributes([kv('after.end', 'bool', true)]);
  span.addEvent('after-end', undefined, undefined);
  span.addLink(ADDED_LINK);
  span.setStatus({ tag: 'error', val: 'after end' });
  span.updateName('renamed-after-end');
  span.end(undefined);
  drop(span);
}

export function loggingLevels() {
  const span = startObserveSpan('logging-span', undefined);
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'critical']) {
    log(level, level === 'info' ? '' : `ctx.${level}`, `${level} message`);
  }
  endAndDrop(span);
}

export function observeTrap() {
  startObserveSpan('trap-outer', undefined);
  startObserveSpan('trap-inner', undefined);
  throw new Error('deliberate trap in scenario "observe-trap"');
}
