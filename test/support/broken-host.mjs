#!/usr/bin/env node
/**
 * A deliberately broken host for the conformance runner's own tests: it runs a component with the
 * real wasm-otel library (built dist/), exporting over OTLP/HTTP protobuf to
 * OTEL_EXPORTER_OTLP_ENDPOINT like `wasm-otel run`, but damages what it exports:
 *
 *   drop-events  every span is exported without its events
 *   reparent     every guest span whose parent is not the host's span becomes a child of the
 *                host's span (the call's span, scope "wasm-otel") of its trace
 *   drop-logs    no log record is exported
 *
 * Usage: node broken-host.mjs <mode> [--invoke <call>] <component.wasm>
 * (as a conformance host: --host "node broken-host.mjs drop-events --invoke {invoke} {component}")
 *
 * The spans are held until the run is over (so that reparent knows every host span), then damaged
 * and exported; the exit code is the run's, as wasm-otel's.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OtlpGuestMetricExporter, createHost, runFile } from '../../dist/index.js';

const MODES = ['drop-events', 'reparent', 'drop-logs'];
const HOST_SCOPE = 'wasm-otel';

const [mode, ...rest] = process.argv.slice(2);
const invokeAt = rest.indexOf('--invoke');
const invoke = invokeAt >= 0 ? rest[invokeAt + 1] : undefined;
const file = rest.filter((_, i) => invokeAt < 0 || (i !== invokeAt && i !== invokeAt + 1))[0];
const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (!MODES.includes(mode) || file === undefined || endpoint === undefined) {
  process.stderr.write(`broken-host: usage: OTEL_EXPORTER_OTLP_ENDPOINT=<url> node broken-host.mjs <${MODES.join('|')}> [--invoke <call>] <component.wasm>\n`);
  process.exit(2);
}

/** A copy of a ReadableSpan with some fields replaced. */
function withChanges(span, changes) {
  const context = span.spanContext();
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => context,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes: span.attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    ...changes,
  };
}

/** Holds every ended span; at flush, damages them and hands them to `inner`. */
class DamagingSpanProcessor {
  ended = [];
  constructor(inner) {
    this.inner = inner;
  }
  onStart() {}
  onEnd(span) {
    this.ended.push(span);
  }
  async forceFlush() {
    const spans = this.ended.splice(0);
    const hostSpans = new Map();
    for (const span of spans) {
      if (span.instrumentationScope.name === HOST_SCOPE && span.parentSpanContext === undefined) hostSpans.set(span.spanContext().traceId, span.spanContext());
    }
    for (const span of spans) {
      let damaged = span;
      if (mode === 'drop-events') damaged = withChanges(span, { events: [] });
      if (mode === 'reparent' && span.instrumentationScope.name !== HOST_SCOPE && span.parentSpanContext !== undefined) {
        const host = hostSpans.get(span.spanContext().traceId);
        if (span.parentSpanContext.spanId !== host?.spanId) damaged = withChanges(span, { parentSpanContext: host });
      }
      this.inner.onEnd(damaged);
    }
    await this.inner.forceFlush();
  }
  async shutdown() {
    await this.forceFlush();
    await this.inner.shutdown();
  }
}

const resource = resourceFromAttributes({ 'service.name': 'broken-host' });
const spans = new DamagingSpanProcessor(new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` })));
const logs = new SimpleLogRecordProcessor(new OTLPLogExporter({ url: `${endpoint}/v1/logs` }));
const guestMetrics = new OtlpGuestMetricExporter('http/protobuf', { url: `${endpoint}/v1/metrics` });
const reader = new PeriodicExportingMetricReader({ exporter: new OtlpGuestMetricExporter('http/protobuf', { url: `${endpoint}/v1/metrics` }), exportIntervalMillis: 3_600_000 });
const meterProvider = new MeterProvider({ resource, readers: [reader] });
const host = createHost({
  spanProcessors: [spans],
  logRecordProcessors: mode === 'drop-logs' ? [] : [logs],
  metricExporters: [guestMetrics],
  meterProvider,
  resource,
});

const outcome = await runFile(host, { file, ...(invoke !== undefined ? { invoke } : {}) });
if (outcome.error) process.stderr.write(`broken-host: ${outcome.error.message}\n`);
await Promise.all([spans.forceFlush(), logs.forceFlush(), meterProvider.forceFlush(), guestMetrics.forceFlush()]);
process.exit(outcome.exitCode);
