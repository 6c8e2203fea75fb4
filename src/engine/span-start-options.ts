import type { AttributeValue, HrTime, SpanKind } from '@opentelemetry/api';
import type { LinkReport } from './span-report.js';

/** Start options of a span the engine manages (it chooses the ids). */
export interface ManagedSpanOptions {
  name: string;
  kind?: SpanKind;
  /** Parent: the current span (default), or none for a new trace. */
  root?: boolean;
  startTime?: HrTime;
  attributes?: [string, AttributeValue][];
  links?: LinkReport[];
  /** Instrumentation scope name of the span (default: wasm-otel). */
  scope?: string;
  /** The front-end's mark, to find the span again (see findOpen). */
  tag?: string | number;
  /**
   * When it ends before managed spans opened inside it, they move to its parent (the Observe
   * SDK's stack policy for the core-module ABI). Default: they keep it as their parent.
   */
  reparentsChildren?: boolean;
  /** Links the guest gave that could not be decoded (exported in the dropped-links count). */
  invalidLinks?: number;
  /** True when `startTime` came from the guest (not the host's clock): an end before it is then reported. */
  startFromGuest?: boolean;
}

/** Optional details some guest ABIs give at span start. */
export interface StartDetails {
  parentSpanId?: string;
  name?: string;
  kind?: SpanKind;
  startTime?: HrTime;
  attributes?: [string, AttributeValue][];
}
