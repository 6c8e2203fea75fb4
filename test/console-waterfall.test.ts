import { SpanStatusCode, context, trace, type HrTime, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsoleTreeExporter, formatTraceTree } from '../src/index.js';
import { ConsoleReport } from '../src/telemetry/console-report.js';
import { DEFAULT_WATERFALL_WIDTH, waterfallStyleFor } from '../src/telemetry/waterfall-style.js';
import { runCli } from './support/cli.js';
import { component } from './support/paths.js';

/*
 * The waterfall of the console tree: a bar before each span line, placed and sized by the span's
 * start and duration within its trace. Spans with exact times from the SDK's own tracer.
 */

/** 2024-12-03T10:00:00Z: the start of the known trace. */
const T0 = 1_733_220_000;
/** A moment `ns` nanoseconds after T0. */
const at = (ns: number): HrTime => [T0 + Math.floor(ns / 1e9), ns % 1e9];
const MS = 1e6;

/** Records spans with the SDK's tracer; `span(name, start, end, parent)` with exact times. */
function recorder() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('waterfall-test');
  const span = (name: string, start: HrTime, end: HrTime, parent?: Span, shape?: (span: Span) => void): Span => {
    const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
    const made = tracer.startSpan(name, { startTime: start }, parentContext);
    shape?.(made);
    made.end(end);
    return made;
  };
  return { span, spans: (): ReadableSpan[] => exporter.getFinishedSpans() };
}

/**
 * The known trace: root 0 to 1000 ms with children in the first quarter, a tiny one (1 us at
 * 250 ms), the second half (an event at 750 ms, status error), one on a guest's own clock (2023)
 * and one after the root ended.
 */
function knownTrace(): ReadableSpan[] {
  const { span, spans } = recorder();
  const root = span('root', at(0), at(1000 * MS));
  span('old-clock', [1_700_000_000, 0], [1_700_000_001, 0], root);
  span('first-quarter', at(0), at(250 * MS), root);
  span('tiny', at(250 * MS), at(250 * MS + 1000), root);
  span('second-half', at(500 * MS), at(1000 * MS), root, (s) => {
    s.addEvent('halfway', at(750 * MS));
    s.setStatus({ code: SpanStatusCode.ERROR, message: 'slow' });
  });
  span('future', at(2000 * MS), at(2100 * MS), root);
  return spans();
}

/** The lines after `trace <id>`. */
const treeLines = (text: string): string[] => {
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^trace [0-9a-f]{32}$/);
  return lines.slice(1);
};

/** A sink shaped like a terminal's stream, keeping what is written. */
function terminalSink(columns: number) {
  let text = '';
  return { isTTY: true, columns, write: (chunk: string) => (text += chunk), text: () => text };
}

describe('bars placed and sized by start and duration within the trace (ASCII, 20 cells)', () => {
  const lines = treeLines(formatTraceTree(knownTrace(), [], { waterfall: { width: 20, ascii: true } }));

  it('draws the whole known trace: each span at floor(offset / frame * 20), at least one cell, never past the column', () => {
    expect(lines).toEqual([
      '|====================| └─ root  internal  1000ms',
      '|<                   |    ├─ old-clock  internal  1000ms',
      '|=====               |    ├─ first-quarter  internal  250ms',
      '|     =              |    ├─ tiny  internal  1.0us',
      '|          =====*====|    ├─ second-half  internal  500ms  ERROR "slow"',
      '                          │    event "halfway" at +250ms',
      '|                   >|    └─ future  internal  100ms',
    ]);
  });

  it('the root fills the column: the frame is its time', () => {
    expect(lines[0]!.slice(0, 22)).toBe(`|${'='.repeat(20)}|`);
  });

  it('a child in the second half starts in cell 10 and ends with the column; its event is marked in cell 15', () => {
    const bar = lines[4]!.slice(1, 21);
    expect(bar.indexOf('=')).toBe(10);
    expect(bar.indexOf('*')).toBe(15);
    expect(bar.trimEnd()).toHaveLength(20);
  });

  it('a span too short for a cell (1 us of 1 s) still shows one mark, in the cell of its start (250 ms: cell 5)', () => {
    expect(lines[3]!.slice(1, 21)).toBe('     =              ');
  });

  it('spans wholly outside the frame are clamped to its edges, one mark each: < before, > after', () => {
    expect(lines[1]!.slice(0, 22)).toBe('|<                   |');
    expect(lines[6]!.slice(0, 22)).toBe('|                   >|');
    for (const line of lines) expect(line.startsWith(' ') || /^\|[ =*<>]{20}\| /.test(line)).toBe(true);
  });

  it('lines without a bar (attributes, events, logs) get blanks as wide as the column: the tree stays aligned', () => {
    expect(lines[5]!.slice(0, 23)).toBe(' '.repeat(23));
  });
});

