import { diag, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import { AlwaysOffSampler, NoopSpanProcessor, RandomIdGenerator, type IdGenerator, type Sampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import { HOST_SCOPE_NAME, type SdkSpanLimits, type SpanPipeline } from '../engine/index.js';
import { VERSION } from '../version.js';

/** The pieces of an OTel JS SDK Tracer that guest spans need (fields of sdk-trace's Tracer). */
interface SdkTracerInternals {
  _spanProcessor?: SpanProcessor;
  _sampler?: Sampler;
  _resource?: Resource;
  _spanLimits?: SdkSpanLimits;
  _idGenerator?: IdGenerator;
}

/** The host's tracer (for host spans) and the pipeline guest spans are handed to. */
export interface HostTracing {
  tracer: Tracer;
  pipeline: SpanPipeline;
}

const DISABLED: SpanPipeline = {
  spanProcessor: new NoopSpanProcessor(),
  sampler: new AlwaysOffSampler(),
  resource: emptyResource(),
  idGenerator: new RandomIdGenerator(),
  enabled: false,
};

/**
 * Finds the span processors, sampler, resource and limits behind a tracer provider from the
 * OTel JS SDK (sdk-trace-base / sdk-trace-node, also behind the global ProxyTracerProvider), so
 * guest spans reach the same exporters as the app's own spans with their own ids intact.
 * A provider that is not the SDK's (e.g. the API's no-op default) gives a disabled pipeline.
 */
export function hostTracingFor(provider: TracerProvider): HostTracing {
  const real = tracerProviderBehind(provider);
  const tracer = real.getTracer(HOST_SCOPE_NAME, VERSION);
  const internals = tracer as unknown as SdkTracerInternals;
  const processor = internals._spanProcessor;
  if (processor && typeof processor.onEnd === 'function' && internals._sampler && internals._resource) {
    return {
      tracer,
      pipeline: {
        spanProcessor: processor,
        sampler: internals._sampler,
        resource: internals._resource,
        ...(internals._spanLimits ? { spanLimits: internals._spanLimits } : {}),
        idGenerator: internals._idGenerator ?? new RandomIdGenerator(),
        enabled: true,
      },
    };
  }
  if (!isNoopTracerProvider(real)) {
    diag.warn(
      'wasm-otel: the tracer provider is not an OpenTelemetry JS SDK provider; guest spans will not be exported. ' +
        'Pass spanProcessors to createHost instead.',
    );
  }
  return { tracer, pipeline: DISABLED };
}

/**
 * The provider that a tracer provider stands for now: the current delegate of a
 * ProxyTracerProvider (what `trace.getTracerProvider()` returns; the API's no-op until the app
 * registers one), else the provider itself. Recognised by shape, so that a proxy of another copy
 * of `@opentelemetry/api` (the app's own) is unwrapped too.
 */
export function tracerProviderBehind(provider: TracerProvider): TracerProvider {
  const getDelegate = (provider as { getDelegate?: unknown }).getDelegate;
  return typeof getDelegate === 'function' ? (getDelegate.call(provider) as TracerProvider) : provider;
}

/** True for a provider that stands for one that may change: a ProxyTracerProvider. */
export function isProxyTracerProvider(provider: TracerProvider): boolean {
  return typeof (provider as { getDelegate?: unknown }).getDelegate === 'function';
}

/** The API's no-op provider (nothing registered). */
export function isNoopTracerProvider(provider: TracerProvider): boolean {
  return provider.constructor?.name === 'NoopTracerProvider';
}

/**
 * Host tracing that follows a provider which may change while the host lives: the global one
 * (the app registers it after making the host, swaps it, or removes it) or a proxy's delegate.
 * `current()` looks the provider up again and resolves its pipeline only when the provider
 * behind it is another object than last time (a cheap identity check per call).
 */
export class FollowedTracing {
  private provider: TracerProvider | undefined;
  private tracing: HostTracing | undefined;

  constructor(private readonly source: () => TracerProvider) {}

  current(): HostTracing {
    const provider = tracerProviderBehind(this.source());
    if (provider !== this.provider || this.tracing === undefined) {
      this.provider = provider;
      this.tracing = hostTracingFor(provider);
    }
    return this.tracing;
  }

  /** True when the provider behind it, as last looked up, is the API's no-op (none registered). */
  get unregistered(): boolean {
    return this.provider !== undefined && isNoopTracerProvider(this.provider);
  }
}
