/**
 * OTLP trace requests (decoded with the official schema) flattened into one easy-to-assert
 * record per span ({@link OtlpSpan}): ids as lowercase hex, times as exact bigints, attributes
 * decoded, the resource and scope copied onto each span.
 */
import type { OtlpSignal } from './otlp-schema.js';
import { asArray, asMsg, decodeAttributes, toBigInt, toHex, toNum, toStr, type DecodedOtlpMessage, type OtlpAttributes } from './otlp-values.js';

/** OTLP `Span.SpanKind` numbers. */
export const OtlpSpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP `Status.StatusCode` numbers. */
export const OtlpStatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** OTLP `SpanFlags` bits (low 8 bits are W3C trace flags). */
export const OtlpSpanFlags = {
  TRACE_FLAGS_MASK: 0xff,
  CONTEXT_HAS_IS_REMOTE_MASK: 0x100,
  CONTEXT_IS_REMOTE_MASK: 0x200,
} as const;

export interface OtlpSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: OtlpAttributes;
  droppedAttributesCount: number;
  /** Span.Link.flags (0 if absent). */
  flags: number;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: OtlpAttributes;
}

/** One span, flattened out of resourceSpans/scopeSpans. */
export interface OtlpSpan {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** 16 lowercase hex chars, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  /** OTLP enum: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: OtlpAttributes;
  events: OtlpSpanEvent[];
  links: OtlpSpanLink[];
  /** code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  /** Span.flags (0 if absent). */
  flags: number;
  /** Resource attributes. */
  resource: OtlpAttributes;
  scope: OtlpScope;
}

function idHex(v: unknown, bytes: number, where: string, allowEmpty: boolean): string {
  const hex = toHex(v);
  if (hex === '' && allowEmpty) return '';
  if (hex.length !== bytes * 2) {
    throw new Error(`${where}: expected a ${bytes}-byte id, got ${hex.length / 2} bytes (${hex || 'empty'})`);
  }
  return hex;
}

/** Flatten an ExportTraceServiceRequest message into normalized spans. */
export function normalizeTraceRequest(decoded: DecodedOtlpMessage): OtlpSpan[] {
  const out: OtlpSpan[] = [];
  asArray(decoded.resourceSpans).forEach((rs, ri) => {
    const resource = decodeAttributes(asMsg(rs.resource)?.attributes);
    asArray(rs.scopeSpans).forEach((ss, si) => {
      const sc = asMsg(ss.scope);
      const scope: OtlpScope = {
        name: toStr(sc?.name),
        version: toStr(sc?.version),
        attributes: decodeAttributes(sc?.attributes),
      };
      asArray(ss.spans).forEach((s, i) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
        const status = asMsg(s.status);
        out.push({
          traceId: idHex(s.traceId, 16, `${where}.traceId`, false),
          spanId: idHex(s.spanId, 8, `${where}.spanId`, false),
          parentSpanId: idHex(s.parentSpanId, 8, `${where}.parentSpanId`, true),
          traceState: toStr(s.traceState),
          name: toStr(s.name),
          kind: toNum(s.kind),
          startTimeUnixNano: toBigInt(s.startTimeUnixNano),
          endTimeUnixNano: toBigInt(s.endTimeUnixNano),
          attributes: decodeAttributes(s.attributes),
          events: asArray(s.events).map((e) => ({
            name: toStr(e.name),
            timeUnixNano: toBigInt(e.timeUnixNano),
            attributes: decodeAttributes(e.attributes),
            droppedAttributesCount: toNum(e.droppedAttributesCount),
          })),
          links: asArray(s.links).map((l, li) => ({
            traceId: idHex(l.traceId, 16, `${where}.links[${li}].traceId`, false),
            spanId: idHex(l.spanId, 8, `${where}.links[${li}].spanId`, false),
            traceState: toStr(l.traceState),
            attributes: decodeAttributes(l.attributes),
            droppedAttributesCount: toNum(l.droppedAttributesCount),
            flags: toNum(l.flags),
          })),
          status: { code: toNum(status?.code), message: toStr(status?.message) },
          droppedAttributesCount: toNum(s.droppedAttributesCount),
          droppedEventsCount: toNum(s.droppedEventsCount),
          droppedLinksCount: toNum(s.droppedLinksCount),
          flags: toNum(s.flags),
          resource,
          scope,
        });
      });
    });
  });
  return out;
}


/** The spans in a decoded request of `signal` (none for metrics and logs); throws on malformed ids. */
export function spansOf(signal: OtlpSignal, decoded: DecodedOtlpMessage): OtlpSpan[] {
  return signal === 'traces' ? normalizeTraceRequest(decoded) : [];
}
