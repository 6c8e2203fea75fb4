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
//   guest span is open (never by `new-root`).
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
//   run returns ok (also when export fails).
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
      const parent =
        openSpans.length > 0
          ? openSpans[openSpans.length - 1].spanContext
          : outerSpanContext();
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
