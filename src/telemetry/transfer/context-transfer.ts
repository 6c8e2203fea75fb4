import { ROOT_CONTEXT, baggageEntryMetadataFromString, propagation, trace, type BaggageEntry, type Context } from '@opentelemetry/api';
import { contextIn, contextOut, type TransferContext } from './span-transfer.js';

/** What a run's parent context carries, as plain data for another thread: its span context and baggage. */
export interface TransferParent {
  span?: TransferContext;
  baggage?: [key: string, entry: { value: string; metadata?: string }][];
}

/** The parts of `context` another thread can join: undefined when it carries neither a span context nor baggage. */
export function encodeParent(context: Context): TransferParent | undefined {
  const out: TransferParent = {};
  const span = trace.getSpanContext(context);
  if (span !== undefined && trace.isSpanContextValid(span)) out.span = contextOut(span);
  const entries = propagation.getBaggage(context)?.getAllEntries() ?? [];
  if (entries.length > 0) {
    out.baggage = entries.map(([key, entry]) => [key, { value: entry.value, ...(entry.metadata ? { metadata: entry.metadata.toString() } : {}) }]);
  }
  return out.span !== undefined || out.baggage !== undefined ? out : undefined;
}

/** The context `encodeParent` described (a remote span context keeps isRemote and its trace state). */
export function decodeParent(parent: TransferParent): Context {
  let context = ROOT_CONTEXT;
  if (parent.span !== undefined) context = trace.setSpanContext(context, contextIn(parent.span));
  if (parent.baggage !== undefined) {
    const entries: Record<string, BaggageEntry> = {};
    for (const [key, { value, metadata }] of parent.baggage) {
      entries[key] = { value, ...(metadata !== undefined ? { metadata: baggageEntryMetadataFromString(metadata) } : {}) };
    }
    context = propagation.setBaggage(context, propagation.createBaggage(entries));
  }
  return context;
}
