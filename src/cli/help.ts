import { VERSION } from '../version.js';

export const USAGE = `wasm-otel ${VERSION} - run WebAssembly components and modules with OpenTelemetry

Usage:
  wasm-otel run <file.wasm> [--invoke '<export>(<args>)'] [--dir <host-dir>[::<guest-dir>]]...
                [--env <NAME>[=<value>]]... [--min-span-us <n>] [--imports <module.mjs>]
                [--trace-imports] [--instrument [--include <glob>]... [--exclude <glob>]...
                [--min-instructions <n>]] [--trace-file <out.json>] [--html <out.html>]
                [--no-cache] [-- <guest args>]
  wasm-otel instrument <file.wasm> [-o <out.wasm>] [--include <glob>]... [--exclude <glob>]...
                       [--min-instructions <n>]
  wasm-otel serve <file.wasm> [--listen <host>:<port>] [--imports <module.mjs>] [--dir ...]...
                  [--env ...]... [--request-timeout-ms <n>] [--threads <n>] [--reuse-instances]
                  [--trace-imports] [--trace-file <out.json>] [--html <out.html>] [--no-cache]
  wasm-otel view <trace.json> [-o <out.html>]
  wasm-otel conformance [--host "<command>"] [--scenario <glob>]... [--components <dir>]
                        [--timeout <s>] [--jobs <n>] [--json]
  wasm-otel help [<command>] | --help | --version

run
  Runs a component built against any published shape of wasi:otel (draft-2025-03 to rc.2 and
  main) and/or wasi:observe (host-side tracer and span resources) and wasi:logging, or a core
  module (WASI preview1) using the Observe API (dylibso:observe/api) or
  instrument hooks (dylibso:observe/instrument, dylibso_observe): its spans, metrics and log
  records are exported. Without --invoke it calls the component's wasi:cli/run export, or the
  module's _start; with --invoke it calls the export function it names (a reactor's _initialize
  first, once; on a command without _start, as wasmtime does). The call is wrapped in a host
  span (kind internal, named after the file) that the guest's spans nest under. Arguments after
  -- are the guest's arguments. The guest runs on a worker thread: its telemetry is exported
  while it runs, and SIGTERM, SIGINT or SIGHUP stop it, close its open spans and flush (a second
  signal exits at once and says what it leaves undelivered).
  --invoke <export> | '<export>(<args>)'
                                   call an export instead; arguments as wasmtime takes them
                                   (WAVE: 3, "text", [1, 2], {field: 1}, some(1), ok("x"));
                                   the result is printed on stdout
  --dir <host-dir>[::<guest-dir>]  preopen a directory (repeatable)
  --env NAME=value | NAME          a guest environment variable (NAME alone: the host's value)
  --min-span-us <n>                function calls of instrumented modules shorter than n
                                   microseconds are not exported (default 20; 0 keeps all;
                                   the outermost calls of each call into the module stay)
  --imports <module.mjs>           an ES module whose default export maps interface names
                                   (e.g. "fermyon:spin/key-value") to their implementations,
                                   given to a component (see examples/spin-key-value.mjs)
  --trace-imports                  a span for every call a component makes into a host
                                   import (WASI and --imports; not the telemetry interfaces),
                                   named <interface>#<function>, under the guest's open span
  --instrument                     instrument the guest's code first (in memory, cached): a
                                   span per function call (see instrument), nested in the
                                   guest's own spans; for a component, its core module that
                                   defines the memory; one already instrumented runs as it is
  --include, --exclude, --min-instructions
                                   with --instrument: as for instrument
  --trace-file <out.json>          also write every span to a Chrome Trace Event file (open
                                   it in ui.perfetto.dev or chrome://tracing): a process per
                                   trace, a thread per instance (more lanes where spans
                                   overlap without nesting), span events as instant events;
                                   written as spans end, complete on any exit
  --html <out.html>                at exit, also write a page showing the trace (from the
                                   --trace-file, or a temporary one)
  --no-cache                       transpile the component without the cache

instrument
  Rewrites a core module so that every defined function calls dylibso:observe/instrument
  enter(i) first and exit(i) on every way out (return, branches out, tail calls), and every
  memory.grow calls memory-grow(pages) first; i is the function's index in the input module,
  whose name section the output keeps. The hooks run while the exported global
  wasm_otel_instrument_enabled is 1 (the default; wasm-otel sets it to 0 while it cannot trace).
  It imports only the standard hooks, as the Observe SDKs' hosts serve them. A module that
  already imports the hooks is refused; DWARF and source maps (stale after the rewrite) are
  dropped, and said.
  -o, --output <out.wasm>          where to write it (default: <file>.instr.wasm beside it)
  --include <glob>                 instrument only functions whose (demangled) name matches
                                   (repeatable; * ? [..] {a,b}); default: all
  --exclude <glob>                 never instrument these (repeatable; wins over --include)
  --min-instructions <n>           skip leaf functions (no calls) with fewer than n
                                   instructions (default 8; 0 instruments every function)

serve
  Serves a component that exports wasi:http/incoming-handler (0.2.x) over HTTP until SIGTERM,
  SIGINT or SIGHUP (then requests in flight finish within 10 s, telemetry is flushed, exit 0).
  Prints "wasm-otel: serving <file> on http://<address>". Each request gets a server span (HTTP
  conventions) whose parent is the request's traceparent (through OTEL_PROPAGATORS), and a fresh
  instance; the guest's spans nest under it; its outgoing wasi:http requests get client spans
  and carry their traceparent. Requests run at once on guest threads (one request per thread
  at a time); bodies stream both ways. A trap answers 500, a timeout 504 (a guest that makes no
  host call for 1 s more has its thread stopped and replaced); the server goes on.
  --listen <host>:<port>           where to listen (default 127.0.0.1:8080; port 0: any free one)
  --request-timeout-ms <n>         longest a request may take (default 30000)
  --threads <n>                    guest threads serving at once (default: CPUs, at most 4);
                                   each loads the component and an --imports module itself
  --reuse-instances                reuse an instance that answered (for guests built for it)
  --imports, --dir, --env, --trace-imports, --trace-file, --html, --no-cache
                                   as for run (without --trace-imports: HTTP level only)

view
  Writes one self-contained HTML page (no network) that shows a Chrome Trace Event file, as
  run --trace-file writes it (or any chrome://tracing JSON, object or array format): a
  zoomable waterfall of the traces (a row per span under its parent; errors in red; a click
  shows the span's ids, kind, status, attributes, events and links) and a flame graph of the
  call stacks merged by name (total and self time per frame). Prints the page's path on
  stdout. The waterfall draws the first 50,000 spans by start and their parents (the page
  and stderr say how many were left out); the flame graph merges every span. A file that
  ends early (a run that crashed) makes the page of the events before its end, with one
  line on stderr saying so.
  -o, --output <out.html>          where to write it (default: <trace>.html beside it, the
                                   input's .json replaced)

conformance
  Runs the conformance scenarios (components/expectations/*.json: every wasi:otel shape,
  wasi:observe, the scenario and forwarder guests, bad input) on a host and checks the OTLP it
  exports, received on 127.0.0.1 (OTLP/HTTP protobuf or JSON; a fresh port per scenario).
  Prints a row per expectation (PASS, FAIL, INFO for a host-specific field that differs from
  what wasm-otel does, SKIP), the counts per scenario and a summary line. Each scenario also
  checks the host's exit (0, or non-zero where the guest traps or exits with an error) and that
  the receiver refused no export. Exit 0 when nothing failed, 1 when an expectation failed or
  nothing was checked (every scenario skipped), 2 for a usage error.
  --host "<command>"               the host to test (default: this wasm-otel). Run by /bin/sh
                                   with OTEL_EXPORTER_OTLP_ENDPOINT and _PROTOCOL=http/protobuf
                                   set; placeholders, each shell-quoted: {component} (required:
                                   the guest's path), {endpoint}, {invoke} (the WAVE call;
                                   "--invoke {invoke}" disappears for a wasi:cli/run scenario),
                                   {args}, {env} (--env NAME=value each); a scenario that needs
                                   one the command lacks is skipped
  --scenario <glob>                run only these scenario ids (repeatable; * ? [..] {a,b})
  --components <dir>               guests and their expectations/ (default: the package's)
  --timeout <s>                    longest one scenario's host may run (default 60)
  --jobs <n>                       scenarios run at once (default 1)
  --json                           the JSON report on stdout instead of the table

Telemetry (standard OpenTelemetry variables):
  OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_ENDPOINT
                        send spans, metrics and logs over OTLP; without an endpoint a
                        signal is printed on stderr (the trace tree with each log record under
                        its span, each span after a waterfall bar of when it ran within its
                        trace, then a metrics summary)
  OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_PROTOCOL
                        http/protobuf (default, port 4318), http/json or grpc (port 4317)
  OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER
                        otlp, console or none
  OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*,
  OTEL_BLRP_*, OTEL_SPAN_*_LIMIT, OTEL_LOGRECORD_ATTRIBUTE_*_LIMIT, OTEL_SDK_DISABLED
  OTEL_LOG_LEVEL        diagnostics on stderr (default warn)
  TRACEPARENT, TRACESTATE, BAGGAGE
                        the trace to join: the host span becomes a child of TRACEPARENT
  OTEL_PROPAGATORS      how they are read: tracecontext,baggage (default); none ignores them
  OTEL_METRIC_EXPORT_INTERVAL, OTEL_METRIC_EXPORT_TIMEOUT  export period of statsd metrics
  WASM_OTEL_CACHE_DIR   where transpiled components and instrumented modules are cached,
                        off for no cache
                        (default $XDG_CACHE_HOME/wasm-otel or ~/.cache/wasm-otel)
  WASM_OTEL_MIN_SPAN_US default of --min-span-us
  WASM_OTEL_MAX_RECORD_BYTES  bytes of guest data one record may point at (default 1048576)
  NO_COLOR, TERM=dumb   the waterfall in plain ASCII on a terminal too (always off a terminal)
  COLUMNS               output width off a terminal: bars a quarter of it (10-60; default 24)

Exit status: the guest's exit code (wasi:cli/exit, proc_exit); 0 when the call succeeded; 1
when the guest trapped, returned an error or could not be loaded, e.g. an unsupported wasi:otel
version or Observe API (reason on stderr); 2 for a usage error; 128 + n after signal n.
Telemetry that could not be delivered is reported on stderr at exit, one line per signal.
`;
