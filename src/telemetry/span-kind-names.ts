import { SpanKind } from '@opentelemetry/api';

/** A span kind as the console report and the trace file write it (lower case, as in the OTel spec's prose). */
export const SPAN_KIND_NAMES: Readonly<Record<SpanKind, string>> = Object.freeze({
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
});
