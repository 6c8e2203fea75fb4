import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeHtmlViewWithSummary } from '../src/view/html-view.js';
import type { ViewData } from '../src/view/view-data.js';
import { runCli } from './support/cli.js';
import { ROOT, component } from './support/paths.js';

/*
 * The HTML trace view: `writeHtmlView` on fixture files of the Chrome Trace Event format (the
 * data the page embeds, read back exactly), the real CLI (`view`, `run --html`, a function-level
 * trace of an instrumented module), and the page itself in the Debian chromium, headless
 * (rows drawn, a click shows a span's attributes, zoom, the flame graph), with a screenshot kept
 * in test/artifacts/.
 */

const dir = mkdtempSync(join(tmpdir(), 'wasm-otel-view-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1733220000000000;

function otelArgs(trace: string, span: string, parent: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...extra, 'otel.trace_id': trace, 'otel.span_id': span, ...(parent ? { 'otel.parent_span_id': parent } : {}), 'otel.scope': 'fixture' };
}

/** Two traces: request (a remote parent) > db.query (error, an event) and render; background. In end order, as an exporter writes them. */
const OTEL_EVENTS = [
  { ph: 'M', pid: 1, tid: 0, name: 'process_name', args: { name: `trace ${TRACE_A}` } },
  { ph: 'M', pid: 1, tid: 1, name: 'thread_name', args: { name: 'app.wasm #1' } },
  { ph: 'X', pid: 1, tid: 1, name: 'db.query', cat: 'fixture', ts: T0 + 1000, dur: 3000, args: otelArgs(TRACE_A, '00f067aa0ba902b7', 'b7ad6b7169203331', { 'db.system': 'postgresql', rows: 3, tags: ['a', 'b'], 'otel.kind': 'client', 'otel.status_code': 'ERROR', 'otel.status_message': 'timeout </script><b>x</b>' }) },
  { ph: 'i', s: 't', pid: 1, tid: 1, name: 'retry', ts: T0 + 2500, args: { attempt: 2, 'otel.span_id': '00f067aa0ba902b7' } },
  { ph: 'X', pid: 1, tid: 1, name: 'render', cat: 'fixture', ts: T0 + 6000, dur: 2000, args: otelArgs(TRACE_A, '1111111111111111', 'b7ad6b7169203331', { 'otel.kind': 'internal', 'otel.status_code': 'UNSET' }) },
  { ph: 'X', pid: 1, tid: 1, name: 'request', cat: 'fixture', ts: T0, dur: 10000, args: otelArgs(TRACE_A, 'b7ad6b7169203331', 'aaaaaaaaaaaaaaaa', { 'http.route': '/users', 'otel.kind': 'server', 'otel.status_code': 'OK', 'otel.links': [`${TRACE_B}/2222222222222222`] }) },
  { ph: 'M', pid: 2, tid: 0, name: 'process_name', args: { name: `trace ${TRACE_B}` } },
  { ph: 'X', pid: 2, tid: 1, name: 'background', cat: 'fixture', ts: T0 + 20000, dur: 500, args: otelArgs(TRACE_B, '2222222222222222', undefined, { 'otel.kind': 'internal', 'otel.status_code': 'UNSET' }) },
];

function traceFileText(events: object[], layout: 'line-per-event' | 'one-line' | 'array' = 'line-per-event'): string {
  if (layout === 'array') return JSON.stringify(events, null, 1);
  if (layout === 'one-line') return JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms' });
  return `{"traceEvents":[\n${events.map((event) => JSON.stringify(event)).join(',\n')}\n],\n"displayTimeUnit":"ms","otherData":{"producer":"wasm-otel test"}}\n`;
}

function writeTrace(name: string, events: object[], layout?: 'line-per-event' | 'one-line' | 'array'): string {
  const file = join(dir, name);
  writeFileSync(file, traceFileText(events, layout));
  return file;
}

/** The data a page embeds, read back from its JSON block. */
function embedded(htmlFile: string): ViewData {
  const html = readFileSync(htmlFile, 'utf8');
  const match = /<script type="application\/json" id="trace-data">([\s\S]*?)<\/script>/.exec(html);
  if (match === null) throw new Error(`${htmlFile}: no trace-data block`);
  return JSON.parse(match[1]!) as ViewData;
}

const summaryOf = (data: ViewData) => data.spans.map((s) => [s.name, s.depth, s.start, s.duration, s.parent, s.trace]);

describe('the page data', () => {
  it('spans in tree order per trace, with ids, kind, status, attributes, events and links', async () => {
    const html = join(dir, 'otel.html');
    const summary = await writeHtmlViewWithSummary(writeTrace('otel.json', OTEL_EVENTS), html);
    expect(summary).toEqual({ spans: 4, spansLeftOut: 0, eventsLeftOut: 0, traces: 2 });
    const data = embedded(html);
    expect(data.producer).toBe('wasm-otel test');
    expect(data.startMicros).toBe(T0);
    expect(data.traces).toEqual([{ label: `trace ${TRACE_A}`, first: 0, count: 3 }, { label: `trace ${TRACE_B}`, first: 3, count: 1 }]);
    expect(summaryOf(data)).toEqual([
      ['request', 0, 0, 10000, -1, 0],
      ['db.query', 1, 1000, 3000, 0, 0],
      ['render', 1, 6000, 2000, 0, 0],
      ['background', 0, 20000, 500, -1, 1],
    ]);
    expect(data.spans[1]).toEqual({
      name: 'db.query', start: 1000, duration: 3000, depth: 1, parent: 0, trace: 0,
      traceId: TRACE_A, spanId: '00f067aa0ba902b7', parentSpanId: 'b7ad6b7169203331', kind: 'client',
      status: 'ERROR', statusMessage: 'timeout </script><b>x</b>', scope: 'fixture', thread: 'app.wasm #1',
      attributes: { 'db.system': 'postgresql', rows: 3, tags: ['a', 'b'] },
      events: [{ name: 'retry', offset: 1500, attributes: { attempt: 2 } }],
      links: [],
    });
    expect(data.spans[0]!.parentSpanId).toBe('aaaaaaaaaaaaaaaa');
    expect(data.spans[0]!.links).toEqual([`${TRACE_B}/2222222222222222`]);
    expect(data.spans[3]!.thread).toBe('2/1');
    // No value can close the data block: `<` is escaped.
    expect(readFileSync(html, 'utf8')).not.toContain('</script><b>');
    // Flame graph: stacks by name, total / self / count.
    expect(data.flame.names).toEqual(['request', 'db.query', 'render', 'background']);
    expect(data.flame.nodes).toEqual([[-1, 0, 10000, 5000, 1], [0, 1, 3000, 3000, 1], [0, 2, 2000, 2000, 1], [-1, 3, 500, 500, 1]]);
  });

  it('the same data from every layout of the file: one event per line, one line (stream-json), the JSON Array Format', async () => {
    const datas: ViewData[] = [];
    for (const layout of ['line-per-event', 'one-line', 'array'] as const) {
      const html = join(dir, `layout-${layout}.html`);
      await writeHtmlViewWithSummary(writeTrace(`layout-${layout}.json`, OTEL_EVENTS, layout), html);
      datas.push({ ...embedded(html), title: '', producer: null });
    }
    expect(datas[1]).toEqual(datas[0]);
    expect(datas[2]).toEqual(datas[0]);
  });

  it('events without otel args (another tool\'s file, B/E pairs too) nest by time on their thread', async () => {
    const events = [
      { ph: 'X', pid: 7, tid: 1, name: 'main', ts: 0, dur: 100 },
      { ph: 'X', pid: 7, tid: 1, name: 'a', ts: 10, dur: 30 },
      { ph: 'X', pid: 7, tid: 1, name: 'leaf', ts: 15, dur: 5, args: { n: 1 } },
      { ph: 'X', pid: 7, tid: 1, name: 'b', ts: 50, dur: 20 },
      { ph: 'X', pid: 7, tid: 1, name: 'a', ts: 55, dur: 10 },
      { ph: 'B', pid: 7, tid: 2, name: 'task', ts: 0, args: { job: 'x' } },
      { ph: 'E', pid: 7, tid: 2, ts: 40 },
    ];
    const html = join(dir, 'plain.html');
    await writeHtmlViewWithSummary(writeTrace('plain.json', events, 'array'), html);
    const data = embedded(html);
    expect(data.startMicros).toBe(0);
    expect(data.traces).toEqual([{ label: 'process 7', first: 0, count: 6 }]);
    expect(summaryOf(data)).toEqual([
      ['main', 0, 0, 100, -1, 0], ['a', 1, 10, 30, 0, 0], ['leaf', 2, 15, 5, 1, 0], ['b', 1, 50, 20, 0, 0], ['a', 2, 55, 10, 3, 0], ['task', 0, 0, 40, -1, 0],
    ]);
    expect(data.spans[2]!.attributes).toEqual({ n: 1 });
    expect(data.spans[5]!.attributes).toEqual({ job: 'x' });
    expect(data.spans[0]!.status).toBe('UNSET');
    expect(data.flame.names).toEqual(['main', 'a', 'leaf', 'b', 'task']);
    expect(data.flame.nodes).toEqual([[-1, 0, 100, 50, 1], [0, 1, 30, 25, 1], [1, 2, 5, 5, 1], [0, 3, 20, 10, 1], [3, 1, 10, 10, 1], [-1, 4, 40, 40, 1]]);
  });

  it('two traces that reuse the same span ids (as a guest does in every call): two trees, each event on its own trace\'s span', async () => {
    const root = 'a000000000000001';
    const child = 'a000000000000002';
    const events = [
      { ph: 'X', pid: 1, tid: 1, name: 'work', ts: T0 + 100, dur: 400, args: otelArgs(TRACE_A, child, root) },
      // Written by this version: the event names its trace.
      { ph: 'i', s: 't', pid: 1, tid: 1, name: 'a-done', ts: T0 + 500, args: { 'otel.trace_id': TRACE_A, 'otel.span_id': child } },
      { ph: 'X', pid: 1, tid: 1, name: 'request', ts: T0, dur: 1000, args: otelArgs(TRACE_A, root, undefined) },
      { ph: 'X', pid: 2, tid: 1, name: 'work', ts: T0 + 5500, dur: 1000, args: otelArgs(TRACE_B, child, root) },
      // As files written before: the span id alone, the trace found through the pid.
      { ph: 'i', s: 't', pid: 2, tid: 1, name: 'b-done', ts: T0 + 6000, args: { 'otel.span_id': child } },
      { ph: 'X', pid: 2, tid: 1, name: 'request', ts: T0 + 5000, dur: 2000, args: otelArgs(TRACE_B, root, undefined) },
    ];
    const file = writeTrace('same-ids.json', events);
    const html = join(dir, 'same-ids.html');
    expect(await writeHtmlViewWithSummary(file, html)).toEqual({ spans: 4, spansLeftOut: 0, eventsLeftOut: 0, traces: 2 });
    const data = embedded(html);
    expect(summaryOf(data)).toEqual([
      ['request', 0, 0, 1000, -1, 0],
      ['work', 1, 100, 400, 0, 0],
      ['request', 0, 5000, 2000, -1, 1],
      ['work', 1, 5500, 1000, 2, 1],
    ]);
    expect(data.spans.map((s) => [s.traceId, s.events.map((e) => [e.name, e.offset])])).toEqual([
      [TRACE_A, []], [TRACE_A, [['a-done', 400]]], [TRACE_B, []], [TRACE_B, [['b-done', 500]]],
    ]);
    // request: 1000 + 2000 in all, self (1000 - 400) + (2000 - 1000); work: 400 + 1000.
    expect(data.flame.names).toEqual(['request', 'work']);
    expect(data.flame.nodes).toEqual([[-1, 0, 3000, 1600, 2], [0, 1, 1400, 1400, 2]]);
    // Over the limit (a second read for the details): only the first trace's event is kept.
    const capped = join(dir, 'same-ids-capped.html');
    expect(await writeHtmlViewWithSummary(file, capped, { spans: 2, events: 100, flameNodes: 100 })).toEqual({ spans: 4, spansLeftOut: 2, eventsLeftOut: 1, traces: 1 });
    expect(embedded(capped).spans.map((s) => [s.name, s.traceId, s.events.map((e) => e.name)])).toEqual([['request', TRACE_A, []], ['work', TRACE_A, ['a-done']]]);
  });

  it('over the limit: the first spans by start and their ancestors are embedded, the flame graph has every span', async () => {
    const trace = TRACE_A;
    const id = (n: number) => n.toString(16).padStart(16, '0');
    const events: object[] = [];
    // g (id 20) starts before its parent c8: the cap must bring c8 along.
    events.push({ ph: 'X', pid: 1, tid: 1, name: 'g', ts: T0 + 500, dur: 1, args: otelArgs(trace, id(20), id(8)) });
    events.push({ ph: 'i', s: 't', pid: 1, tid: 1, name: 'kept', ts: T0 + 500, args: { 'otel.span_id': id(20) } });
    events.push({ ph: 'i', s: 't', pid: 1, tid: 1, name: 'dropped', ts: T0 + 2000, args: { 'otel.span_id': id(2) } });
    for (let n = 1; n <= 8; n++) events.push({ ph: 'X', pid: 1, tid: 1, name: 'c', ts: T0 + n * 1000, dur: 100, args: otelArgs(trace, id(n), id(100)) });
    events.push({ ph: 'X', pid: 1, tid: 1, name: 'R', ts: T0, dur: 10000, args: otelArgs(trace, id(100), undefined) });
    for (const layout of ['line-per-event', 'one-line'] as const) {
      const html = join(dir, `capped-${layout}.html`);
      const summary = await writeHtmlViewWithSummary(writeTrace(`capped-${layout}.json`, events, layout), html, { spans: 3, events: 100, flameNodes: 100 });
      expect(summary).toEqual({ spans: 10, spansLeftOut: 6, eventsLeftOut: 1, traces: 1 });
      const data = embedded(html);
      expect(data.spans.map((s) => [s.name, s.spanId, s.depth])).toEqual([['R', id(100), 0], ['c', id(1), 1], ['c', id(8), 1], ['g', id(20), 2]]);
      expect(data.spans[3]!.events).toEqual([{ name: 'kept', offset: 0, attributes: {} }]);
      expect(data.spans[2]!.scope).toBe('fixture');
      expect(data.flame.nodes).toEqual([[-1, 0, 10000, 9200, 1], [0, 1, 800, 799, 8], [1, 2, 1, 1, 1]]);
    }
  });
});

describe('wasm-otel view', () => {
  it('writes <input>.html beside the input by default and prints its path', async () => {
    const input = join(dir, 'my-run.json');
    copyFileSync(writeTrace('source.json', OTEL_EVENTS), input);
    const result = await runCli(['view', input]);
    expect(result).toEqual({ code: 0, stdout: `${join(dir, 'my-run.html')}\n`, stderr: '' });
    expect(embedded(join(dir, 'my-run.html')).spans).toHaveLength(4);
    const named = await runCli(['view', input, '-o', join(dir, 'other.html')]);
    expect(named).toEqual({ code: 0, stdout: `${join(dir, 'other.html')}\n`, stderr: '' });
  });

  it('a missing, non-JSON or non-trace file is one line and exit 1; usage errors exit 2', async () => {
    const missing = join(dir, 'missing.json');
    expect(await runCli(['view', missing])).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: cannot read ${missing}: no such file\n` });
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, 'hello');
    expect(await runCli(['view', garbage])).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: ${garbage}: not a Chrome trace file (expected a JSON object with "traceEvents", or an array of events)\n` });
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"traceEvents":[{"ph":"X","name":"a"} {"ph":"X"}]}');
    const brokenResult = await runCli(['view', broken]);
    expect(brokenResult.code).toBe(1);
    expect(brokenResult.stderr).toMatch(new RegExp(`^wasm-otel: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\([^\\n]+\\)\\n$`));
    const other = join(dir, 'other-object.json');
    writeFileSync(other, '{"spans": []}');
    expect(await runCli(['view', other])).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: ${other}: not a Chrome trace file (no "traceEvents" array)\n` });
    const numbers = join(dir, 'numbers.json');
    writeFileSync(numbers, '[1, 2, 3]');
    expect(await runCli(['view', numbers])).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: ${numbers}: not a Chrome trace file (3 elements, none an event object)\n` });
    expect(await runCli(['view'])).toEqual({ code: 2, stdout: '', stderr: 'wasm-otel: view needs a trace file (e.g. trace.json, written by run --trace-file)\nRun "wasm-otel --help" for usage.\n' });
    expect((await runCli(['view', 'a.json', 'b.json'])).stderr).toBe('wasm-otel: unexpected argument "b.json" (view takes one trace file; the page goes to -o)\nRun "wasm-otel --help" for usage.\n');
    expect((await runCli(['view', 'a.json', '--invoke', 'x'])).stderr).toBe('wasm-otel: --invoke is not an option of view (it takes -o)\nRun "wasm-otel --help" for usage.\n');
    expect((await runCli(['view', 'a.json', '-o', 'a.json'])).code).toBe(2);
    expect(await runCli(['view', 'a.json', '-o', 'x.html', '-o', 'y.html'])).toEqual({ code: 2, stdout: '', stderr: 'wasm-otel: --output given 2 times (once per run)\nRun "wasm-otel --help" for usage.\n' });
    expect((await runCli(['vew', 'a.json'])).stderr).toBe('wasm-otel: unknown command "vew" (did you mean "view"?)\nRun "wasm-otel --help" for usage.\n');
  });

  it('a file that ends early (a run that crashed): one line saying so, and the page of what was read', async () => {
    const full = traceFileText(OTEL_EVENTS);
    const oneLine = traceFileText(OTEL_EVENTS, 'one-line');
    const cases: [string, string, number][] = [
      // As --trace-file leaves it when the process dies: whole events, no closing.
      ['lines', full.slice(0, full.indexOf('\n],')), 8],
      ['lines-comma', `${full.slice(0, full.indexOf('\n],'))},\n`, 8],
      ['cut-event', full.slice(0, full.indexOf('"background"')), 7],
      ['one-line', oneLine.slice(0, oneLine.indexOf('],"displayTimeUnit"')), 8],
      ['one-line-cut-event', oneLine.slice(0, oneLine.indexOf('"background"')), 7],
      ['nothing-yet', '{"traceEvents":[\n', 0],
    ];
    for (const [name, text, events] of cases) {
      const file = join(dir, `ends-early-${name}.json`);
      writeFileSync(file, text);
      const result = await runCli(['view', file]);
      expect(result, name).toEqual({ code: 0, stdout: `${join(dir, `ends-early-${name}.html`)}\n`, stderr: `wasm-otel: ${file} ends early: ${events} event${events === 1 ? '' : 's'} read; the page shows them\n` });
      const data = embedded(join(dir, `ends-early-${name}.html`));
      expect(data.endsEarlyAfter, name).toBe(events);
      expect(data.spans.map((s) => s.name), name).toEqual(events === 8 ? ['request', 'db.query', 'render', 'background'] : events === 7 ? ['request', 'db.query', 'render'] : []);
    }
    // A complete file says nothing of the kind.
    const whole = join(dir, 'whole.html');
    expect(await runCli(['view', writeTrace('whole.json', OTEL_EVENTS)])).toEqual({ code: 0, stdout: `${whole}\n`, stderr: '' });
    expect(embedded(whole).endsEarlyAfter).toBeUndefined();
  });

  it('a second signal while the page is written (the process exits at once) leaves no half-written page aside', async () => {
    const out = mkdtempSync(join(dir, 'exit-'));
    const html = join(out, 'page.html');
    // The write of the page completes, then the process exits before the rename, as a second signal's process.exit does.
    const script = [
      "import fsp from 'node:fs/promises';",
      "import { syncBuiltinESMExports } from 'node:module';",
      'const write = fsp.writeFile;',
      'fsp.writeFile = async (...args) => { await write(...args); process.exit(130); };',
      'syncBuiltinESMExports();',
      `const { writeHtmlView } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'view', 'html-view.js')).href)});`,
      `await writeHtmlView(${JSON.stringify(writeTrace('exit.json', OTEL_EVENTS))}, ${JSON.stringify(html)});`,
    ].join('\n');
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect([child.status, child.stderr]).toEqual([130, '']);
    expect(readdirSync(out)).toEqual([]);
  });

  it('run --html: the page of a real component\'s trace', async () => {
    const html = join(dir, 'scenarios.html');
    const result = await runCli(['run', '--html', html, '--invoke', 'nested-spans()', component('scenarios.wasm')], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    const data = embedded(html);
    // Titled after the guest, not the temporary trace file.
    expect(data.title).toBe('scenarios.wasm');
    expect(data.spans.map((s) => [s.name, s.depth, s.scope])).toEqual([
      ['scenarios.wasm', 0, 'wasm-otel'], ['outer', 1, 'wasm-otel-scenarios'], ['middle', 2, 'wasm-otel-scenarios'], ['inner', 3, 'wasm-otel-scenarios'],
    ]);
    expect(data.spans[3]!.attributes).toEqual({ level: 3, 'work.items': 3 });
    expect(data.spans[3]!.events.map((e) => [e.name, e.attributes])).toEqual([['work-done', { result: 'success' }]]);
    expect(data.spans[1]!.status).toBe('OK');
    expect(data.traces).toHaveLength(1);
  });

  it('a function-level trace (run --instrument --trace-file, then view): the flame graph merges every call by stack', async () => {
    const traceFile = join(dir, 'recursion.json');
    const run = await runCli(['run', '--instrument', '--trace-file', traceFile, component('instr-recursion.wasm')], { OTEL_TRACES_EXPORTER: 'none' });
    expect(run.code).toBe(0);
    const spansInFile = (JSON.parse(readFileSync(traceFile, 'utf8')) as { traceEvents: { ph: string }[] }).traceEvents.filter((e) => e.ph === 'X').length;
    const view = await runCli(['view', traceFile]);
    expect(view).toEqual({ code: 0, stdout: `${join(dir, 'recursion.html')}\n`, stderr: '' });
    const data = embedded(join(dir, 'recursion.html'));
    expect(data.spanCount).toBe(spansInFile);
    expect(data.flame.nodesLeftOut).toBe(0);
    expect(data.flame.nodes.reduce((sum, node) => sum + node[4], 0)).toBe(spansInFile);
    const name = (n: number) => data.flame.names[data.flame.nodes[n]![1]]!;
    expect(name(0)).toBe('instr-recursion.wasm');
    expect(data.flame.nodes.some((node) => name(data.flame.nodes.indexOf(node)) === 'is_odd' && node[0] >= 0 && name(node[0]) === 'is_even')).toBe(true);
    // A node's children never take more time than it does.
    const childTotal = new Map<number, number>();
    for (const node of data.flame.nodes) if (node[0] >= 0) childTotal.set(node[0], (childTotal.get(node[0]) ?? 0) + node[2]);
    for (const [parent, total] of childTotal) expect(total).toBeLessThanOrEqual(data.flame.nodes[parent]![2] + 0.01);
  });
});

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
if (CHROMIUM === undefined) console.log('html-view.test: the browser test is skipped: no chromium (install the Debian package: apt-get install chromium)');

