import { ROOT_CONTEXT, trace, type Context, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator, getStringListFromEnv } from '@opentelemetry/core';
import { EnvironmentGetter } from '@opentelemetry/propagator-env-carrier';
import type { ProblemCounter } from '../engine/index.js';

/** The propagators OTEL_PROPAGATORS may name here (the spec's others, b3, jaeger, ..., are refused). */
const PROPAGATORS: Record<string, () => TextMapPropagator> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
};
const DEFAULT_PROPAGATORS = ['tracecontext', 'baggage'];
/** Longest part of a bad TRACEPARENT value quoted in the message. */
const QUOTED_MAX = 80;

/**
 * The propagators `OTEL_PROPAGATORS` asks for (comma-separated; default `tracecontext,baggage`;
 * `none` turns propagation off). Unknown names are reported (`invalid_config`) and ignored.
 * Returns undefined when none is left.
 */
export function propagatorsFromEnv(problems: ProblemCounter): { propagator: TextMapPropagator; names: string[] } | undefined {
  const requested = getStringListFromEnv('OTEL_PROPAGATORS')?.map((name) => name.toLowerCase()).filter((name) => name !== '');
  const names: string[] = [];
  let none = false;
  for (const name of requested && requested.length > 0 ? requested : DEFAULT_PROPAGATORS) {
    if (name === 'none') none = true;
    else if (PROPAGATORS[name] === undefined) {
      problems.report('invalid_config', `OTEL_PROPAGATORS value ${JSON.stringify(name)} is not supported (use tracecontext, baggage or none); ignored`);
    } else if (!names.includes(name)) names.push(name);
  }
  if (none || names.length === 0) return undefined;
  return { propagator: propagatorOf(names)!, names };
}

/** The propagators of these names (`tracecontext`, `baggage`; others ignored) as one; undefined for none. */
export function propagatorOf(names: readonly string[]): TextMapPropagator | undefined {
  const known = names.filter((name) => PROPAGATORS[name] !== undefined);
  return known.length === 0 ? undefined : new CompositePropagator({ propagators: known.map((name) => PROPAGATORS[name]!()) });
}

/**
 * The context this process was started in, from its environment variables as the OpenTelemetry
 * environment-variable carrier defines them (the upper-cased propagator keys: `TRACEPARENT`,
 * `TRACESTATE`, `BAGGAGE`), through the propagators of `OTEL_PROPAGATORS`. Undefined when there
 * is nothing to join. A `TRACEPARENT` the trace-context propagator refuses is reported
 * (`invalid_config`): the run then starts a new trace.
 */
export function contextFromEnv(problems: ProblemCounter): Context | undefined {
  const configured = propagatorsFromEnv(problems);
  if (configured === undefined) return undefined;
  const getter = new EnvironmentGetter();
  const extracted = configured.propagator.extract(ROOT_CONTEXT, undefined, getter);
  const traceparent = getter.get(undefined, 'traceparent');
  if (configured.names.includes('tracecontext') && traceparent !== undefined && traceparent.trim() !== '' && trace.getSpanContext(extracted) === undefined) {
    problems.report('invalid_config', `TRACEPARENT value ${quotedValue(traceparent)} is not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>); ignored, the run starts a new trace`);
  }
  return extracted === ROOT_CONTEXT ? undefined : extracted;
}

/** A value from outside quoted for a one-line message (at most 80 characters of it). */
export function quotedValue(value: string): string {
  return JSON.stringify(value.length > QUOTED_MAX ? `${value.slice(0, QUOTED_MAX)}...` : value);
}
