import { expect } from 'vitest';
import { OtlpSpanKind, OtlpStatusCode, type OtlpSpan } from './otlp-receiver.js';
import { byName, childrenOf } from './span-tree.js';
import type { OtlpLog, OtlpMetric } from './otlp-signals.js';

/** Span ids the scenarios guest gives, per fresh instance: #n = 'a' + n in 15 hex digits. */
export const guestId = (n: number): string => `a${n.toString(16).padStart(15, '0')}`;

export const SCENARIOS_SCOPE = { name: 'wasm-otel-scenarios', version: '1.0.0', attributes: {} };
export const HOST_SCOPE_NAME = 'wasm-otel';
export const ALL_SCENARIOS = [
  'nested-spans',
  'attributes',
  'events',
  'links',
  'span-kinds',
  'statuses',
  'new-root',
  'never-ended',
  'outlives-parent',
  'trace-state',
] as const;

/** Guest clocks have millisecond resolution and a different origin: allow this much skew. */
const SKEW_NS = 5_000_000n;

/** How many spans each scenario exports, host span included. */
export const SPAN_COUNT: Record<string, number> = {
  'nested-spans': 4,
  attributes: 2,
  events: 2,
  links: 2,
  'span-kinds': 6,
  statuses: 4,
  'new-root': 2,
  'never-ended': 2,
  'outlives-parent': 3,
  'trace-state': 2,
  trap: 3,
  'metrics-and-logs': 2,
  run: 5,
};