describe('the frame of a trace', () => {
  it('a child that ends after its parent widens the frame (0 to 1500 ms): the root takes 16 of 24 cells', () => {
    const { span, spans } = recorder();
    const root = span('root', at(0), at(1000 * MS));
    span('late', at(500 * MS), at(1500 * MS), root);
    expect(treeLines(formatTraceTree(spans(), [], { waterfall: { width: 24, ascii: true } }))).toEqual([
      '|================        | └─ root  internal  1000ms',
      '|        ================|    └─ late  internal  1000ms',
    ]);
  });

  it('a frame of no length (one instant): every span at that instant fills the column', () => {
    const { span, spans } = recorder();
    const root = span('instant', at(0), at(0));
    span('also-instant', at(0), at(0), root);
    expect(treeLines(formatTraceTree(spans(), [], { waterfall: { width: 10, ascii: true } }))).toEqual([
      '|==========| └─ instant  internal  0.0us',
      '|==========|    └─ also-instant  internal  0.0us',
    ]);
  });

  it('an end before the start (a guest may send one) is a span of no length: one mark, no wider bar', () => {
    const { span, spans } = recorder();
    const root = span('root', at(0), at(1000 * MS));
    span('backwards', at(500 * MS), at(100 * MS), root);
    expect(treeLines(formatTraceTree(spans(), [], { waterfall: { width: 10, ascii: true } }))[1]).toBe('|     =    |    └─ backwards  internal  0.0us');
  });

  it('by default a library tree has the ASCII waterfall of 24 cells; waterfall: false gives the tree alone', () => {
    const spans = knownTrace();
    expect(treeLines(formatTraceTree(spans))[0]).toBe(`|${'='.repeat(DEFAULT_WATERFALL_WIDTH)}| └─ root  internal  1000ms`);
    expect(treeLines(formatTraceTree(spans, [], { waterfall: false }))).toEqual([
      '└─ root  internal  1000ms',
      '   ├─ old-clock  internal  1000ms',
      '   ├─ first-quarter  internal  250ms',
      '   ├─ tiny  internal  1.0us',
      '   ├─ second-half  internal  500ms  ERROR "slow"',
      '   │    event "halfway" at +250ms',
      '   └─ future  internal  100ms',
    ]);
  });
});

