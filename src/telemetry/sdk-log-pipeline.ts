import { diag } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api-logs';
import { emptyResource, type Resource } from '@opentelemetry/resources';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { LogPipeline } from '../engine/index.js';

/** The pieces of an OTel JS SDK LoggerProvider that guest log records need. */
interface SdkLoggerProviderInternals {
  _sharedState?: {
    activeProcessor?: LogRecordProcessor;
    resource?: Resource;
    logRecordLimits?: { attributeCountLimit?: number; attributeValueLengthLimit?: number };
  };
}

const DISABLED: LogPipeline = {
  processor: { onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} },
  resource: emptyResource(),
  attributeCountLimit: 128,
  attributeValueLengthLimit: Infinity,
  enabled: false,
};

/**
 * Finds the log record processors, resource and limits behind a logger provider from the OTel JS
 * SDK (`@opentelemetry/sdk-logs`, also behind the global proxy), so guest records reach the app's
 * processors with their own times, resource and scope. A provider that is not the SDK's (e.g. the
 * API's no-op default) gives a disabled pipeline.
 */
export function logPipelineFor(provider: LoggerProvider): LogPipeline {
  const delegate = loggerProviderBehind(provider);
  const shared = (delegate as SdkLoggerProviderInternals)._sharedState;
  if (shared?.activeProcessor && typeof shared.activeProcessor.onEmit === 'function' && shared.resource) {
    return {
      processor: shared.activeProcessor,
      resource: shared.resource,
      attributeCountLimit: shared.logRecordLimits?.attributeCountLimit ?? 128,
      attributeValueLengthLimit: shared.logRecordLimits?.attributeValueLengthLimit ?? Infinity,
      enabled: true,
    };
  }
  if (delegate.constructor?.name !== 'NoopLoggerProvider') {
    diag.warn('wasm-otel: the logger provider is not an OpenTelemetry JS SDK provider; guest log records will not be exported. Pass logRecordProcessors to createHost instead.');
  }
  return DISABLED;
}

/** The provider a logger provider stands for now: a ProxyLoggerProvider's current delegate, else itself. */
export function loggerProviderBehind(provider: LoggerProvider): LoggerProvider {
  return (provider as { _getDelegate?: () => LoggerProvider })._getDelegate?.() ?? provider;
}

/**
 * The log pipeline of a provider that may change while the host lives (the global one, or a
 * proxy's delegate): resolved again only when the provider behind `source()` is another object.
 */
export class FollowedLogPipeline {
  private provider: LoggerProvider | undefined;
  private pipeline: LogPipeline = DISABLED;

  constructor(private readonly source: () => LoggerProvider) {}

  current(): LogPipeline {
    const provider = loggerProviderBehind(this.source());
    if (provider !== this.provider) {
      this.provider = provider;
      this.pipeline = logPipelineFor(provider);
    }
    return this.pipeline;
  }
}
