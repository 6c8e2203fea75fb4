/**
 * wasm-otel's library API: host WebAssembly components and core modules in Node with OpenTelemetry.
 *
 * ```ts
 * const host = createHost({ tracerProvider });
 * const component = await host.load('app.wasm');
 * const instance = await component.instantiate();
 * await instance.call('handle');
 * ```
 */
export { createHost, type HostOptions, type LoadOptions, type WasmOtelHost } from './host/create-host.js';
export { LoadedComponent, type InstantiateOptions, type ServeOptions } from './host/loaded-component.js';
export type { ComponentRequestHandler, HttpLimits } from './http/request-handler.js';
export { DEFAULT_HTTP_LIMITS } from './http/request-handler.js';
export type { ComponentServer, ListenAddress } from './http/server.js';
export { serveFile, type ThreadedServeOptions } from './host/serve-file.js';
export { createThreadedRequestHandler } from './http/threads/threaded-request-handler.js';
export { GuestInstance, type CallOptions } from './host/guest-instance.js';
export { LoadedModule } from './host/loaded-module.js';
export { ModuleInstance } from './host/module-instance.js';
export { ModuleTelemetry } from './host/module-telemetry.js';
export type { CoreModuleInfo, FunctionImport } from './core/module-info.js';
export type { ObserveUsage } from './core/observe-imports.js';
export { DEFAULT_MIN_SPAN_MICROS } from './host/min-span.js';
export { WasmOtelError, type WasmOtelErrorCode } from './host/errors.js';
export { HOST_SPAN_ATTRIBUTES } from './telemetry/host-span-attributes.js';
export { runFile, type RunFileOptions, type RunOutcome } from './host/run-file.js';
export { instrumentModule, InstrumentError, type InstrumentErrorCode, type InstrumentResult } from './runtime/instrument/instrument-module.js';
export { DEFAULT_INSTRUMENT_OPTIONS, ENABLED_GLOBAL, type InstrumentOptions } from './runtime/instrument/instrument-options.js';
export { runInWorker, type WorkerRun, type WorkerRunOptions, type WorkerRunOutcome } from './host/worker/worker-run.js';
export { DeliveryLedger, type TelemetrySignal } from './telemetry/delivery-ledger.js';
export { DEFAULT_LIMITS, CLOSE_REASON_ATTRIBUTE, UNENDED_SPAN_NAME, ProblemCounter, type EngineLimits, type ProblemReason } from './engine/index.js';
export { ConsoleTreeExporter, formatTraceTree, type TextSink } from './telemetry/console-tree-exporter.js';
export type { TreeOptions } from './telemetry/trace-tree.js';
export { waterfallStyleFor, DEFAULT_WATERFALL_WIDTH, type WaterfallStyle, type TerminalLike } from './telemetry/waterfall-style.js';
export { ChromeTraceExporter, ChromeTraceSpanProcessor, type ChromeTraceOptions, type ChromeTraceSink, type ChromeTraceFailure } from './telemetry/chrome-trace-exporter.js';
export { CHROME_TRACE_ARGS } from './telemetry/chrome-trace-events.js';
export { telemetryFromEnv, type EnvTelemetry } from './telemetry/telemetry-from-env.js';
export { OtlpGuestMetricExporter } from './telemetry/otlp-metric-exporter.js';
export { ConsoleReport } from './telemetry/console-report.js';
export { formatMetricsSummary } from './telemetry/metrics-summary.js';
export { WASI_OTEL_SHAPES, SUPPORTED_OTEL_VERSIONS, type OtelShapeName } from './otel/shapes.js';
export type { GuestExemplar, GuestNumber, GuestPointExtras } from './engine/index.js';
export { VERSION } from './version.js';
export { writeHtmlView, TraceFileError } from './view/html-view.js';
export type { HtmlViewOptions } from './view/html-view.js';