/** The host span of a call into `component`: internal, root, the host's scope. */
export function hostSpanOf(spans: OtlpSpan[], component: string): OtlpSpan {
  const host = byName(spans, component);
  expect(host.kind).toBe(OtlpSpanKind.INTERNAL);
  expect(host.parentSpanId).toBe('');
  expect(host.scope.name).toBe(HOST_SCOPE_NAME);
  expect(host.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(host.spanId).toMatch(/^[0-9a-f]{16}$/);
  return host;
}

/** Checks what every guest span of the scenarios component shares. */
function common(span: OtlpSpan, host: OtlpSpan, id: number, parent: string): void {
  expect(span.spanId).toBe(guestId(id));
  expect(span.traceId).toBe(host.traceId);
  expect(span.parentSpanId).toBe(parent);
  expect(span.scope).toEqual(SCENARIOS_SCOPE);
  expect(span.startTimeUnixNano <= span.endTimeUnixNano).toBe(true);
  expect(span.startTimeUnixNano >= host.startTimeUnixNano - SKEW_NS).toBe(true);
  expect(span.endTimeUnixNano <= host.endTimeUnixNano + SKEW_NS).toBe(true);
  expect(span.droppedAttributesCount + span.droppedEventsCount + span.droppedLinksCount).toBe(0);
}

/** Asserts exactly what one scenario exported (spans of that call only). */
export function expectScenario(name: string, spans: OtlpSpan[], component = 'scenarios.wasm'): void {
  expect(spans).toHaveLength(SPAN_COUNT[name]!);
  const host = hostSpanOf(spans, component);
  switch (name) {
    case 'run':
    case 'nested-spans': {
      const outer = byName(spans, 'outer');
      const middle = byName(spans, 'middle');
      const inner = byName(spans, 'inner');
      common(outer, host, 1, host.spanId);
      common(middle, host, 2, outer.spanId);
      common(inner, host, 3, middle.spanId);
      expect(outer.attributes).toEqual({ level: 1n, demo: 'nested-spans' });
      expect(middle.attributes).toEqual({ level: 2n });
      expect(inner.attributes).toEqual({ level: 3n, 'work.items': 3n });
      expect(outer.status).toEqual({ code: OtlpStatusCode.OK, message: '' });
      expect(inner.events.map((e) => [e.name, e.attributes])).toEqual([['work-done', { result: 'success' }]]);
      expect(outer.startTimeUnixNano <= middle.startTimeUnixNano && middle.startTimeUnixNano <= inner.startTimeUnixNano).toBe(true);
      expect(inner.endTimeUnixNano <= middle.endTimeUnixNano && middle.endTimeUnixNano <= outer.endTimeUnixNano).toBe(true);
      expect(childrenOf(spans, host.spanId).map((s) => s.name)).toEqual(name === 'run' ? ['outer', 'checkout'] : ['outer']);
      if (name === 'run') common(byName(spans, 'checkout'), host, 4, host.spanId);
      break;
    }
    case 'attributes': {
      const span = byName(spans, 'attributes');
      common(span, host, 1, host.spanId);
      expect(span.attributes).toEqual({
        k: 'second',
        'attr.string': 'hello',
        'attr.bool': true,
        'attr.int': 42n,
        'attr.double': 3.5,
        'attr.string_array': ['a', 'b'],
        'attr.int_array': [1n, 2n, 3n],
        'attr.double_array': [1.5, 2.5],
        'attr.bool_array': [true, false],
        'attr.bytes': new Uint8Array([1, 2, 3, 255]),
      });
      expect(Object.keys(span.attributes)[0]).toBe('k');
      break;
    }
    case 'events': {
      const span = byName(spans, 'events');
      common(span, host, 1, host.spanId);
      expect(span.events.map((e) => e.name)).toEqual(['first', 'second', 'third']);
      expect(span.events[0]!.attributes).toEqual({ index: 1n });
      expect(span.events[1]).toEqual({ name: 'second', timeUnixNano: 1_700_000_000_123_456_789n, attributes: { index: 2n, explicit: true }, droppedAttributesCount: 0 });
      expect(span.events[2]!.attributes).toEqual({ index: 3n });
      for (const event of [span.events[0]!, span.events[2]!]) {
        expect(event.timeUnixNano >= span.startTimeUnixNano && event.timeUnixNano <= span.endTimeUnixNano).toBe(true);
      }
      break;
    }
    case 'links': {
      const span = byName(spans, 'links');
      common(span, host, 1, host.spanId);
      expect(span.links).toEqual([
        {
          traceId: '0af7651916cd43dd8448eb211c80319c',
          spanId: 'b7ad6b7169203331',
          traceState: '',
          attributes: { 'link.reason': 'retry' },
          droppedAttributesCount: 0,
          flags: 0x301, // sampled, has is_remote, is_remote
        },
      ]);
      break;
    }
    case 'span-kinds': {
      const kinds = { client: OtlpSpanKind.CLIENT, server: OtlpSpanKind.SERVER, producer: OtlpSpanKind.PRODUCER, consumer: OtlpSpanKind.CONSUMER, internal: OtlpSpanKind.INTERNAL };
      Object.entries(kinds).forEach(([kindName, kind], i) => {
        const span = byName(spans, kindName);
        common(span, host, i + 1, host.spanId);
        expect(span.kind).toBe(kind);
      });
      break;
    }
    case 'statuses': {
      common(byName(spans, 'ok-span'), host, 1, host.spanId);
      common(byName(spans, 'error-span'), host, 2, host.spanId);
      common(byName(spans, 'unset-span'), host, 3, host.spanId);
      expect(byName(spans, 'ok-span').status).toEqual({ code: OtlpStatusCode.OK, message: '' });
      expect(byName(spans, 'error-span').status).toEqual({ code: OtlpStatusCode.ERROR, message: 'boom' });
      expect(byName(spans, 'unset-span').status).toEqual({ code: OtlpStatusCode.UNSET, message: '' });
      break;
    }
    case 'new-root': {
      const span = byName(spans, 'new-root');
      expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(span.spanId).toBe(guestId(1));
      expect(span.parentSpanId).toBe('');
      expect(span.scope).toEqual(SCENARIOS_SCOPE);
      expect(host.traceId).not.toBe(span.traceId);
      break;
    }
    case 'never-ended': {
      const span = byName(spans, 'unended guest span');
      expect(span.spanId).toBe(guestId(1));
      expect(span.traceId).toBe(host.traceId);
      expect(span.parentSpanId).toBe(host.spanId);
      expect(span.attributes).toEqual({ 'wasm_otel.span.close_reason': 'exit' });
      expect(span.status).toEqual({ code: OtlpStatusCode.ERROR, message: 'span still open when the guest exited' });
      expect(span.endTimeUnixNano <= host.endTimeUnixNano).toBe(true);
      break;
    }
    case 'outlives-parent': {
      const parent = byName(spans, 'parent');
      const child = byName(spans, 'child');
      common(parent, host, 1, host.spanId);
      common(child, host, 2, parent.spanId);
      expect(child.endTimeUnixNano >= parent.endTimeUnixNano).toBe(true);
      break;
    }
    case 'trace-state': {
      const span = byName(spans, 'trace-state');
      common(span, host, 1, host.spanId);
      expect(span.traceState).toBe('vendor=value1,other=v2');
      break;
    }
    case 'trap': {
      const [outer, inner] = spans.filter((s) => s.name === 'unended guest span').sort((a, b) => a.spanId.localeCompare(b.spanId));
      expect(outer!.spanId).toBe(guestId(1));
      expect(inner!.spanId).toBe(guestId(2));
      expect(outer!.parentSpanId).toBe(host.spanId);
      expect(inner!.parentSpanId).toBe(outer!.spanId);
      for (const span of [outer!, inner!]) {
        expect(span.traceId).toBe(host.traceId);
        expect(span.attributes).toEqual({ 'wasm_otel.span.close_reason': 'trap' });
        expect(span.status.code).toBe(OtlpStatusCode.ERROR);
        expect(span.status.message).toMatch(/^span still open when the guest trapped: .*unreachable/);
      }
      expect(host.status.code).toBe(OtlpStatusCode.ERROR);
      expect(host.status.message).toMatch(/^guest trapped: .*unreachable/);
      expect(host.events.map((e) => e.name)).toEqual(['exception']);
      break;
    }
    case 'metrics-and-logs': {
      const checkout = byName(spans, 'checkout');
      common(checkout, host, 1, host.spanId);
      expect(checkout.attributes).toEqual({});
      break;
    }
    default:
      throw new Error(`no expectations for scenario ${name}`);
  }
  if (name !== 'trap') expect(host.status).toEqual({ code: OtlpStatusCode.OK, message: '' });
}

/** The scenario guest's resource and the times its metrics carry (see scenarios.js). */
const GUEST_RESOURCE = { 'service.name': 'scenarios-guest' };
const T0 = 1_700_000_000n * 1_000_000_000n;
const T1 = 1_700_000_010n * 1_000_000_000n;

/** Exactly the log record and metrics `metrics-and-logs` sends; the log belongs to `checkout`. */
export function expectScenarioTelemetry(logs: OtlpLog[], metrics: OtlpMetric[], checkout: OtlpSpan): void {
  expectScenarioLog(logs, checkout);
  expectScenarioMetrics(metrics);
}

/** Exactly the log record `metrics-and-logs` sends, belonging to `checkout`. */
export function expectScenarioLog(logs: OtlpLog[], checkout: OtlpSpan): void {
  expect(logs).toEqual([
    {
      resource: GUEST_RESOURCE,
      resourceSchemaUrl: '',
      scope: { name: 'scenarios-logger', version: '1.0.0', attributes: {} },
      scopeSchemaUrl: '',
      timeUnixNano: 1_700_000_005n * 1_000_000_000n,
      observedTimeUnixNano: 1_700_000_005n * 1_000_000_000n + 500n,
      severityNumber: 9,
      severityText: 'INFO',
      body: 'order placed',
      attributes: { 'order.id': 'A-1001', items: 3n },
      droppedAttributesCount: 0,
      flags: checkout.flags & 0xff,
      traceId: checkout.traceId,
      spanId: checkout.spanId,
      eventName: '',
    },
  ]);
}

/** Exactly the metrics `metrics-and-logs` sends. */
function expectScenarioMetrics(metrics: OtlpMetric[]): void {
  const base = { resource: GUEST_RESOURCE, resourceSchemaUrl: '', scope: { name: 'scenarios-meter', version: '1.0.0', attributes: {} }, scopeSchemaUrl: '' };
  const point = { startTimeUnixNano: T0, timeUnixNano: T1, exemplars: [] };
  expect(metrics).toEqual([
    {
      ...base,
      name: 'requests',
      description: 'Requests handled',
      unit: '{request}',
      type: 'sum',
      temporality: 2,
      isMonotonic: true,
      points: [{ ...point, attributes: { route: '/checkout' }, value: { asInt: 10n } }],
    },
    {
      ...base,
      name: 'queue.depth',
      description: 'Items waiting',
      unit: '{item}',
      type: 'sum',
      temporality: 2,
      isMonotonic: false,
      points: [{ ...point, attributes: { queue: 'orders' }, value: { asInt: -5n } }],
    },
    {
      ...base,
      name: 'request.duration',
      description: 'Request duration',
      unit: 'ms',
      type: 'histogram',
      temporality: 2,
      points: [
        {
          ...point,
          attributes: { route: '/checkout' },
          count: 2n,
          sum: 33,
          min: 10,
          max: 23,
          explicitBounds: [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000],
          bucketCounts: [0n, 0n, 1n, 1n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
        },
      ],
    },
    {
      ...base,
      name: 'temperature',
      description: 'Room temperature',
      unit: 'Cel',
      type: 'gauge',
      points: [{ ...point, startTimeUnixNano: 0n, attributes: { room: 'lab' }, value: { asDouble: 15 } }],
    },
  ]);
}
