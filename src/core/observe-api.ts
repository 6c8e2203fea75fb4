import type { Attributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AttributeBuilder, emitLog, type GuestInstruments, type InstanceSpanState, type LogPipeline, type ProblemCounter, type ScopeCache } from '../engine/index.js';
import type { GuestMemory } from './guest-memory.js';
import { parseStatsd, type StatsdMetric } from './statsd.js';
import { parseTags } from './tags.js';

/** Instrumentation scope of what `dylibso:observe/api` reports (spans, metrics, logs). */
export const API_SCOPE = 'dylibso:observe/api';
/** Tag of spans opened by `span-enter` in the engine (function spans carry their index). */
export const MANUAL_SPAN = 'manual';
/** Name of a span whose name could not be read from guest memory. */
export const UNREADABLE_SPAN_NAME = 'unnamed span';
/** The `metric` format of statsd lines (the only one defined). */
const STATSD_FORMAT = 1;

/** `log` levels 1-5: error, warn, info, debug, trace. */
const LEVELS: readonly (readonly [string, SeverityNumber])[] = [
  ['ERROR', SeverityNumber.ERROR],
  ['WARN', SeverityNumber.WARN],
  ['INFO', SeverityNumber.INFO],
  ['DEBUG', SeverityNumber.DEBUG],
  ['TRACE', SeverityNumber.TRACE],
];

/** What the `dylibso:observe/api` functions of one instance report into. */
export interface ObserveApiContext {
  state: InstanceSpanState;
  memory: GuestMemory;
  problems: ProblemCounter;
  instruments: GuestInstruments;
  logs: LogPipeline;
  scopes: ScopeCache;
}

/** The functions of `dylibso:observe/api`, by import name (i32 arguments). Never throw. */
export type ObserveApiFunctions = Record<'span-enter' | 'span-exit' | 'span-tags' | 'metric' | 'log', (...args: number[]) => void>;

export function createObserveApi(cx: ObserveApiContext): ObserveApiFunctions {
  const { state, memory, problems } = cx;
  const read = (what: string, ptr: number, len: number): string | undefined => {
    const text = memory.readString(ptr, len);
    const cut = memory.takeCut();
    if (cut > 0) {
      problems.report('record_too_large', `${what}: a string of ${cut.toLocaleString('en-US')} bytes, over the budget of ${memory.maxBytes.toLocaleString('en-US')} (WASM_OTEL_MAX_RECORD_BYTES): cut`);
    }
    if (typeof text === 'string') return text;
    problems.report(text.error.includes('UTF-8') ? 'invalid_utf8' : 'invalid_memory_access', `${what}: ${text.error}`);
    return undefined;
  };
  return {
    'span-enter': guarded(problems, 'span-enter', (ptr: number, len: number) => {
      const name = read('span-enter', ptr, len) ?? UNREADABLE_SPAN_NAME;
      state.startManagedSpan({ name, scope: API_SCOPE, tag: MANUAL_SPAN, reparentsChildren: true });
    }),
    'span-exit': guarded(problems, 'span-exit', () => {
      if (!state.endInnermost(MANUAL_SPAN)) problems.report('span_end_without_start', 'span-exit with no span open (from span-enter); ignored');
    }),
    'span-tags': guarded(problems, 'span-tags', (ptr: number, len: number) => {
      const text = read('span-tags', ptr, len);
      if (text === undefined) return;
      const open = state.findOpen((tag) => tag === MANUAL_SPAN);
      if (!open) {
        problems.report('invalid_argument', `span-tags ${JSON.stringify(text)} with no span open (from span-enter); ignored`);
        return;
      }
      state.setAttributes(open.spanId, parseTags(text));
    }),
    metric: guarded(problems, 'metric', (format: number, ptr: number, len: number) => {
      if (format !== STATSD_FORMAT) {
        problems.report('invalid_metric', `metric format ${format} is unknown (1, statsd, is the only one); ignored`);
        return;
      }
      const text = read('metric', ptr, len);
      if (text === undefined) return;
      const { metrics, errors } = parseStatsd(text);
      for (const error of errors) problems.report('invalid_metric', `statsd: ${error}`);
      for (const metric of metrics) recordStatsd(cx.instruments, metric);
    }),
    log: guarded(problems, 'log', (level: number, ptr: number, len: number) => {
      if (!cx.logs.enabled) return;
      const message = read('log', ptr, len);
      if (message === undefined) return;
      const severity = LEVELS[level - 1];
      if (!severity) problems.report('invalid_severity', `log level ${level} is not 1-5 (error, warn, info, debug, trace); the record has no severity`);
      emitLog(
        cx.logs,
        {
          timestamp: state.now(),
          observedTimestamp: undefined,
          severityText: severity?.[0],
          severityNumber: severity?.[1],
          body: message,
          attributes: NO_LOG_ATTRIBUTES,
          eventName: undefined,
          resource: undefined,
          scope: API_SCOPE_REPORT,
          spanContext: undefined,
        },
        state.currentSpanContext(),
        problems,
        cx.scopes,
      );
    }),
  };
}

const NO_LOG_ATTRIBUTES = new AttributeBuilder(0, 0);
const API_SCOPE_REPORT = { name: API_SCOPE, version: undefined, schemaUrl: undefined, attributes: NO_LOG_ATTRIBUTES };

/** statsd into host instruments: timers are histograms in ms; counters are scaled by 1/rate. */
function recordStatsd(instruments: GuestInstruments, metric: StatsdMetric): void {
  const attributes: Attributes = {};
  for (const [key, value] of metric.tags) attributes[key] = value;
  const kind = metric.kind === 'timer' ? 'histogram' : metric.kind;
  instruments.record({
    name: metric.name,
    kind,
    unit: metric.kind === 'timer' ? 'ms' : undefined,
    value: metric.kind === 'counter' ? metric.value / metric.sampleRate : metric.value,
    delta: metric.delta,
    member: metric.member,
    attributes,
  });
}

/** A host import that reports instead of throwing into the guest. */
function guarded<A extends number[]>(problems: ProblemCounter, name: string, body: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      body(...args);
    } catch (error) {
      problems.hostError(name, error);
    }
  };
}
