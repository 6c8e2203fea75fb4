/**
 * Conformance scenarios as data: one JSON file per scenario in components/expectations/ (format:
 * that folder's schema.json and README.md) saying how a guest is run and what OTLP a host must
 * export for it. Both our own tests and `wasm-otel conformance` read them through
 * {@link loadScenarios}; {@link checkScenario} (check.ts) compares what a host exported.
 *
 * Signatures the runner relies on (keep them): `loadScenarios(dir?: string): Scenario[]` and
 * `checkScenario(scenario, received): ExpectationResult[]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateScenarioShape } from './scenario-schema.js';

/** A field a host may legitimately do differently; `expected` is what wasm-otel does (absent: not checked). */
export interface HostSpecific {
  hostSpecific: string;
  expected?: unknown;
}

/** A field's expected value, or a host-specific marker around it. */
export type Expect<T> = T | HostSpecific;

/**
 * An expected OTLP AnyValue: string, boolean, integer JSON number (intValue), other JSON number
 * (doubleValue), list, or a tagged object for what JSON cannot say alone.
 */
export type ExpectedValue =
  | string
  | boolean
  | number
  | ExpectedValue[]
  | { int: string }
  | { double: number }
  | { bytes: string }
  | { kvlist: ExpectedAttributes }
  | { empty: true }
  | HostSpecific;

export type ExpectedAttributes = Record<string, ExpectedValue>;

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export interface ExpectedScope {
  name: string;
  version?: string;
  attributes?: ExpectedAttributes;
}

export interface ExpectedEvent {
  name: string;
  time?: Expect<string>;
  attributes?: Expect<ExpectedAttributes>;
}

export interface ExpectedLink {
  traceId: string;
  spanId: string;
  traceState?: Expect<string>;
  sampled?: boolean;
  isRemote?: Expect<boolean>;
  attributes?: Expect<ExpectedAttributes>;
}

export interface ExpectedSpan {
  /** How other expectations refer to the span (default its name, see {@link spanKey}). */
  key?: string;
  name: Expect<string>;
  spanId?: Expect<string>;
  /** A fixed id, `inherited` (default) or `new`. */
  traceId?: Expect<string>;
  /** `host`, `root`, another span's key, or a fixed parent id. */
  parent: Expect<string | { spanId: string }>;
  kind?: Expect<SpanKindName>;
  attributes?: Expect<ExpectedAttributes>;
  events?: ExpectedEvent[];
  links?: ExpectedLink[];
  status?: Expect<{ code: 'unset' | 'ok' | 'error'; message?: Expect<string> }>;
  traceState?: Expect<string>;
  sampled?: Expect<boolean>;
  scope?: Expect<ExpectedScope>;
  start?: Expect<string>;
  end?: Expect<string>;
  endsAfterEndOf?: string;
  endsBeforeStartOf?: string;
  outlivesParent?: boolean;
  dropped?: { attributes?: number; events?: number; links?: number };
  hostSpecific?: string;
}

export interface ExpectedLog {
  body: ExpectedValue;
  severityNumber?: Expect<number>;
  severityText?: Expect<string>;
  attributes?: Expect<ExpectedAttributes>;
  /** Key of the span the record belongs to, `host` (the host's own span of the call), `none` (default), or fixed ids. */
  span?: Expect<string | { traceId: string; spanId: string }>;
  sampled?: Expect<boolean>;
  time?: Expect<string>;
  observedTime?: Expect<string>;
  eventName?: Expect<string>;
  scope?: Expect<ExpectedScope>;
  resource?: Expect<ExpectedAttributes>;
  hostSpecific?: string;
}

export interface ExpectedBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExpectedPoint {
  attributes?: Expect<ExpectedAttributes>;
  start?: Expect<string>;
  time?: Expect<string>;
  value?: ExpectedValue;
  count?: ExpectedValue;
  sum?: ExpectedValue;
  min?: ExpectedValue;
  max?: ExpectedValue;
  bounds?: number[];
  bucketCounts?: number[];
  scale?: number;
  zeroCount?: number;
  zeroThreshold?: number;
  positive?: ExpectedBuckets;
  negative?: ExpectedBuckets;
  exemplars?: { filteredAttributes?: ExpectedAttributes; time?: string; value?: ExpectedValue; traceId?: string; spanId?: string }[];
}

