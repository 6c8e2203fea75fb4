import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { chain } from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { fsReason } from '../runtime/fs-reason.js';

/** One event of a Chrome Trace Event file, as far as the view reads it. */
export interface TraceEvent {
  ph?: unknown;
  name?: unknown;
  cat?: unknown;
  pid?: unknown;
  tid?: unknown;
  ts?: unknown;
  dur?: unknown;
  s?: unknown;
  args?: unknown;
}

/** A trace file that cannot be read, or is no Chrome Trace Event file: the message is one line, naming the file. */
export class TraceFileError extends Error {
  override readonly name = 'TraceFileError';
}

/** Thrown inside the line reader when the file is not laid out one event per line: the general parser takes over. */
class NotOnePerLine extends Error {}

/** How a file was read: told by the first read, reused by a second one. */
export type TraceFileLayout = 'line-per-event' | 'json';

/** What a read found besides the events. */
export interface TraceFileRead {
  layout: TraceFileLayout;
  /** `otherData.producer`, when the file says one. */
  producer: string | null;
  /**
   * Set when the file stops inside its event array (a run that was killed, a full disk): how many
   * events were read before the end. The events are handed over as usual; a cut last one is dropped.
   */
  endsEarly?: { events: number };
}

/**
 * Reads every event of `file` (the JSON Object Format `{"traceEvents": [...]}` or the JSON Array
 * Format `[...]`) and hands each to `onEvent`, without holding the file as one string. A file
 * written one event per line (as wasm-otel's `--trace-file` writes it) is read line by line with
 * JSON.parse (a million events in a few seconds); any other layout through stream-json's
 * streaming parser (several times slower, but any valid JSON). `onEvent` must be able to start
 * over: when a file turns out not to be one event per line, `restart` is called and the events
 * are handed over again from the first. Returns the layout, so that a second read of the same
 * file goes the right way at once. A file that ends inside its event array is read up to where it
 * ends (see TraceFileRead.endsEarly): a run that crashed stays viewable.
 */
export async function readTraceEvents(file: string, onEvent: (event: TraceEvent) => void, restart: () => void, layout?: TraceFileLayout): Promise<TraceFileRead> {
  const shape = await firstCharacter(file);
  if (shape !== '{' && shape !== '[') throw new TraceFileError(`${file}: not a Chrome trace file (${shape === '' ? 'the file is empty' : 'expected a JSON object with "traceEvents", or an array of events'})`);
  if (layout !== 'json') {
    try {
      return { layout: 'line-per-event', ...(await readLinePerEvent(file, onEvent)) };
    } catch (error) {
      if (!(error instanceof NotOnePerLine)) throw error;
      restart();
    }
  }
  const endsEarly = await readAnyJson(file, shape, onEvent);
  return { layout: 'json', producer: null, ...(endsEarly !== undefined ? { endsEarly } : {}) };
}

