import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { CLI, ROOT, component } from './support/paths.js';

/*
 * `--trace-file` through the real CLI (dist/): the Chrome Trace Event file of real guests, exact
 * events for the scenarios (names, ids, pid/tid, times, args, span events as instant events), a
 * trap, a SIGINT while the guest runs, unwritable paths, `serve`, `--html`, and a million spans
 * in the memory of a run without the file.
 */

interface TraceEvent {
  ph: string;
  pid: number;
  tid: number;
  name: string;
  cat?: string;
  ts?: number;
  dur?: number;
  s?: string;
  args: Record<string, unknown>;
}
interface TraceDocument {
  traceEvents: TraceEvent[];
  displayTimeUnit: string;
  otherData: { producer: string };
}

let scratch: string;
let receiver: OtlpReceiver;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-trace-file-'));
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await receiver.close();
});
beforeEach(() => receiver.reset());

let fileCount = 0;
const newPath = (name = 'trace.json'): string => join(scratch, `${++fileCount}-${name}`);
const read = (path: string): TraceDocument => JSON.parse(readFileSync(path, 'utf8')) as TraceDocument;
const complete = (doc: TraceDocument): TraceEvent[] => doc.traceEvents.filter((e) => e.ph === 'X');
const named = (doc: TraceDocument, name: string): TraceEvent => {
  const found = complete(doc).filter((e) => e.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};
/** The span's end in microseconds. */
const endOf = (e: TraceEvent): number => e.ts! + e.dur!;
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NONE = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

describe('run --trace-file', () => {
  it('nested-spans: every span a complete event, nested by time and parent ids, the span event an instant event', async () => {
    const path = newPath();
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', path]);
    expect(result.code).toBe(0);
    // The console report (no OTLP endpoint) still prints: the file is in addition.
    expect(result.stderr).toMatch(/^trace [0-9a-f]{32}\n/);
    const doc = read(path);
    expect(doc.displayTimeUnit).toBe('ms');
    expect(doc.otherData).toEqual({ producer: `wasm-otel ${VERSION}` });
    const host = named(doc, 'scenarios.wasm');
    const traceId = host.args['otel.trace_id'] as string;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(result.stderr.startsWith(`trace ${traceId}\n`)).toBe(true);
    // Metadata first (when pid 1 and tid 1 are first seen), then the spans as they ended.
    expect(doc.traceEvents.map((e) => [e.ph, e.name, e.pid, e.tid])).toEqual([
      ['M', 'process_name', 1, 0],
      ['M', 'thread_name', 1, 1],
      ['X', 'inner', 1, 1],
      ['i', 'work-done', 1, 1],
      ['X', 'middle', 1, 1],
      ['X', 'outer', 1, 1],
      ['X', 'scenarios.wasm', 1, 1],
    ]);
    expect(doc.traceEvents[0]!.args).toEqual({ name: `trace ${traceId}` });
    expect(doc.traceEvents[1]!.args).toEqual({ name: 'scenarios.wasm #1' });
    const [outer, middle, inner] = ['outer', 'middle', 'inner'].map((name) => named(doc, name));
    const hostId = host.args['otel.span_id'] as string;
    expect(host.args).toEqual({
      'wasm.module.name': 'scenarios.wasm',
      'wasm.module.kind': 'component',
      'wasm.module.sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      'wasm.otel.shape': 'rc.2',
      'wasm.otel.version': '0.2.0-rc.2',
      'wasm.export': 'nested-spans',
      'otel.trace_id': traceId,
      'otel.span_id': hostId,
      'otel.kind': 'internal',
      'otel.status_code': 'OK',
      'otel.scope': 'wasm-otel',
    });
    expect(host.cat).toBe('wasm-otel');
    const guest = { 'otel.trace_id': traceId, 'otel.kind': 'internal', 'otel.scope': 'wasm-otel-scenarios' };
    expect(outer!.args).toEqual({ level: 1, demo: 'nested-spans', ...guest, 'otel.span_id': 'a000000000000001', 'otel.parent_span_id': hostId, 'otel.status_code': 'OK' });
    expect(middle!.args).toEqual({ level: 2, ...guest, 'otel.span_id': 'a000000000000002', 'otel.parent_span_id': 'a000000000000001', 'otel.status_code': 'UNSET' });
    expect(inner!.args).toEqual({ level: 3, 'work.items': 3, ...guest, 'otel.span_id': 'a000000000000003', 'otel.parent_span_id': 'a000000000000002', 'otel.status_code': 'UNSET' });
    for (const e of [outer, middle, inner]) expect(e!.cat).toBe('wasm-otel-scenarios');
    // Each span within its parent (the guest's clock has milliseconds: whole thousands of microseconds).
    for (const [parent, child] of [[host, outer], [outer, middle], [middle, inner]] as const) {
      expect(child!.ts!).toBeGreaterThanOrEqual(parent!.ts!);
      expect(endOf(child!)).toBeLessThanOrEqual(endOf(parent!));
    }
    for (const e of [outer, middle, inner]) {
      expect(e!.ts! % 1000).toBe(0);
      expect(e!.dur! % 1000).toBe(0);
    }
    const event = doc.traceEvents.find((e) => e.ph === 'i')!;
    expect(event).toEqual({ ph: 'i', s: 't', pid: 1, tid: 1, name: 'work-done', ts: expect.any(Number), args: { result: 'success', 'otel.trace_id': host.args['otel.trace_id'], 'otel.span_id': 'a000000000000003' } });
    expect(event.ts!).toBeGreaterThanOrEqual(inner!.ts!);
    expect(event.ts!).toBeLessThanOrEqual(endOf(inner!));
  });

  it('attributes, events and links: attribute values as JSON (bytes as base64), event times as a reader holds them, links as trace/span ids', async () => {
    const paths = { attributes: newPath(), events: newPath(), links: newPath() };
    for (const [name, path] of Object.entries(paths)) {
      const result = await runCli(['run', component('scenarios.wasm'), '--invoke', `${name}()`, '--trace-file', path], NONE);
      expect(result).toMatchObject({ code: 0, stderr: '' });
    }
    const attributes = named(read(paths.attributes), 'attributes');
    expect(attributes.args).toMatchObject({
      k: 'second',
      'attr.string': 'hello',
      'attr.bool': true,
      'attr.int': 42,
      'attr.double': 3.5,
      'attr.string_array': ['a', 'b'],
      'attr.int_array': [1, 2, 3],
      'attr.double_array': [1.5, 2.5],
      'attr.bool_array': [true, false],
      'attr.bytes': 'AQID/w==',
    });
    expect(Object.keys(attributes.args).filter((key) => !key.startsWith('otel.'))).toHaveLength(10);
    const events = read(paths.events);
    const span = named(events, 'events');
    expect(span.args['otel.links']).toBeUndefined();
    const instants = events.traceEvents.filter((e) => e.ph === 'i');
    const ids = { 'otel.trace_id': span.args['otel.trace_id'], 'otel.span_id': 'a000000000000001' };
    expect(ids['otel.trace_id']).toMatch(/^[0-9a-f]{32}$/);
    expect(instants.map((e) => [e.name, e.args, e.pid, e.tid, e.s])).toEqual([
      ['first', { index: 1, ...ids }, 1, 1, 't'],
      ['second', { index: 2, explicit: true, ...ids }, 1, 1, 't'],
      ['third', { index: 3, ...ids }, 1, 1, 't'],
    ]);
    // { seconds: 1700000000, nanoseconds: 123456789 }: 1700000000123456.789 us is the double ...456.75.
    expect(readFileSync(paths.events, 'utf8')).toContain('"name":"second","ts":1700000000123456.8,');
    expect(named(read(paths.links), 'links').args['otel.links']).toEqual(['0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331']);
  });

  it('outlives-parent: the child that outlives its parent goes to a second lane of the instance', async () => {
    const path = newPath();
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'outlives-parent()', '--trace-file', path], NONE)).toMatchObject({ code: 0, stderr: '' });
    const doc = read(path);
    expect(doc.traceEvents.filter((e) => e.ph === 'M').map((e) => [e.name, e.pid, e.tid, e.args.name])).toEqual([
      ['process_name', 1, 0, `trace ${named(doc, 'parent').args['otel.trace_id']}`],
      ['thread_name', 1, 1, 'scenarios.wasm #1'],
      ['thread_name', 1, 2, 'scenarios.wasm #1 (2)'],
    ]);
    expect([named(doc, 'parent').tid, named(doc, 'child').tid, named(doc, 'scenarios.wasm').tid]).toEqual([1, 2, 1]);
    expect(endOf(named(doc, 'child'))).toBeGreaterThan(endOf(named(doc, 'parent')));
  });

  it('a trap: exit 1, the file complete, the spans the guest left open closed (close reason trap), the host span an error with its exception event', async () => {
    const path = newPath();
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'trap()', '--trace-file', path], NONE);
    expect(result.code).toBe(1);
    const doc = read(path);
    const spans = complete(doc);
    expect(spans.map((e) => e.name)).toEqual(['unended guest span', 'unended guest span', 'scenarios.wasm']);
    expect(spans.slice(0, 2).map((e) => [e.args['otel.span_id'], e.args['wasm_otel.span.close_reason'], e.args['otel.status_code']])).toEqual([
      ['a000000000000002', 'trap', 'ERROR'],
      ['a000000000000001', 'trap', 'ERROR'],
    ]);
    const host = named(doc, 'scenarios.wasm');
    expect(host.args['otel.status_code']).toBe('ERROR');
    const exception = doc.traceEvents.find((e) => e.ph === 'i')!;
    expect(exception.name).toBe('exception');
    expect(exception.args['otel.span_id']).toBe(host.args['otel.span_id']);
    expect(exception.args['exception.type']).toBe('RuntimeError');
  });

  it('SIGINT while the guest runs: exit 130, the file is valid JSON with every span, the open one closed (close reason signal)', async () => {
    const path = newPath();
    const { child, result } = startCli(['run', component('flood.wasm'), '--invoke', 'spin', '--trace-file', path], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      await receiver.waitForSpans(1000, 30_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    child.kill('SIGINT');
    const done = await result;
    expect(done.code).toBe(130);
    const doc = read(path);
    const spans = complete(doc);
    expect(spans).toHaveLength(1002);
    expect(spans.filter((e) => e.name === 'flood')).toHaveLength(1000);
    const closed = spans.filter((e) => e.args['wasm_otel.span.close_reason'] === 'signal');
    expect(closed.map((e) => [e.name, e.args['otel.status_message']])).toEqual([['unended guest span', 'span still open when the run was interrupted by SIGINT']]);
    expect(named(doc, 'flood.wasm').args['otel.status_message']).toBe('interrupted by SIGINT');
  });

  it('a second signal exits at once: the file is still complete, with the spans that had ended', async () => {
    // A collector that never answers holds the flush at exit; each step waits for what shows the previous one was taken.
    let exportStarted!: () => void;
    const exporting = new Promise<void>((resolve) => (exportStarted = resolve));
    const hanging = await startOtlpReceiver({ fault: () => (exportStarted(), { kind: 'hang' }) });
    try {
      const path = newPath();
      const page = `${path}.html`;
      const { child, result } = startCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', path, '--html', page], {
        OTEL_EXPORTER_OTLP_ENDPOINT: hanging.endpoint,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        // No export before the run is over, and none that gives up while the test runs.
        OTEL_BSP_SCHEDULE_DELAY: '600000',
        OTEL_BSP_EXPORT_TIMEOUT: '600000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '600000',
      });
      let stderr = '';
      const firstSignalTaken = new Promise<void>((resolve) =>
        child.stderr!.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('wasm-otel: SIGTERM while flushing telemetry')) resolve();
        }),
      );
      await exporting;
      child.kill('SIGTERM');
      await firstSignalTaken;
      child.kill('SIGINT');
      const done = await result;
      expect(done.code).toBe(130);
      expect(done.stderr.split('\n')[0]).toBe('wasm-otel: SIGTERM while flushing telemetry: exiting when the flush is done (another signal exits at once)');
      expect(done.stderr.split('\n')[1]).toMatch(/^wasm-otel: second signal \(SIGINT\): exiting at once, without finishing the flush/);
      expect(complete(read(path)).map((e) => e.name)).toEqual(['inner', 'middle', 'outer', 'scenarios.wasm']);
      // No time for the page: said, and the spans are kept for `view`.
      expect(done.stderr.split('\n')).toContain(`wasm-otel: --html ${page} not written (second signal); the spans so far are in ${path} (wasm-otel view ${path} -o ${page} makes the page)`);
      expect(existsSync(page)).toBe(false);
    } finally {
      await hanging.close();
    }
  });

  it('a write that fails during the run (a full disk) is counted at exit; the exit code stays the guest\'s', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', '/dev/full'], NONE);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'wasm-otel: traces_export_failed: 4 spans not written to /dev/full (no space left on the device)\n' });
  });

  it('OTEL_SDK_DISABLED=true: the file is written, with no spans', async () => {
    const path = newPath();
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', path], { OTEL_SDK_DISABLED: 'true' })).toMatchObject({ code: 0, stderr: '' });
    expect(read(path)).toEqual({ traceEvents: [], displayTimeUnit: 'ms', otherData: { producer: `wasm-otel ${VERSION}` } });
  });

  it('a path that cannot be written is one line and exit 2, before the guest runs', async () => {
    const missing = join(scratch, 'no-such-dir', 'trace.json');
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', missing])).toEqual({
      code: 2,
      stdout: '',
      stderr: `wasm-otel: --trace-file ${missing}: cannot write it: no such file or directory\n`,
    });
    expect(await runCli(['run', component('scenarios.wasm'), '--trace-file', scratch])).toEqual({ code: 2, stdout: '', stderr: `wasm-otel: --trace-file ${scratch}: cannot write it: is a directory\n` });
    const readOnly = join(scratch, 'read-only');
    mkdirSync(readOnly, { mode: 0o500 });
    const page = join(readOnly, 'trace.html');
    if (process.getuid?.() !== 0) {
      expect(await runCli(['run', component('scenarios.wasm'), '--html', page])).toEqual({ code: 2, stdout: '', stderr: `wasm-otel: --html ${page}: cannot write the page: permission denied\n` });
    }
    const html = join(scratch, 'missing', 'trace.html');
    expect(await runCli(['serve', component('http-hello.wasm'), '--html', html])).toEqual({ code: 2, stdout: '', stderr: `wasm-otel: --html ${html}: cannot write the page: no such file or directory\n` });
  });

  it('usage errors: an empty name, the option twice, the same file for both, on instrument', async () => {
    const usage = (message: string) => ({ code: 2, stdout: '', stderr: `wasm-otel: ${message}\nRun "wasm-otel --help" for usage.\n` });
    expect(await runCli(['run', 'x.wasm', '--trace-file', ''])).toEqual(usage('--trace-file needs a file name (e.g. trace.json)'));
    expect(await runCli(['run', 'x.wasm', '--trace-file', 'a.json', '--trace-file', 'b.json'])).toEqual(usage('--trace-file given 2 times (once per run)'));
    expect(await runCli(['serve', 'x.wasm', '--trace-file', 'a.json', '--html', './a.json'])).toEqual(usage('--html ./a.json: the page would overwrite the --trace-file'));
    expect((await runCli(['instrument', 'x.wasm', '--trace-file', 'a.json'])).stderr).toBe('wasm-otel: --trace-file is not an option of instrument (it takes -o, --include, --exclude, --min-instructions)\nRun "wasm-otel --help" for usage.\n');
  });

  it('--html: the page is made from the trace file at exit; without --trace-file the temporary trace file is removed', async () => {
    const temp = mkdtempSync(join(scratch, 'tmp-'));
    const page = newPath('trace.html');
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--html', page], { ...NONE, TMPDIR: temp });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(page).size).toBeGreaterThan(0);
    expect(readFileSync(page, 'utf8')).toContain('nested-spans');
    expect(readdirSync(temp)).toEqual([]);
    const both = { trace: newPath(), page: newPath('both.html') };
    expect(await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', both.trace, '--html', both.page], NONE)).toMatchObject({ code: 0, stderr: '' });
    expect(complete(read(both.trace))).toHaveLength(4);
    expect(statSync(both.page).size).toBeGreaterThan(0);
  });

  it('the file gets the spans also when they go over OTLP', async () => {
    const path = newPath();
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'nested-spans()', '--trace-file', path], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const sent = await receiver.waitForSpans(4);
    const written = complete(read(path));
    expect(written.map((e) => e.args['otel.span_id']).sort()).toEqual(sent.map((s) => s.spanId).sort());
  });
});

