/**
 * The `wasi:observe` world through the CLI, without a collector: the console tree of the WAT
 * guests (observe spans nested, wasi:logging records under their span), methods called through
 * handles the guest was never given, and float64 values over OTLP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { component } from './support/paths.js';
import { byName } from './support/span-tree.js';
import { FORWARDER, LOGGING_ONLY, ROUNDED_LINE, SERVICE, START_BIG, START_SERVER, expectHostSpan, expectObserveSpan } from './support/observe-cli.js';

/** Output 96 columns wide, whatever the test's own COLUMNS: waterfall bars of 24 cells. */
const COLUMNS_96 = { COLUMNS: '96' };
/** Before a line without a bar: as wide as the waterfall column (24 cells, 2 borders) and its space. */
const NO_BAR = ' '.repeat(27);
/** A span line's waterfall bar (its cells depend on the run's times) as `<bar>`. */
const maskBar = (line: string): string => line.replace(/^\|[ =*<>]{24}\| /, '<bar> ');

describe('wasi:observe in the console tree (no collector configured)', () => {
  /** Runs the CLI with no OTEL_* at all: the console exporters, on stderr. */
  const run = (file: string, invoke: string) => runCli(['run', component(file), '--invoke', invoke], COLUMNS_96);

  /** The stderr text with what is random masked: the trace ids (checked for shape), the times and the bars. */
  function masked(stderr: string): string[] {
    return stderr
      .trimEnd()
      .split('\n')
      .map((line) => {
        if (line.startsWith('trace ')) {
          expect(line).toMatch(/^trace [0-9a-f]{32}$/);
          return 'trace <id>';
        }
        return maskBar(line).replace(/\b\d+(?:\.\d+)?(?:ms|us)\b/g, '<t>');
      });
  }

  it('nested-drop: outer under the host span, inner under outer', async () => {
    const result = await run(FORWARDER, 'nested-drop');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `<bar> └─ ${FORWARDER}  internal  <t>  OK`,
      '<bar>    └─ outer  internal  <t>',
      '<bar>       └─ inner  internal  <t>',
    ]);
  });

  it('bench-spans(2): the attributes and the event of each span under it', async () => {
    const result = await run(FORWARDER, 'bench-spans(2)');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `<bar> └─ ${FORWARDER}  internal  <t>  OK`,
      '<bar>    ├─ bench  internal  <t>',
      `${NO_BAR}   │    bench.string="value" bench.bool=true bench.float64=1.5 bench.s64=42 bench.array=["a","b"]`,
      `${NO_BAR}   │    event "bench-event" at +<t>`,
      '<bar>    └─ bench  internal  <t>',
      `${NO_BAR}        bench.string="value" bench.bool=true bench.float64=1.5 bench.s64=42 bench.array=["a","b"]`,
      `${NO_BAR}        event "bench-event" at +<t>`,
    ]);
  });

  it('a span left open at the end: kind server, closed with status error and the close reason', async () => {
    const result = await run(FORWARDER, START_SERVER);
    expect([result.code, result.stdout]).toEqual([0, '1\n']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `<bar> └─ ${FORWARDER}  internal  <t>  OK`,
      '<bar>    └─ x  server  <t>  ERROR "span still open when the guest exited"',
      `${NO_BAR}        wasm_otel.span.close_reason="exit"`,
    ]);
  });

  it('the rounded s64: the problem line, then the span with the value as exported', async () => {
    const result = await run(FORWARDER, START_BIG);
    expect([result.code, result.stdout]).toEqual([0, '1\n']);
    expect(masked(result.stderr)).toEqual([
      ROUNDED_LINE,
      'trace <id>',
      `<bar> └─ ${FORWARDER}  internal  <t>  OK`,
      '<bar>    └─ big  internal  <t>  ERROR "span still open when the guest exited"',
      `${NO_BAR}        big=9007199254740992 wasm_otel.span.close_reason="exit"`,
    ]);
  });

  it('logging-only log-all: the six records under the host span, in order, inside its time', async () => {
    const result = await run(LOGGING_ONLY, 'log-all');
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(masked(result.stderr)).toEqual([
      'trace <id>',
      `<bar> └─ ${LOGGING_ONLY}  internal  <t>  OK`,
      `${NO_BAR}     log TRACE "trace message" at +<t>  wasi.logging.context="ctx.trace"`,
      `${NO_BAR}     log DEBUG "debug message" at +<t>  wasi.logging.context="ctx.debug"`,
      `${NO_BAR}     log INFO "info message" at +<t>`,
      `${NO_BAR}     log WARN "warn message" at +<t>  wasi.logging.context="ctx.warn"`,
      `${NO_BAR}     log ERROR "error message" at +<t>  wasi.logging.context="ctx.error"`,
      `${NO_BAR}     log FATAL "critical message" at +<t>  wasi.logging.context="ctx.critical"`,
    ]);
  });
});

