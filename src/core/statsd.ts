import { parseTags } from './tags.js';

/** Kinds of statsd metrics, by their type field. */
export type StatsdKind = 'counter' | 'gauge' | 'timer' | 'histogram' | 'set';

/** One decoded statsd metric line. */
export interface StatsdMetric {
  name: string;
  kind: StatsdKind;
  /** The number (for sets: 0, see `member`). */
  value: number;
  /** Gauges only: `+N` / `-N` adjust the last value instead of setting it. */
  delta: boolean;
  /** Sets only: the member, as written. */
  member: string;
  /** `@rate`: the fraction of events the guest sent (1 when absent). */
  sampleRate: number;
  /** `#k:v,...`: tags (a tag without `:` has an empty value). */
  tags: [string, string][];
}

const KINDS: Record<string, StatsdKind> = { c: 'counter', g: 'gauge', ms: 'timer', h: 'histogram', d: 'histogram', s: 'set' };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses statsd text (`name:value|type[|@rate][|#tags]`, several lines allowed). Types: `c`
 * counter, `g` gauge, `ms` timer, `h` (and DogStatsD `d`) histogram, `s` set. Returns the metrics
 * that parse and a message for each line that does not.
 */
export function parseStatsd(text: string): { metrics: StatsdMetric[]; errors: string[] } {
  const metrics: StatsdMetric[] = [];
  const errors: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const result = parseLine(line);
    if (typeof result === 'string') errors.push(`${result} in ${JSON.stringify(line)}`);
    else metrics.push(result);
  }
  if (metrics.length === 0 && errors.length === 0) errors.push('empty metric line');
  return { metrics, errors };
}

function parseLine(line: string): StatsdMetric | string {
  const [head, typeField, ...fields] = line.split('|');
  const colon = head!.lastIndexOf(':');
  if (colon <= 0 || typeField === undefined) return 'not "name:value|type"';
  const name = head!.slice(0, colon);
  const valueText = head!.slice(colon + 1);
  const kind = KINDS[typeField];
  if (kind === undefined) return `unknown metric type "${typeField}" (expected c, g, ms, h, d or s)`;
  let value = 0;
  if (kind !== 'set') {
    if (!NUMBER.test(valueText)) return `value "${valueText}" is not a number`;
    value = Number(valueText);
    if (!Number.isFinite(value)) return `value "${valueText}" is out of range`;
  } else if (valueText === '') {
    return 'empty set member';
  }
  const metric: StatsdMetric = {
    name,
    kind,
    value,
    delta: kind === 'gauge' && (valueText.startsWith('+') || valueText.startsWith('-')),
    member: kind === 'set' ? valueText : '',
    sampleRate: 1,
    tags: [],
  };
  for (const field of fields) {
    if (field.startsWith('@')) {
      const rate = Number(field.slice(1));
      if (!NUMBER.test(field.slice(1)) || !(rate > 0 && rate <= 1)) return `sample rate "${field}" is not in (0, 1]`;
      metric.sampleRate = rate;
    } else if (field.startsWith('#')) {
      metric.tags = parseTags(field.slice(1));
    } else {
      return `unknown field "${field}"`;
    }
  }
  return metric;
}
