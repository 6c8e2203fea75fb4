import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SdkSpanLimits } from './limits.js';
import type { OpenSpanJournal } from './open-span-journal.js';

/**
 * Where finished guest spans go: the span processors, sampler and resource of the host's
 * tracer provider. Guest spans skip the SDK's Tracer (it would replace their ids) and are handed
 * to the processors directly, like a span the SDK itself ended.
 */
export interface SpanPipeline {
  readonly spanProcessor: SpanProcessor;
  readonly sampler: Sampler;
  readonly resource: Resource;
  readonly spanLimits?: SdkSpanLimits;
  /** Ids for spans the engine starts itself (the provider's, so ids look like the app's). */
  readonly idGenerator: IdGenerator;
  /** False when telemetry is off (OTEL_SDK_DISABLED or a no-op provider): spans are dropped quietly. */
  readonly enabled: boolean;
  /** Where open spans are noted for a thread that may have to close them (see OpenSpanJournal). */
  readonly journal?: OpenSpanJournal;
}

/** Hands one span to the processors; a failing processor is reported, never thrown. */
export function exportSpan(pipeline: SpanPipeline, span: ReadableSpan, onError: (error: unknown, span: ReadableSpan) => void): void {
  try {
    pipeline.spanProcessor.onEnd(span);
  } catch (error) {
    onError(error, span);
  }
}