export interface ExpectedMetric {
  name: string;
  description?: Expect<string>;
  unit?: Expect<string>;
  type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram';
  temporality?: 'cumulative' | 'delta';
  isMonotonic?: boolean;
  scope?: Expect<ExpectedScope>;
  resource?: Expect<ExpectedAttributes>;
  points: ExpectedPoint[];
  hostSpecific?: string;
}

/** One scenario file. */
export interface Scenario {
  id: string;
  /** The guest: a file name in components/. */
  component: string;
  /** A WAVE call (`nested-spans()`, `end({...})`); absent: the component's `wasi:cli/run`. */
  invoke?: string;
  args?: string[];
  env?: Record<string, string>;
  /** How the call ends (default `returns`). */
  callEnds?: 'returns' | 'traps' | 'exits-with-error';
  description: string;
  spans: ExpectedSpan[];
  logs?: ExpectedLog[];
  metrics?: ExpectedMetric[];
  /** The file it was read from (set by the loader). */
  file: string;
}

/** A scenario file that cannot be used: the message is one line naming the file and the field. */
export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

/** The scenario files shipped with wasm-otel (components/expectations/). */
export const DEFAULT_SCENARIO_DIR = fileURLToPath(new URL('../../components/expectations/', import.meta.url));

export const isHostSpecific = (v: unknown): v is HostSpecific => typeof v === 'object' && v !== null && !Array.isArray(v) && 'hostSpecific' in v;

/** The key other expectations use for a span: `key`, else its name (the expected name of a host-specific one). */
export function spanKey(span: ExpectedSpan): string {
  if (span.key !== undefined) return span.key;
  return isHostSpecific(span.name) ? String(span.name.expected) : span.name;
}

/** Every scenario file of `dir` (default the shipped ones), sorted by id, each validated. */
export function loadScenarios(dir: string = DEFAULT_SCENARIO_DIR): Scenario[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'schema.json');
  } catch (error) {
    throw new ConformanceError(`cannot read the scenario folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (names.length === 0) throw new ConformanceError(`no scenario files (*.json) in ${dir}`);
  return names.sort().map((name) => loadScenarioFile(join(dir, name)));
}

/** One scenario file, validated (shape by the JSON schema, then references between fields). */
export function loadScenarioFile(file: string): Scenario {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConformanceError(`${file}: ${error instanceof SyntaxError ? `not JSON: ${error.message}` : `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`}`);
  }
  const problem = validateScenarioShape(data);
  if (problem) throw new ConformanceError(`${file}: ${problem}`);
  const scenario = { ...(data as Omit<Scenario, 'file'>), file };
  const reference = referenceProblem(scenario, file);
  if (reference) throw new ConformanceError(`${file}: ${reference}`);
  return scenario;
}

/** The first field that refers to something that does not exist, or an id that does not match the file. */
function referenceProblem(scenario: Scenario, file: string): string | undefined {
  const expectedId = file.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (scenario.id !== expectedId) return `id: "${scenario.id}" must be the file's name ("${expectedId}")`;
  const keys = new Set<string>();
  for (const [i, span] of scenario.spans.entries()) {
    const key = spanKey(span);
    if (keys.has(key)) return `spans[${i}]: key "${key}" is used twice (give one a "key")`;
    if (key === 'host' || key === 'root' || key === 'none') return `spans[${i}]: key "${key}" is reserved`;
    keys.add(key);
  }
  const known = (ref: string): boolean => keys.has(ref);
  for (const [i, span] of scenario.spans.entries()) {
    const parent = span.parent;
    if (typeof parent === 'string' && parent !== 'host' && parent !== 'root' && !known(parent)) return `spans[${i}].parent: no span with key "${parent}"`;
    if (typeof parent === 'string' && parent === spanKey(span)) return `spans[${i}].parent: a span cannot be its own parent`;
    for (const field of ['endsAfterEndOf', 'endsBeforeStartOf'] as const) {
      const ref = span[field];
      if (ref !== undefined && !known(ref)) return `spans[${i}].${field}: no span with key "${ref}"`;
    }
  }
  for (const [i, log] of (scenario.logs ?? []).entries()) {
    if (typeof log.span === 'string' && log.span !== 'none' && log.span !== 'host' && !known(log.span)) return `logs[${i}].span: no span with key "${log.span}"`;
  }
  return undefined;
}
