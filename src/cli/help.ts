import { VERSION } from '../version.js';

export const USAGE = `wasm-otel ${VERSION} - run WebAssembly components with OpenTelemetry

Usage:
  wasm-otel run <file.wasm> [--invoke <export>] [-- <guest args>]
  wasm-otel --help | --version

run
  Runs a component. Without --invoke it calls the component's wasi:cli/run export; with
  --invoke <export> it calls the root export function of that name (e.g. --invoke run).
  The call is wrapped in a host span (kind internal, named after the file) that the guest sees
  as its outer span context. Arguments after -- are the guest's arguments.

Telemetry (standard OpenTelemetry variables):
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
                        send spans over OTLP/HTTP; without an endpoint the trace is printed
                        as a tree on stderr
  OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
                        http/protobuf (default) or http/json
  OTEL_TRACES_EXPORTER  otlp, console (the tree) or none
  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*,
  OTEL_SPAN_*_LIMIT, OTEL_SDK_DISABLED, OTEL_LOG_LEVEL (diagnostics on stderr, default warn)
  WASM_OTEL_CACHE_DIR   where transpiled components are cached (default ~/.cache/wasm-otel)

Exit status: the guest's exit code; 0 when the call succeeded; 1 when the guest trapped,
returned an error or could not be loaded (reason on stderr); 2 for a usage error.
`;