describe('width and glyphs follow the output', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('a terminal: a quarter of its columns, 10 to 60 cells, Unicode and colour', () => {
    expect(waterfallStyleFor({ isTTY: true, columns: 100 }, {})).toEqual({ width: 25, ascii: false });
    expect(waterfallStyleFor({ isTTY: true, columns: 20 }, {})).toEqual({ width: 10, ascii: false });
    expect(waterfallStyleFor({ isTTY: true, columns: 400 }, {})).toEqual({ width: 60, ascii: false });
    // Its own columns win over COLUMNS (the shell's value at start, maybe stale).
    expect(waterfallStyleFor({ isTTY: true, columns: 100 }, { COLUMNS: '200' })).toEqual({ width: 25, ascii: false });
  });

  it('not a terminal: 24 cells of ASCII, unless COLUMNS says how wide the output is', () => {
    expect(waterfallStyleFor({ columns: 200 }, {})).toEqual({ width: 24, ascii: true });
    expect(waterfallStyleFor({}, { COLUMNS: '80' })).toEqual({ width: 20, ascii: true });
    expect(waterfallStyleFor({}, { COLUMNS: 'wide' })).toEqual({ width: 24, ascii: true });
    expect(waterfallStyleFor({}, { COLUMNS: '0' })).toEqual({ width: 24, ascii: true });
  });

  it('NO_COLOR (set and not empty) or TERM=dumb: ASCII on a terminal too', () => {
    expect(waterfallStyleFor({ isTTY: true, columns: 100 }, { NO_COLOR: '1' })).toEqual({ width: 25, ascii: true });
    expect(waterfallStyleFor({ isTTY: true, columns: 100 }, { NO_COLOR: '' })).toEqual({ width: 25, ascii: false });
    expect(waterfallStyleFor({ isTTY: true, columns: 100 }, { TERM: 'dumb' })).toEqual({ width: 25, ascii: true });
  });

  it('the console report on a terminal of 80 columns: 20 cells of blocks, coloured, in the same cells as the ASCII', () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('TERM', 'xterm-256color');
    const report = new ConsoleReport();
    report.spanExporter.export(knownTrace(), () => {});
    const sink = terminalSink(80);
    report.print(sink);
    const fancy = treeLines(sink.text());
    expect(fancy[0]).toBe(`\x1b[2m▕\x1b[22m\x1b[36m${'█'.repeat(20)}\x1b[39m\x1b[2m▏\x1b[22m └─ root  internal  1000ms`);
    // The error span in red; the tiny one as the narrowest block.
    expect(fancy[4]).toBe(`\x1b[2m▕\x1b[22m          \x1b[31m█████*████\x1b[39m\x1b[2m▏\x1b[22m    ├─ second-half  internal  500ms  ERROR "slow"`);
    expect(stripVTControlCharacters(fancy[3]!)).toBe('▕     ▏              ▏    ├─ tiny  internal  1.0us');
    const ascii = treeLines(formatTraceTree(knownTrace(), [], { waterfall: { width: 20, ascii: true } }));
    const cellsOf = (line: string): string => [...stripVTControlCharacters(line)].slice(1, 21).map((c) => (c === ' ' ? ' ' : '#')).join('');
    expect(fancy.map(cellsOf)).toEqual(ascii.map(cellsOf));
  });

  it('ConsoleTreeExporter draws for its sink: ASCII to a terminal with NO_COLOR, width from its columns', async () => {
    vi.stubEnv('NO_COLOR', '1');
    const sink = terminalSink(48);
    const exporter = new ConsoleTreeExporter(sink);
    exporter.export(knownTrace(), () => {});
    await exporter.shutdown();
    expect(treeLines(sink.text())[0]).toBe(`|${'='.repeat(12)}| └─ root  internal  1000ms`);
  });
});

describe('through the CLI (stderr a pipe, not a terminal)', () => {
  it('nested-spans: an ASCII bar column before every span line, each child inside its parent', async () => {
    const result = await runCli(['run', '--invoke', 'nested-spans()', component('scenarios.wasm')], { COLUMNS: '96' });
    expect(result.code).toBe(0);
    const lines = treeLines(result.stderr);
    const spanLines = lines.filter((line) => line.startsWith('|'));
    expect(spanLines.map((line) => line.slice(27).replace(/\d+(\.\d+)?(ms|us)/, '<t>'))).toEqual([
      '└─ scenarios.wasm  internal  <t>  OK',
      '   └─ outer  internal  <t>  OK',
      '      └─ middle  internal  <t>',
      '         └─ inner  internal  <t>',
    ]);
    for (const line of lines.filter((l) => !l.startsWith('|'))) expect(line.slice(0, 27)).toBe(' '.repeat(27));
    const cells = spanLines.map((line) => {
      expect(line).toMatch(/^\|[ =*]{24}\| /);
      const bar = line.slice(1, 25);
      return { first: bar.search(/[=*]/), end: bar.trimEnd().length, bar };
    });
    expect(cells[0]!.bar).toBe('='.repeat(24));
    for (let i = 1; i < cells.length; i++) {
      const [parent, child] = [cells[i - 1]!, cells[i]!];
      expect(child.bar.slice(child.first, child.end)).toMatch(/^[=*]+$/);
      expect(child.first).toBeGreaterThanOrEqual(parent.first);
      expect(child.end).toBeLessThanOrEqual(parent.end);
    }
    // inner's event ("work-done") marked on its bar.
    expect(cells[3]!.bar).toContain('*');
  });
});
