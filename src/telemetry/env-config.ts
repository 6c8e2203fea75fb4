import { getBooleanFromEnv, getStringFromEnv, getStringListFromEnv } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';

export type ExporterName = 'otlp' | 'console' | 'none';
/** The OTLP transports of the specification (`OTEL_EXPORTER_OTLP_PROTOCOL`). */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';
export type Signal = 'traces' | 'metrics' | 'logs';

/** What the standard `OTEL_*` variables ask for, as far as wasm-otel's own setup is concerned. */
export interface TelemetryEnvConfig {
  disabled: boolean;
  traceExporters: ExporterName[];
  tracesProtocol: OtlpProtocol;
  metricExporters: ExporterName[];
  metricsProtocol: OtlpProtocol;
  logExporters: ExporterName[];
  logsProtocol: OtlpProtocol;
}

const EXPORTERS: readonly ExporterName[] = ['otlp', 'console', 'none'];

/**
 * Reads OTEL_SDK_DISABLED, OTEL_{TRACES,METRICS,LOGS}_EXPORTER and the OTLP protocol variables
 * (general and per signal). Without an exporter variable, a signal goes over OTLP when an OTLP
 * endpoint for it (general or per signal) is set, and to the console otherwise. Unknown values
 * are reported (diag + counter) and ignored. Endpoints, headers, timeouts, batch settings, the
 * sampler and the resource variables are read by the OTel SDK packages themselves.
 */
export function readTelemetryEnv(problems: ProblemCounter): TelemetryEnvConfig {
  const general = protocolFrom('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf', problems);
  const protocolFor = (signal: Signal): OtlpProtocol => protocolFrom(`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`, general, problems);
  return {
    disabled: getBooleanFromEnv('OTEL_SDK_DISABLED'),
    traceExporters: exportersFor('traces', problems),
    tracesProtocol: protocolFor('traces'),
    metricExporters: exportersFor('metrics', problems),
    metricsProtocol: protocolFor('metrics'),
    logExporters: exportersFor('logs', problems),
    logsProtocol: protocolFor('logs'),
  };
}

function exportersFor(signal: Signal, problems: ProblemCounter): ExporterName[] {
  const variable = `OTEL_${signal.toUpperCase()}_EXPORTER`;
  const endpointSet =
    getStringFromEnv(`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`) !== undefined || getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;
  const fallback: ExporterName[] = [endpointSet ? 'otlp' : 'console'];
  const requested = getStringListFromEnv(variable)?.map((name) => name.toLowerCase()).filter((n) => n !== '');
  if (!requested || requested.length === 0) return fallback;
  let exporters: ExporterName[] = [];
  for (const name of requested) {
    if ((EXPORTERS as string[]).includes(name)) {
      if (!exporters.includes(name as ExporterName)) exporters.push(name as ExporterName);
    } else {
      problems.report('invalid_config', `${variable} value ${JSON.stringify(name)} is not supported (use otlp, console or none); ignored`);
    }
  }
  if (exporters.includes('none')) exporters = [];
  else if (exporters.length === 0) exporters = fallback;
  return exporters;
}

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];

/**
 * The protocol a variable names; `fallback` when it is unset, or when its value is not one of the
 * specification's (reported and ignored: a per-signal variable then leaves the general one in force).
 */
function protocolFrom(variable: string, fallback: OtlpProtocol, problems: ProblemCounter): OtlpProtocol {
  const text = getStringFromEnv(variable);
  if (text === undefined) return fallback;
  if ((PROTOCOLS as readonly string[]).includes(text)) return text as OtlpProtocol;
  problems.report('invalid_config', `${variable} value ${JSON.stringify(text)} is not supported (use http/protobuf, http/json or grpc); using ${fallback}`);
  return fallback;
}
