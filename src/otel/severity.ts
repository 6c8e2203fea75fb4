import { SeverityNumber } from '@opentelemetry/api-logs';

/** The OTel log data model's severity names; a digit 2-4 after the name counts up within the range. */
const RANGES: Readonly<Record<string, SeverityNumber>> = Object.freeze({
  TRACE: SeverityNumber.TRACE,
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  INFORMATION: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  WARNING: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  FATAL: SeverityNumber.FATAL,
  CRITICAL: SeverityNumber.FATAL,
});

/** `INFO` -> 9, `warn2` -> 14, `Error` -> 17; undefined for text that names no severity. */
export function severityNumberFromText(text: string): SeverityNumber | undefined {
  const match = /^([A-Za-z]+)([1-4])?$/.exec(text.trim());
  if (!match) return undefined;
  const base = RANGES[match[1]!.toUpperCase()];
  if (base === undefined) return undefined;
  return (base + (match[2] ? Number(match[2]) - 1 : 0)) as SeverityNumber;
}