describe('serve --trace-file', () => {
  it('each request a trace (a process); SIGTERM closes the file', async () => {
    const path = newPath();
    const { child, result } = startCli(['serve', component('http-hello.wasm'), '--listen', '127.0.0.1:0', '--trace-file', path], NONE);
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^wasm-otel: serving \S+ on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on('exit', () => reject(new Error(`server exited: ${out}`)));
    });
    for (let i = 0; i < 2; i++) expect((await fetch(`${url}/hello`)).status).toBe(200);
    child.kill('SIGTERM');
    expect((await result).code).toBe(0);
    const doc = read(path);
    const servers = complete(doc).filter((e) => e.args['otel.kind'] === 'server');
    expect(servers).toHaveLength(2);
    expect(servers.map((e) => [e.pid, e.tid])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(doc.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args.name)).toEqual(['http-hello.wasm #1', 'http-hello.wasm #1']);
  });
});

/** Runs the CLI with a preload that reports the process's peak RSS (all threads) at exit. */
async function peakRss(args: string[], env: Record<string, string>): Promise<{ code: number | null; maxRssKiB: number }> {
  const preload = join(scratch, 'report-max-rss.mjs');
  const report = newPath('max-rss.txt');
  writeFileSync(preload, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_')) childEnv[key] = value;
  const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, CLI, ...args], { cwd: ROOT, env: { ...childEnv, ...env, MAX_RSS_FILE: report }, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, maxRssKiB: Number(readFileSync(report, 'utf8')) };
}

describe('a million spans', () => {
  it('flood.wasm spans-1m: every span in the file, in about the memory of the same run without it', async () => {
    const path = newPath('flood.json');
    const args = ['run', component('flood.wasm'), '--invoke', 'spans-1m'];
    const baseline = await peakRss(args, NONE);
    const withFile = await peakRss([...args, '--trace-file', path], NONE);
    expect([baseline.code, withFile.code]).toEqual([0, 0]);
    // Counted on the text (one event a line): 1,000,000 guest spans and the host span.
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('{"traceEvents":[\n')).toBe(true);
    expect(text.endsWith(`\n],\n"displayTimeUnit":"ms","otherData":{"producer":"wasm-otel ${VERSION}"}}\n`)).toBe(true);
    expect(text.match(/^\{"ph":"X",/gm)).toHaveLength(1_000_001);
    expect(text.match(/^\{"ph":"X","pid":1,"tid":1,"name":"flood",/gm)).toHaveLength(1_000_000);
    rmSync(path);
    // Keeping a million spans (or their events) would cost hundreds of MB more.
    expect(withFile.maxRssKiB - baseline.maxRssKiB).toBeLessThan(100 * 1024);
  }, 300_000);
});
