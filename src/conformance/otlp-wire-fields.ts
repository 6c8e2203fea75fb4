/**
 * Fields of newer OTLP protos that the official 0.57.2 schema (the protobufjs root we decode
 * with) predates: `Span.flags` (16), `Span.Link.flags` (6), both OTLP proto v1.1.0, and
 * `LogRecord.event_name` (12, v1.5.0). They are read from the protobuf wire bytes (or from the
 * OTLP/JSON document) and patched onto the decoded messages under the names a newer schema uses.
 */
import { asArray, type DecodedOtlpMessage, type Msg } from './otlp-values.js';

/** Minimal protobuf wire walker. Calls `onField(fieldNo, wireType, start, end)` for each field of a message. */
function walkFields(
  buf: Uint8Array,
  start: number,
  end: number,
  onField: (field: number, wireType: number, valueStart: number, valueEnd: number) => void,
): void {
  let pos = start;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return result;
    }
    throw new Error('varint too long');
  };
  while (pos < end) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    const valueStart = pos;
    switch (wireType) {
      case 0:
        varint();
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = varint();
        onField(field, wireType, pos, pos + len);
        pos += len;
        if (pos > end) throw new Error('truncated length-delimited field');
        continue;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${wireType}`);
    }
    if (pos > end) throw new Error('truncated field');
    onField(field, wireType, valueStart, pos);
  }
}

function fixed32At(buf: Uint8Array, pos: number): number {
  return (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24)) >>> 0;
}

/** Patch Span.flags (16) and Span.Link.flags (6) from the protobuf wire bytes onto the decoded messages. */
export function patchFlagsFromProtobuf(buf: Uint8Array, decoded: DecodedOtlpMessage): void {
  const resourceSpans = asArray(decoded.resourceSpans);
  let ri = 0;
  walkFields(buf, 0, buf.length, (f, wt, s, e) => {
    if (f !== 1 || wt !== 2) return;
    const rs = resourceSpans[ri++];
    const scopeSpans = asArray(rs?.scopeSpans);
    let si = 0;
    walkFields(buf, s, e, (f2, wt2, s2, e2) => {
      if (f2 !== 2 || wt2 !== 2) return;
      const spans = asArray(scopeSpans[si++]?.spans);
      let pi = 0;
      walkFields(buf, s2, e2, (f3, wt3, s3, e3) => {
        if (f3 !== 2 || wt3 !== 2) return;
        const span = spans[pi++];
        if (!span) return;
        const links = asArray(span.links);
        let li = 0;
        walkFields(buf, s3, e3, (f4, wt4, s4, e4) => {
          if (f4 === 16 && wt4 === 5) span.flags = fixed32At(buf, s4);
          if (f4 === 13 && wt4 === 2) {
            const link = links[li++];
            walkFields(buf, s4, e4, (f5, wt5, s5) => {
              if (link && f5 === 6 && wt5 === 5) link.flags = fixed32At(buf, s5);
            });
          }
        });
      });
    });
  });
}

/**
 * The 0.57.2 schema also predates `LogRecord.event_name` (field 12, OTLP proto v1.5.0): read it
 * from the wire bytes (ExportLogsServiceRequest.resource_logs 1 > scope_logs 2 > log_records 2).
 */
export function patchEventNamesFromProtobuf(buf: Uint8Array, decoded: DecodedOtlpMessage): void {
  const resourceLogs = asArray(decoded.resourceLogs);
  let ri = 0;
  walkFields(buf, 0, buf.length, (f, wt, s, e) => {
    if (f !== 1 || wt !== 2) return;
    const scopeLogs = asArray(resourceLogs[ri++]?.scopeLogs);
    let si = 0;
    walkFields(buf, s, e, (f2, wt2, s2, e2) => {
      if (f2 !== 2 || wt2 !== 2) return;
      const records = asArray(scopeLogs[si++]?.logRecords);
      let li = 0;
      walkFields(buf, s2, e2, (f3, wt3, s3, e3) => {
        if (f3 !== 2 || wt3 !== 2) return;
        const record = records[li++];
        walkFields(buf, s3, e3, (f4, wt4, s4, e4) => {
          if (record && f4 === 12 && wt4 === 2) record.eventName = Buffer.from(buf.subarray(s4, e4)).toString('utf8');
        });
      });
    });
  });
}

export function patchEventNamesFromJson(json: Msg, decoded: DecodedOtlpMessage): void {
  const dRl = asArray(decoded.resourceLogs);
  asArray(json.resourceLogs).forEach((rl, ri) => {
    const dSl = asArray(dRl[ri]?.scopeLogs);
    asArray(rl.scopeLogs).forEach((sl, si) => {
      const dRecords = asArray(dSl[si]?.logRecords);
      asArray(sl.logRecords).forEach((record, li) => {
        if (typeof record.eventName === 'string' && dRecords[li]) dRecords[li]!.eventName = record.eventName;
      });
    });
  });
}

function flagsFromJson(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new Error(`${where}.flags: expected a uint32, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Patch Span.flags / Link.flags from the (already camelCased) JSON document onto the decoded messages. */
export function patchFlagsFromJson(json: Msg, decoded: DecodedOtlpMessage): void {
  const dRs = asArray(decoded.resourceSpans);
  asArray(json.resourceSpans).forEach((rs, ri) => {
    const dSs = asArray(dRs[ri]?.scopeSpans);
    asArray(rs.scopeSpans).forEach((ss, si) => {
      const dSpans = asArray(dSs[si]?.spans);
      asArray(ss.spans).forEach((span, i) => {
        const where = `resourceSpans[${ri}].scopeSpans[${si}].spans[${i}]`;
        const d = dSpans[i];
        if (!d) return;
        const flags = flagsFromJson(span.flags, where);
        if (flags !== undefined) d.flags = flags;
        const dLinks = asArray(d.links);
        asArray(span.links).forEach((link, li) => {
          const lf = flagsFromJson(link.flags, `${where}.links[${li}]`);
          if (lf !== undefined && dLinks[li]) dLinks[li]!.flags = lf;
        });
      });
    });
  });
}

