/*
 * How wide the console report's waterfall column is and whether it is drawn in plain ASCII or in
 * Unicode blocks with colour: the one place that reads the terminal and the environment for it.
 */

/** How the waterfall bars are drawn. */
export interface WaterfallStyle {
  /** Cells of a bar (the column is two characters wider: its borders). */
  width: number;
  /** Plain ASCII (`|  ====  |`); else Unicode blocks and colour, for a terminal. */
  ascii: boolean;
}

/** Cells when the width of the output is not known (a pipe, a file, a library string). */
export const DEFAULT_WATERFALL_WIDTH = 24;
/** The narrowest and widest bars, whatever the terminal. */
export const MIN_WATERFALL_WIDTH = 10;
export const MAX_WATERFALL_WIDTH = 60;
/** The bars take a quarter of the terminal's columns: the tree and its names keep the rest. */
export const WATERFALL_COLUMNS_DIVISOR = 4;

/** The waterfall when nothing says otherwise: ASCII of the default width (what a pipe gets). */
export const PLAIN_WATERFALL: Readonly<WaterfallStyle> = Object.freeze({ width: DEFAULT_WATERFALL_WIDTH, ascii: true });

/** What the style is chosen from: a Node stream (`process.stderr`) or anything shaped like one. */
export interface TerminalLike {
  isTTY?: boolean;
  columns?: number;
}

/**
 * The style for output going to `sink`: a terminal (`isTTY`) gets bars a quarter of its `columns`
 * wide (10 to 60), anything else DEFAULT_WATERFALL_WIDTH unless `COLUMNS` says how wide the output
 * is (as for `ls`: a value that is not a positive whole number is ignored). Unicode and colour
 * only for a terminal, and not with `NO_COLOR` set to a non-empty value (no-color.org) or
 * `TERM=dumb`.
 */
export function waterfallStyleFor(sink: TerminalLike, env: NodeJS.ProcessEnv = process.env): WaterfallStyle {
  const terminal = sink.isTTY === true;
  const columns = terminal && isPositiveInteger(sink.columns) ? sink.columns : columnsFromEnv(env.COLUMNS);
  const width = columns === undefined ? DEFAULT_WATERFALL_WIDTH : widthForColumns(columns);
  const plain = !terminal || (env.NO_COLOR ?? '') !== '' || env.TERM === 'dumb';
  return { width, ascii: plain };
}

/** Bar cells for an output `columns` wide. */
export function widthForColumns(columns: number): number {
  return Math.min(MAX_WATERFALL_WIDTH, Math.max(MIN_WATERFALL_WIDTH, Math.floor(columns / WATERFALL_COLUMNS_DIVISOR)));
}

function columnsFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const columns = Number(value.trim());
  return isPositiveInteger(columns) ? columns : undefined;
}

function isPositiveInteger(value: number | undefined): value is number {
  return value !== undefined && Number.isSafeInteger(value) && value > 0;
}