/** The opening of the object format on a line of its own (or before the first event). */
const OBJECT_HEAD = /^\{\s*"traceEvents"\s*:\s*\[\s*/;

/**
 * Returns `otherData.producer` of the object after the events, if it says one, and whether the
 * file ended inside the array. A line that is not a whole event, or a file that ends on one (a
 * cut last event), is left to the general parser.
 */
async function readLinePerEvent(file: string, onEvent: (event: TraceEvent) => void): Promise<Omit<TraceFileRead, 'layout'>> {
  const input = openFile(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let state: 'head' | 'events' | 'tail' = 'head';
  let tail = '';
  let events = 0;
  try {
    for await (const raw of lines) {
      let line = raw.trim();
      if (line === '') continue;
      if (state === 'head') {
        const head = OBJECT_HEAD.exec(line) ?? /^\[\s*/.exec(line);
        if (head === null) throw new NotOnePerLine();
        line = line.slice(head[0].length);
        state = 'events';
        if (line === '') continue;
      }
      if (state === 'tail') {
        tail += line;
        if (tail.length > 65_536) throw new NotOnePerLine();
        continue;
      }
      if (line.startsWith(']')) {
        // `]` or `],"displayTimeUnit":"ms",...}`: the rest of the object.
        state = 'tail';
        tail = line.slice(1);
        continue;
      }
      if (line.endsWith(',')) line = line.slice(0, -1);
      else if (line.endsWith(']')) {
        line = line.slice(0, -1).trimEnd();
        state = 'tail';
      }
      if (!line.startsWith('{') || !line.endsWith('}')) throw new NotOnePerLine();
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch {
        throw new NotOnePerLine();
      }
      if (event === null || typeof event !== 'object' || Array.isArray(event)) throw new NotOnePerLine();
      events++;
      onEvent(event as TraceEvent);
    }
  } finally {
    input.destroy();
  }
  if (state === 'head') throw new NotOnePerLine();
  // No `]`: the file stops after a whole event (the writer hands whole events to the file).
  if (state === 'events') return { producer: null, endsEarly: { events } };
  return { producer: producerOf(tail) };
}

/** `,"displayTimeUnit":"ms","otherData":{"producer":"..."}}` -> the producer. */
function producerOf(tail: string): string | null {
  const rest = tail.trim().replace(/^,/, '');
  if (!rest.endsWith('}')) return null;
  try {
    const producer = (JSON.parse(`{${rest}`) as { otherData?: { producer?: unknown } }).otherData?.producer;
    return typeof producer === 'string' ? producer : null;
  } catch {
    return null;
  }
}

/** Reads any layout; returns how many events were read when the file ends before its JSON does. */
async function readAnyJson(file: string, shape: '{' | '[', onEvent: (event: TraceEvent) => void): Promise<{ events: number } | undefined> {
  const input = openFile(file);
  const pipeline = chain([input, parser({ streamValues: false }), ...(shape === '{' ? [pick({ filter: 'traceEvents', once: true })] : []), streamArray()]);
  let seen = 0;
  let events = 0;
  let endsEarly: { events: number } | undefined;
  try {
    for await (const item of pipeline as AsyncIterable<{ value: unknown }>) {
      seen++;
      const event = item.value;
      if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
        events++;
        onEvent(event as TraceEvent);
      }
    }
  } catch (error) {
    if (error instanceof TraceFileError) throw error;
    if (!(await isJsonPrefix(file))) {
      const reason = String((error as Error).message ?? error).split('\n')[0];
      throw new TraceFileError(`${file}: not valid JSON (${reason})`);
    }
    endsEarly = { events };
  } finally {
    input.destroy();
  }
  if (seen === 0 && shape === '{' && !(await mentionsTraceEvents(file))) throw new TraceFileError(`${file}: not a Chrome trace file (no "traceEvents" array)`);
  // Elements, none of them an event (`[1, 2, 3]`): some other JSON, not an empty trace.
  if (seen > 0 && events === 0) throw new TraceFileError(`${file}: not a Chrome trace file (${seen.toLocaleString('en-US')} ${seen === 1 ? 'element' : 'elements'}, none an event object)`);
  return endsEarly;
}

/**
 * Whether the file is the start of a JSON text that was cut off (so that its only fault is where
 * it ends): the parser is fed the whole file but never told it ended, so it objects only to what
 * is wrong inside.
 */
async function isJsonPrefix(file: string): Promise<boolean> {
  const check = parser.asStream({ streamValues: false });
  let wrong = false;
  check.on('error', () => (wrong = true));
  check.resume();
  const input = openFile(file);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      await new Promise<void>((resolve) => check.write(chunk, () => resolve()));
      if (wrong) return false;
    }
    return !wrong;
  } catch {
    return false;
  } finally {
    input.destroy();
    check.destroy();
  }
}

/** The file as a stream whose open error is ours. */
function openFile(file: string): ReturnType<typeof createReadStream> {
  const stream = createReadStream(file);
  stream.on('error', () => {});
  return stream;
}

/** The first character that is not white space (or a BOM), or '' for an empty file; checks that the file can be read. */
async function firstCharacter(file: string): Promise<string> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 4096 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const match = /[^\s\uFEFF]/.exec(chunk);
      if (match !== null) return match[0];
    }
    return '';
  } catch (error) {
    throw new TraceFileError(`cannot read ${file}: ${fsReason(error, 'file')}`);
  } finally {
    stream.destroy();
  }
}

/** Whether an object file has a `traceEvents` key at all (an empty array is a valid, empty trace). */
async function mentionsTraceEvents(file: string): Promise<boolean> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  let tail = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      if ((tail + chunk).includes('"traceEvents"')) return true;
      tail = chunk.slice(-16);
    }
    return false;
  } finally {
    stream.destroy();
  }
}
