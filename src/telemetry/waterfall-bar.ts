import { SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import * as util from 'node:util';
import type { WaterfallStyle } from './waterfall-style.js';

/*
 * The waterfall of the console report: before each span line of a trace's tree, a bar placed and
 * sized by the span's start and duration within the trace, in a column of fixed width so that
 * the bars line up down the whole trace.
 */

/** The time a trace's bars are drawn against: from `start`, `lengthNs` long. */
export interface WaterfallFrame {
  start: HrTime;
  lengthNs: number;
}

/** Nanoseconds from `from` to `to` (exact for spans within about 104 days of each other). */
function nsBetween(from: HrTime, to: HrTime): number {
  return (to[0] - from[0]) * 1e9 + (to[1] - from[1]);
}

/** A span's end, never before its start (a guest may send an end earlier than its start). */
function endOf(span: ReadableSpan): HrTime {
  return nsBetween(span.startTime, span.endTime) < 0 ? span.startTime : span.endTime;
}

/** Times spans are measured against; widened passes before the frame is taken as it is. */
const MAX_WIDENING_PASSES = 4;

/**
 * The frame of a trace: from the earliest start to the latest end of its root spans (the host
 * span, for a run), widened to take in every span that overlaps it (a child that ends after its
 * parent). A span that lies wholly outside it (a guest's own clock, a fixed timestamp years
 * from the run) does not stretch the frame: it is drawn at the edge it lies beyond. Undefined
 * when there are no roots.
 */
export function waterfallFrame(roots: readonly ReadableSpan[], spans: readonly ReadableSpan[]): WaterfallFrame | undefined {
  if (roots.length === 0) return undefined;
  let start = roots[0]!.startTime;
  let end = endOf(roots[0]!);
  for (const root of roots) {
    if (nsBetween(root.startTime, start) > 0) start = root.startTime;
    if (nsBetween(end, endOf(root)) > 0) end = endOf(root);
  }
  for (let pass = 0, widened = true; widened && pass < MAX_WIDENING_PASSES; pass++) {
    widened = false;
    for (const span of spans) {
      const spanEnd = endOf(span);
      const overlaps = nsBetween(span.startTime, end) >= 0 && nsBetween(start, spanEnd) >= 0;
      if (!overlaps) continue;
      if (nsBetween(span.startTime, start) > 0) {
        start = span.startTime;
        widened = true;
      }
      if (nsBetween(end, spanEnd) > 0) {
        end = spanEnd;
        widened = true;
      }
    }
  }
  return { start, lengthNs: nsBetween(start, end) };
}

/** Where a span's bar lies: cells `first` to `end` (exclusive) of `width`. */
export interface BarCells {
  first: number;
  end: number;
  /** How much of the last cell the span fills (0 to 1]: the partial block of a terminal. */
  lastFill: number;
  /** The span lies wholly before or after the frame: one mark at that edge. */
  outside?: 'before' | 'after';
}

/**
 * The cells of a span's bar: it starts at floor(offset / frame length * width) and ends at the
 * cell its end falls in, at least one cell long (a span too short to fill a cell still shows),
 * never outside the column. In a frame of no length (one instant), a span at that instant fills
 * the whole column.
 */
export function barCells(span: ReadableSpan, frame: WaterfallFrame, width: number): BarCells {
  const startNs = nsBetween(frame.start, span.startTime);
  const endNs = nsBetween(frame.start, endOf(span));
  if (endNs < 0) return { first: 0, end: 1, lastFill: 1, outside: 'before' };
  if (startNs > frame.lengthNs) return { first: width - 1, end: width, lastFill: 1, outside: 'after' };
  if (frame.lengthNs === 0) return { first: 0, end: width, lastFill: 1 };
  const startAt = (Math.max(0, startNs) / frame.lengthNs) * width;
  const endAt = (Math.min(frame.lengthNs, endNs) / frame.lengthNs) * width;
  const first = Math.min(width - 1, Math.floor(startAt));
  const end = Math.min(width, Math.max(first + 1, Math.ceil(endAt)));
  const lastFill = Math.min(1, Math.max(0, endAt - (end - 1)));
  return { first, end, lastFill };
}

/** The cell an event falls in, when it falls inside the frame. */
function eventCell(time: HrTime, frame: WaterfallFrame, width: number): number | undefined {
  const at = nsBetween(frame.start, time);
  if (at < 0 || at > frame.lengthNs) return undefined;
  if (frame.lengthNs === 0) return 0;
  return Math.min(width - 1, Math.floor((at / frame.lengthNs) * width));
}

/**
 * Text in a colour or dim, with Node's styleText. Whether to colour was decided for the sink
 * (waterfallStyleFor), so styleText is not to check process.stdout again; a Node 20 before 20.12
 * has no styleText: the blocks go uncoloured.
 */
function paint(format: 'dim' | 'red' | 'cyan', text: string): string {
  return typeof util.styleText === 'function' ? util.styleText(format, text, { validateStream: false }) : text;
}

/** Left-aligned eighth blocks: the end of a bar inside its last cell, on a terminal. */
const EIGHTHS = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/** How cells look, in plain ASCII and on a terminal. */
const ASCII = { left: '|', right: '|', bar: '=', event: '*', before: '<', after: '>' };
const BLOCKS = { left: '▕', right: '▏', bar: '█', event: '*', before: '<', after: '>' };

/**
 * A span's bar as it goes before its tree line, borders included (`|  ====  |`): `=` for the
 * cells it covers, `*` where one of its events happened, `<` / `>` in the first / last cell for a
 * span wholly before / after the frame. On a terminal (`ascii: false`) the same cells in blocks
 * (the last one partial), coloured: red for a span with status error.
 */
export function waterfallBar(span: ReadableSpan, frame: WaterfallFrame, style: WaterfallStyle): string {
  const { width, ascii } = style;
  const glyphs = ascii ? ASCII : BLOCKS;
  const cells = barCells(span, frame, width);
  const marks = new Set<number>();
  for (const event of span.events) {
    const cell = eventCell(event.time, frame, width);
    if (cell !== undefined && cell >= cells.first && cell < cells.end) marks.add(cell);
  }
  const bar: string[] = [];
  for (let cell = cells.first; cell < cells.end; cell++) {
    if (cells.outside) bar.push(cells.outside === 'before' ? glyphs.before : glyphs.after);
    else if (marks.has(cell)) bar.push(glyphs.event);
    else if (!ascii && cell === cells.end - 1) bar.push(EIGHTHS[Math.max(0, Math.ceil(cells.lastFill * 8) - 1)]!);
    else bar.push(glyphs.bar);
  }
  const before = ' '.repeat(cells.first);
  const after = ' '.repeat(width - cells.end);
  if (ascii) return `${glyphs.left}${before}${bar.join('')}${after}${glyphs.right}`;
  const colour = span.status.code === SpanStatusCode.ERROR ? 'red' : 'cyan';
  return `${paint('dim', glyphs.left)}${before}${paint(colour, bar.join(''))}${after}${paint('dim', glyphs.right)}`;
}

/** What goes before a line that is not a span's (attributes, events, logs): blanks as wide as a bar. */
export function waterfallBlank(style: WaterfallStyle): string {
  return ' '.repeat(style.width + 2);
}
