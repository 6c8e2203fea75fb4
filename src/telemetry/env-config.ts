import { getBooleanFromEnv, getStringFromEnv, getStringListFromEnv } from '@opentelemetry/core';
import type { ProblemCounter } from '../engine/index.js';

export type TraceExporterName = 'otlp' | 'console' | 'none';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** What the standard `OTEL_*` variables ask for, as far as wasm-otel's own setup is concerned. */
export interface TelemetryEnvConfig {
  disabled: boolean;
  traceExporters: TraceExporterName[];
  tracesProtocol: OtlpProtocol;
}

const EXPORTERS: readonly TraceExporterName[] = ['otlp', 'console', 'none'];

/**
 * Reads OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER and the OTLP protocol variables. Without
 * OTEL_TRACES_EXPORTER, spans go over OTLP when an OTLP endpoint is set and to the console tree
 * otherwise. Unknown values are reported (diag + counter) and ignored.
 * Endpoints, headers, timeouts, OTEL_BSP_*, the sampler and the resource variables are read by
 * the OTel SDK packages themselves.
 */
export function readTelemetryEnv(problems: ProblemCounter): TelemetryEnvConfig {
  const disabled = getBooleanFromEnv('OTEL_SDK_DISABLED');
  const endpointSet =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== undefined ||
    getStringFromEnv('OTEL_EXPORTER_OTLP_ENDPOINT') !== undefined;

  let traceExporters: TraceExporterName[];
  const requested = getStringListFromEnv('OTEL_TRACES_EXPORTER')?.map((name) => name.toLowerCase()).filter((n) => n !== '');
  if (!requested || requested.length === 0) {
    traceExporters = [endpointSet ? 'otlp' : 'console'];
  } else {
    traceExporters = [];
    for (const name of requested) {
      if ((EXPORTERS as string[]).includes(name)) {
        if (!traceExporters.includes(name as TraceExporterName)) traceExporters.push(name as TraceExporterName);
      } else {
        problems.report('invalid_config', `OTEL_TRACES_EXPORTER value ${JSON.stringify(name)} is not supported (use otlp, console or none); ignored`);
      }
    }
    if (traceExporters.includes('none')) traceExporters = [];
    else if (traceExporters.length === 0) traceExporters = [endpointSet ? 'otlp' : 'console'];
  }

  const protocolText =
    getStringFromEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf';
  let tracesProtocol: OtlpProtocol = 'http/protobuf';
  if (protocolText === 'http/json' || protocolText === 'http/protobuf') {
    tracesProtocol = protocolText;
  } else {
    problems.report('invalid_config', `OTLP protocol ${JSON.stringify(protocolText)} is not supported (use http/protobuf or http/json); using http/protobuf`);
  }
  return { disabled, traceExporters, tracesProtocol };
}