describe('a method called through a handle the guest was never given (jco passes the host a blank Span)', () => {
  /*
   * In a fresh instance, handle 1 is past the end of jco's handle table: the glue calls the
   * method with `this` an Object.create(Span.prototype) whose constructor never ran (see the
   * header of wasi-observe-forwarder.wat). Host imports never throw into a guest: the call is
   * reported as unknown_span_handle and ignored, the guest goes on, the host span is OK.
   */
  const LINK = '{span-context: {trace-id: "0af7651916cd43dd8448eb211c80319c", span-id: "b7ad6b7169203331", trace-flags: {sampled}, is-remote: true, trace-state: []}, attributes: []}';
  const unknown = (method: string): string => `wasm-otel: unknown_span_handle: span.${method}: the handle names no span of this instance (unknown or already dropped); ignored`;
  const tree = ['trace <id>', `<bar> └─ ${FORWARDER}  internal  <t>  OK`];
  const masked = (stderr: string): string[] =>
    stderr
      .trimEnd()
      .split('\n')
      .map((line) => (/^trace [0-9a-f]{32}$/.test(line) ? 'trace <id>' : maskBar(line).replace(/\b\d+(?:\.\d+)?(?:ms|us)\b/g, '<t>')));

  it.each([
    ['set-attributes', 'set-attributes(1, [{key: "k", value: bool(true)}])'],
    ['add-event', 'add-event(1, "e", none, none)'],
    ['add-link', `add-link(1, ${LINK})`],
    ['set-status', 'set-status(1, error("boom"))'],
    ['update-name', 'update-name(1, "renamed")'],
    ['end', 'end(1, none)'],
  ])('%s: one unknown_span_handle line, exit 0, no result', async (method, invoke) => {
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke], COLUMNS_96);
    expect({ code: result.code, stdout: result.stdout, stderr: masked(result.stderr) }).toEqual({ code: 0, stdout: '', stderr: [unknown(method), ...tree] });
  });

  it.each([
    ['span-context', 'span-context(1)', '{trace-id: "00000000000000000000000000000000", span-id: "0000000000000000", trace-flags: {}, is-remote: false, trace-state: []}\n'],
    ['is-recording', 'is-recording(1)', 'false\n'],
  ])('%s: one unknown_span_handle line, exit 0, the answer for no span', async (method, invoke, stdout) => {
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke], COLUMNS_96);
    expect({ code: result.code, stdout: result.stdout, stderr: masked(result.stderr) }).toEqual({ code: 0, stdout, stderr: [unknown(method), ...tree] });
  });
});

describe('float64 values over OTLP (a known limit of the OTel JS exporters)', () => {
  /*
   * OTel JS holds a float64 as a JS number, and its OTLP exporters choose intValue or doubleValue
   * by value: a float64 of 2 leaves as the integer 2, and [1, 2.5] as [int 1, double 2.5]. The
   * receiver decodes doubleValue as a number and intValue as a bigint. (README: values.)
   */
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => receiver.close());

  it('float64(2) and float64-array([1, 2.5]): whole values leave as OTLP ints (the documented limit), 2.5 as a double', async () => {
    const invoke = 'start("f", some({new-root: false, span-kind: none, attributes: some([{key: "f", value: float64(2)}, {key: "fa", value: float64-array([1, 2.5])}]), links: none, timestamp: none}))';
    const result = await runCli(['run', component(FORWARDER), '--invoke', invoke], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: SERVICE });
    expect(result).toEqual({ code: 0, stdout: '1\n', stderr: '' });
    const spans = await receiver.waitForSpans(2);
    const host = expectHostSpan(spans, FORWARDER, 'start');
    const span = byName(spans, 'f');
    expectObserveSpan(span, host.traceId, host.spanId);
    expect(span.attributes).toEqual({ f: 2n, fa: [1n, 2.5], 'wasm_otel.span.close_reason': 'exit' });
  });
});

