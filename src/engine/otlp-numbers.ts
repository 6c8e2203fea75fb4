/**
 * OTel JS attribute values are JS numbers, and its OTLP exporters send a whole one as an int64
 * (`intValue`), a fractional one as a double. A whole number of magnitude 2^63 or more (1e20,
 * 1e300, a JSON integer of 25 digits) has no int64: the OTLP/JSON exporter then sends a number
 * the collector refuses, and the whole batch (other guests' spans and the host's with it) is
 * lost. Front-ends drop such values (reported) instead.
 */
export function fitsOtlpNumber(value: number): boolean {
  return !(Math.abs(value) >= 2 ** 63) || !Number.isInteger(value);
}

/** Why a value that fails fitsOtlpNumber is dropped, for messages. */
export const OTLP_NUMBER_REASON = 'a whole number beyond 64-bit integers (the OTLP exporters would send it as an int64, which cannot hold it)';