describe('the page in headless chromium', () => {
  it.skipIf(CHROMIUM === undefined)('draws a row per span, shows a clicked span\'s attributes, zooms, and draws the flame graph', async () => {
    const html = join(dir, 'browser.html');
    await writeHtmlViewWithSummary(writeTrace('browser.json', OTEL_EVENTS), html);
    const browser = await puppeteer.launch({ executablePath: CHROMIUM!, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(String(error)));
      page.on('request', (request) => { if (!request.url().startsWith('file:')) errors.push(`request ${request.url()}`); });
      await page.setViewport({ width: 1400, height: 640 });
      await page.goto(pathToFileURL(html).href);
      await page.waitForSelector('body[data-ready="true"]');
      expect(await page.$$eval('#rows .row .name', (names) => names.map((n) => n.textContent))).toEqual(['request', 'db.query', 'render', 'background']);
      expect(await page.$$eval('#rows .trace-row .name', (names) => names.map((n) => n.textContent))).toEqual([`trace ${TRACE_A}`, `trace ${TRACE_B}`]);
      expect(await page.$$eval('#rows .row.error .name', (names) => names.map((n) => n.textContent))).toEqual(['db.query']);

      await page.click('.row[data-index="1"] .label');
      expect(await page.$eval('#details h2', (h) => h.textContent)).toBe('db.query');
      const attributes = await page.$$eval('#details > table[data-x], #details > table tr[data-attribute]', (rows) => rows.map((r) => [r.getAttribute('data-attribute'), r.querySelector('.value')!.textContent]));
      expect(attributes.slice(0, 3)).toEqual([['db.system', 'postgresql'], ['rows', '3'], ['tags', '["a","b"]']]);
      const fields = Object.fromEntries(await page.$$eval('#details tr[data-field]', (rows) => rows.map((r) => [r.getAttribute('data-field'), r.querySelector('.value')!.textContent])));
      expect(fields).toMatchObject({ 'span id': '00f067aa0ba902b7', 'parent span id': 'b7ad6b7169203331', kind: 'client', status: 'ERROR: timeout </script><b>x</b>', duration: '3 ms', instance: 'app.wasm #1' });
      expect(await page.$$eval('#details .event-name', (names) => names.map((n) => n.textContent))).toEqual(['+1.5 ms  retry']);
      expect(await page.$$eval('#details .event tr[data-attribute]', (rows) => rows.map((r) => r.textContent))).toEqual(['attempt2']);

      const rootWidth = () => page.$eval('.row[data-index="0"] .bar', (bar) => (bar as HTMLElement).style.width);
      const before = await rootWidth();
      await page.click('#zoom-in');
      await page.waitForFunction((w) => (document.querySelector('.row[data-index="0"] .bar') as HTMLElement).style.width !== w, {}, before);
      expect(Number.parseFloat(await rootWidth()) / Number.parseFloat(before)).toBeCloseTo(2, 6);
      await page.click('#zoom-reset');
      await page.waitForFunction((w) => (document.querySelector('.row[data-index="0"] .bar') as HTMLElement).style.width === w, {}, before);
      await page.click('.row[data-index="1"] .label');

      mkdirSync(join(ROOT, 'test', 'artifacts'), { recursive: true });
      const shot = join(ROOT, 'test', 'artifacts', 'html-view.png');
      await page.screenshot({ path: shot });
      console.log(`html-view.test: screenshot of the waterfall: ${shot}`);

      await page.click('#tab-flame');
      expect(await page.$$eval('#flame .frame', (frames) => frames.map((f) => f.textContent))).toEqual(['request', 'db.query', 'render', 'background']);
      await page.click('#flame .frame[data-node="1"]');
      const frame = Object.fromEntries(await page.$$eval('#details tr[data-field]', (rows) => rows.map((r) => [r.getAttribute('data-field'), r.querySelector('.value')!.textContent])));
      expect(frame).toEqual({ 'total time': '3 ms (28.6% of all)', 'self time': '3 ms', count: '1', average: '3 ms' });
      const flameShot = join(ROOT, 'test', 'artifacts', 'html-view-flame.png');
      await page.screenshot({ path: flameShot });
      console.log(`html-view.test: screenshot of the flame graph: ${flameShot}`);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
