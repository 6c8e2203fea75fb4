import { readFile, rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { diag, type MeterProvider, type TextMapPropagator, type TracerProvider } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { LoggerProvider as SdkLoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { InstanceRegistry, ProblemCounter, createHostCaches, type EngineLimits, type OpenSpanJournal } from '../engine/index.js';
import { defaultCacheDir } from '../runtime/cache-dir.js';
import { fsReason } from '../runtime/fs-reason.js';
import { fileIdentity, knownHash, rememberHash } from '../runtime/file-identity-index.js';
import { cachedTranspile, transpileComponent, type TranspiledComponent } from '../runtime/transpile.js';
import { wasmKind } from '../runtime/wasm-kind.js';
import type { InstrumentOptions } from '../runtime/instrument/instrument-options.js';
import { InstrumentError, instrumentOptionsProblem } from '../runtime/instrument/instrument-module.js';
import { WasmOtelError, oneLine } from './errors.js';
import { instrumentOptionsOf, instrumentedBytes, tellAbout } from './instrument-load.js';
import type { HostContext } from './host-context.js';
import { HostTelemetry } from './host-telemetry.js';
import { LoadedComponent } from './loaded-component.js';
import { LoadedModule } from './loaded-module.js';
import { minSpanMicrosFromEnv } from './min-span.js';
import { maxRecordBytesFromEnv } from './record-budget.js';

export interface HostOptions {
  /**
   * The app's tracer provider (an OTel JS SDK provider). Default: the global one
   * (`trace.getTracerProvider()`) as it is at each call, so a provider the app registers after
   * making the host (`NodeSDK.start()`, `NodeTracerProvider.register()`) is used, and a swapped
   * one followed; a call made while none is registered is said once (diag warning). A
   * ProxyTracerProvider given here is followed the same way. Guest spans go to its span
   * processors with their own ids.
   */
  tracerProvider?: TracerProvider;
  /** Instead of a provider: span processors (and optionally resource and sampler) to use. */
  spanProcessors?: SpanProcessor[];
  /** Resource of guest spans and log records that carry none of their own (with spanProcessors / logRecordProcessors). */
  resource?: Resource;
  sampler?: Sampler;
  /**
   * The app's logger provider (an OTel JS SDK `LoggerProvider`). Default: the global one
   * (`logs.getLoggerProvider()`) as it is at each call. Guest log records go to its processors.
   */
  loggerProvider?: LoggerProvider;
  /** Instead of a logger provider: log record processors for guest log records. */
  logRecordProcessors?: LogRecordProcessor[];
  /**
   * Push exporters that receive guest metrics (`wasi:otel/metrics`) as the guest aggregated
   * them, e.g. an OTLP metric exporter. Default: none (guest metrics are accepted and dropped).
   */
  metricExporters?: PushMetricExporter[];
  /**
   * The app's meter provider: core modules' statsd metrics (`dylibso:observe/api` metric) are
   * recorded into instruments of its meter `dylibso:observe/api`. Default: the global one
   * (`metrics.getMeterProvider()`) as it is at each measurement.
   */
  meterProvider?: MeterProvider;
  /**
   * Function calls of instrumented core modules shorter than this many microseconds are not
   * exported as spans (0 keeps every call). Default: WASM_OTEL_MIN_SPAN_US, else 20.
   */
  minSpanMicros?: number;
  /** Overrides for the engine's limits (see DEFAULT_LIMITS). */
  limits?: Partial<EngineLimits>;
  /**
   * Where transpiled components are cached; false for no cache. Default: WASM_OTEL_CACHE_DIR
   * (`off`: no cache), else $XDG_CACHE_HOME/wasm-otel, else ~/.cache/wasm-otel. A directory that
   * cannot be used is reported once (`invalid_config`) and the host goes on without a cache.
   */
  cacheDir?: string | false;
  /**
   * Called when a component is not in the cache and jco is about to transpile it (a large one
   * takes seconds), with whether the output will be cached; the function it returns, if any, is
   * called when transpiling is over. The CLI uses it for its progress line on a terminal.
   */
  onTranspile?: (name: string, willCache: boolean) => (() => void) | void;
  /** Count bad input in this counter (e.g. one shared with configuration checks). */
  problemCounter?: ProblemCounter;
  /**
   * Advanced (used to run guests on a worker thread): a shared flag; once `[0]` holds a signal
   * number, every guest's next call into the host throws and unwinds the guest (spans closed
   * with close reason `signal`, the call rejects with code `interrupted`).
   */
  interrupt?: Int32Array;
  /**
   * How trace context is read from the requests `serve` takes and written into the guests'
   * outgoing `wasi:http` requests. Default: the global propagator (`propagation`), as it is at
   * each request.
   */
  propagator?: TextMapPropagator;
  /** Advanced: where the engine notes open spans, so that another thread can close them (see OpenSpanJournal). */
  openSpanJournal?: OpenSpanJournal;
}

export interface LoadOptions {
  /** Name of the component (host span name); default: the file's base name. */
  name?: string;
  /**
   * Instrument the guest's code before instantiating it (true: DEFAULT_INSTRUMENT_OPTIONS): every
   * defined function calls `dylibso:observe/instrument` enter / exit, so each call is a span (calls
   * under `minSpanMicros` dropped). A core module is rewritten; a component's guest core module (the
   * one that defines its memory) is rewritten in its transpiled output. Cached like transpiles.
   * A module that already imports the hooks is used as it is.
   */
  instrument?: boolean | InstrumentOptions;
}

/** A wasm-otel host: loads components and instantiates them with telemetry wired in. */
export interface WasmOtelHost {
  /** Loads a component (a core module is refused with code `core_module`: use loadModule). */
  load(source: string | Uint8Array, options?: LoadOptions): Promise<LoadedComponent>;
  /** Loads a core module (a component is refused with code `component`: use load). */
  loadModule(source: string | Uint8Array, options?: LoadOptions): Promise<LoadedModule>;
  /** Bad guest input seen so far, by reason (see ProblemReason). */
  problems(): Record<string, number>;
  /** The counter itself (shared with the CLI's configuration checks). */
  readonly problemCounter: ProblemCounter;
  /**
   * Empties the host's caches (scopes and guest resources). Loaded components and instances keep
   * working; call it when the host is done with them.
   */
  dispose(): void;
}

export function createHost(options: HostOptions = {}): WasmOtelHost {
  const problems = options.problemCounter ?? new ProblemCounter();
  const minSpanMicros = options.minSpanMicros ?? minSpanMicrosFromEnv(problems);
  const tracerProvider = tracerProviderOf(options);
  const loggerProvider = loggerProviderOf(options);
  const telemetry = new HostTelemetry({
    ...(tracerProvider ? { tracerProvider } : {}),
    ...(loggerProvider ? { loggerProvider } : {}),
    ...(options.meterProvider ? { meterProvider: options.meterProvider } : {}),
    limits: { ...envLimits(problems), ...options.limits },
    problems,
    ...(options.openSpanJournal ? { openSpanJournal: options.openSpanJournal } : {}),
  });
  const context: HostContext = {
    telemetry,
    pipeline: telemetry.spans,
    metrics: { exporters: options.metricExporters ?? [] },
    instruments: telemetry.instruments,
    minSpanMicros,
    logs: telemetry.logs,
    limits: telemetry.limits,
    problems,
    caches: createHostCaches(),
    instances: new InstanceRegistry(),
    ...(options.interrupt ? { interrupt: options.interrupt } : {}),
    ...(options.propagator ? { propagator: options.propagator } : {}),
  };
  // Once the cache has failed, this host goes on without it (one warning, no retries).
  let cacheDir = options.cacheDir ?? defaultCacheDir();

  /** A transpiled component, from the cache or just made, loaded (its glue imported, its core modules compiled). */
  const loadTranspiled = async (name: string, transpiled: TranspiledComponent, loadOptions: LoadOptions): Promise<LoadedComponent> => {
    for (const entry of transpiled.instrumented) tellAbout(`${name} (${entry.file})`, entry.summary, instrumentOptionsOf(loadOptions.instrument));
    if (loadOptions.instrument && transpiled.instrumented.length === 0) diag.warn(`wasm-otel: ${name}: no core module of its own code found to instrument (none defines a memory); run without function spans`);
    diag.debug(
      transpiled.fromCache
        ? `wasm-otel: using cached transpile of ${name} (${transpiled.dir})`
        : `wasm-otel: transpiled ${name} into ${transpiled.dir} (glue rewrites: ${transpiled.glueRewrites.join(', ') || 'none'})`,
    );
    try {
      return await LoadedComponent.create(name, transpiled, context);
    } finally {
      // Without a cache the output lives in a temp dir, no longer needed once imported and compiled.
      if (transpiled.temporary) await rm(transpiled.dir, { recursive: true, force: true });
    }
  };

  /**
   * A component from the cache, loaded; undefined when its entry is damaged (its glue or core
   * modules cannot be loaded: edited, truncated), which is then removed, said once at warn.
   */
  const loadCached = async (name: string, transpiled: TranspiledComponent, loadOptions: LoadOptions): Promise<LoadedComponent | undefined> => {
    try {
      return await loadTranspiled(name, transpiled, loadOptions);
    } catch (error) {
      if (!(error instanceof WasmOtelError) || error.code !== 'transpile_failed') throw error;
      diag.warn(`wasm-otel: the cached transpile of ${name} in ${transpiled.dir} is damaged (${error.message}); it is transpiled again`);
      await rm(transpiled.dir, { recursive: true, force: true }).catch(() => undefined);
      return undefined;
    }
  };

  return {
    problemCounter: problems,
    problems: () => problems.snapshot(),
    dispose: () => context.caches.clear(),
    async load(source, loadOptions = {}) {
      // A file seen before (same path, inode, size and times) is found in the cache without reading it.
      const identity = typeof source === 'string' && cacheDir !== false ? await fileIdentity(source) : undefined;
      if (identity !== undefined && cacheDir !== false) {
        checkInstrumentOptions(loadOptions.instrument);
        const hash = await knownHash(cacheDir, identity);
        const cached = hash === undefined ? undefined : await cachedTranspile(hash, cacheDir, instrumentOptionsOf(loadOptions.instrument));
        if (cached !== undefined) {
          const loaded = await loadCached(loadOptions.name ?? basename(source as string), cached, loadOptions);
          if (loaded !== undefined) return loaded;
        }
      }
      const { bytes, name } = await readSource(source, loadOptions.name);
      const kind = wasmKind(bytes);
      if (kind === 'not-wasm') throw new WasmOtelError('not_wasm', `${name} is not a WebAssembly binary`);
      if (kind === 'core-module') {
        throw new WasmOtelError('core_module', `${name} is a core WebAssembly module, not a component; load it with loadModule()`);
      }
      let transpiled;
      const triedCache = cacheDir;
      checkInstrumentOptions(loadOptions.instrument);
      try {
        transpiled = await transpileComponent(bytes, cacheDir, options.onTranspile && ((willCache) => options.onTranspile!(name, willCache)), instrumentOptionsOf(loadOptions.instrument));
      } catch (error) {
        if (error instanceof InstrumentError) throw new InstrumentError(error.code, error.reason, `${name} (its ${error.message.split(' ')[0]})`);
        throw new WasmOtelError('transpile_failed', `cannot transpile ${name}: ${oneLine(error)}`, { cause: error });
      }
      if (transpiled.cacheProblem !== undefined && cacheDir !== false) {
        cacheDir = false;
        problems.report(
          'invalid_config',
          `the transpile cache ${String(triedCache)} cannot be used (${transpiled.cacheProblem}); components are transpiled without a cache (set WASM_OTEL_CACHE_DIR to a writable directory, or to off)`,
        );
      }
      if (identity !== undefined && cacheDir !== false && !transpiled.temporary) await rememberHash(cacheDir, source as string, identity, transpiled.hash);
      if (transpiled.fromCache) {
        const loaded = await loadCached(name, transpiled, loadOptions);
        if (loaded !== undefined) return loaded;
        // The broken entry is gone: transpiled again (into the cache).
        transpiled = await transpileComponent(bytes, cacheDir, options.onTranspile && ((willCache) => options.onTranspile!(name, willCache)), instrumentOptionsOf(loadOptions.instrument));
      }
      return loadTranspiled(name, transpiled, loadOptions);
    },
    async loadModule(source, loadOptions = {}) {
      const { bytes, name } = await readSource(source, loadOptions.name);
      const kind = wasmKind(bytes);
      if (kind === 'not-wasm') throw new WasmOtelError('not_wasm', `${name} is not a WebAssembly binary`);
      if (kind === 'component') throw new WasmOtelError('component', `${name} is a WebAssembly component, not a core module; load it with load()`);
      checkInstrumentOptions(loadOptions.instrument);
      const instrument = instrumentOptionsOf(loadOptions.instrument);
      if (instrument === undefined) return LoadedModule.create(name, bytes, context);
      const triedCache = cacheDir;
      const rewritten = await instrumentedBytes(name, bytes, instrument, cacheDir);
      if (rewritten.cacheProblem !== undefined && cacheDir !== false) {
        cacheDir = false;
        problems.report('invalid_config', `the cache ${String(triedCache)} cannot be used (${rewritten.cacheProblem}); modules are instrumented without a cache (set WASM_OTEL_CACHE_DIR to a writable directory, or to off)`);
      }
      return LoadedModule.create(name, rewritten.bytes, context);
    },
  };
}

/** `instrument` options that are not what InstrumentOptions says: `invalid_arguments`. */
function checkInstrumentOptions(choice: LoadOptions['instrument']): void {
  const options = instrumentOptionsOf(choice);
  const problem = options === undefined ? undefined : instrumentOptionsProblem(options);
  if (problem !== undefined) throw new WasmOtelError('invalid_arguments', `instrument: ${problem}`);
}

/** The tracer provider the options name (undefined: the global one, followed as it changes). */
function tracerProviderOf(options: HostOptions): TracerProvider | undefined {
  if (options.tracerProvider) return options.tracerProvider;
  if (!options.spanProcessors) return undefined;
  return new BasicTracerProvider({
    spanProcessors: options.spanProcessors,
    ...(options.resource ? { resource: options.resource } : {}),
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
}

/** The logger provider the options name (undefined: the global one, followed as it changes). */
function loggerProviderOf(options: HostOptions): LoggerProvider | undefined {
  if (options.loggerProvider) return options.loggerProvider;
  if (!options.logRecordProcessors) return undefined;
  return new SdkLoggerProvider({ processors: options.logRecordProcessors, ...(options.resource ? { resource: options.resource } : {}) });
}

/** Limits set by wasm-otel's own variables (WASM_OTEL_MAX_RECORD_BYTES). */
function envLimits(problems: ProblemCounter): Partial<EngineLimits> {
  const maxRecordBytes = maxRecordBytesFromEnv(problems);
  return maxRecordBytes === undefined ? {} : { maxRecordBytes };
}

async function readSource(source: string | Uint8Array, name: string | undefined): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source !== 'string') return { bytes: source, name: name ?? 'component.wasm' };
  try {
    return { bytes: await readFile(source), name: name ?? basename(source) };
  } catch (error) {
    throw new WasmOtelError('file_not_found', `cannot read ${source}: ${fsReason(error, 'file')}`, { cause: error });
  }
}
