/**
 * Limits the engine applies to what a guest reports. Defaults live here and nowhere else.
 *
 * The attribute / event / link limits follow the OTel SDK's span limits (and so the
 * `OTEL_SPAN_*_LIMIT` variables when the host's provider read them); the others protect the
 * host from a guest that reports absurd amounts of data.
 */
export interface EngineLimits {
  /** Spans a single guest instance may have open at once; further starts are refused. */
  maxOpenSpans: number;
  /** Longest span, event or link name kept; longer names are truncated. */
  maxNameLength: number;
  /** Attributes kept per span (first ones win, later overwrites of a kept key still apply). */
  attributeCountLimit: number;
  /** Longest string attribute value kept; longer values are truncated. */
  attributeValueLengthLimit: number;
  /** Events kept per span (the first ones). */
  eventCountLimit: number;
  /** Links kept per span (the first ones). */
  linkCountLimit: number;
  /** Attributes kept per event. */
  attributePerEventCountLimit: number;
  /** Attributes kept per link. */
  attributePerLinkCountLimit: number;
  /** Longest JSON text of a single attribute value the host will parse. */
  maxValueJsonLength: number;
  /** Deepest nesting of arrays and maps in one attribute value or log body; deeper values are dropped. */
  maxValueDepth: number;
  /**
   * Bytes of guest data one record (span, log record, metrics batch, Observe API string) may
   * point at; past it strings are cut and list entries dropped while lifting (see LiftBudget).
   */
  maxRecordBytes: number;
  /** Entries in the trace state kept (W3C allows 32). */
  maxTraceStateEntries: number;
  /** How many ended span ids an instance remembers to detect a span ended twice. */
  endedSpanMemory: number;
  /** Function calls (instrumented core modules) traced while open at once; deeper ones are counted, not traced. */
  maxFunctionCallDepth: number;
  /** Finished function calls buffered before their spans are built in the middle of a call into the guest. */
  maxBufferedFunctionCalls: number;
  /** How long (ms) finished function calls stay buffered at most before their spans are built. */
  maxBufferedFunctionCallMillis: number;
}

export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxOpenSpans: 1024,
  maxNameLength: 1024,
  attributeCountLimit: 128,
  attributeValueLengthLimit: 64 * 1024,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
  maxValueJsonLength: 1024 * 1024,
  maxValueDepth: 32,
  maxRecordBytes: 1024 * 1024,
  maxTraceStateEntries: 32,
  endedSpanMemory: 4096,
  maxFunctionCallDepth: 1 << 16,
  maxBufferedFunctionCalls: 1 << 20,
  maxBufferedFunctionCallMillis: 100,
});

/** Span limits as the OTel SDK's Tracer carries them (all optional). */
export interface SdkSpanLimits {
  attributeValueLengthLimit?: number;
  attributeCountLimit?: number;
  linkCountLimit?: number;
  eventCountLimit?: number;
  attributePerEventCountLimit?: number;
  attributePerLinkCountLimit?: number;
}

/** Defaults, then the SDK's span limits (finite ones), then explicit overrides. */
export function resolveLimits(sdk: SdkSpanLimits | undefined, overrides: Partial<EngineLimits> = {}): EngineLimits {
  const merged: EngineLimits = { ...DEFAULT_LIMITS };
  if (sdk) {
    for (const key of Object.keys(sdk) as (keyof SdkSpanLimits)[]) {
      const value = sdk[key];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) merged[key] = value;
    }
  }
  for (const key of Object.keys(overrides) as (keyof EngineLimits)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && value >= 0) merged[key] = value;
  }
  return merged;
}
