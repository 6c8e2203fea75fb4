import { INVALID_SPAN_CONTEXT, SpanStatusCode, type SpanContext, type SpanStatus } from '@opentelemetry/api';
import type { EngineLimits, InstanceSpanState, ProblemCounter } from '../engine/index.js';
import { GuestInterrupted, signalName } from '../runtime/guest-interrupt.js';
import type { LiftBudget } from '../runtime/lift-budget.js';
import { reportLiftCuts } from '../otel/lift-cuts.js';
import { quoted, subject, type Subject } from '../otel/messages.js';
import { spanContextToGuest } from '../otel/span-context.js';
import { linkFrom, startOptionsFrom, timeFrom } from './start-options.js';
import { attributeEntriesFrom } from './values.js';
import type { ObserveDatetime, ObserveKeyValue, ObserveLink, ObserveSpanContext, ObserveStartOptions, ObserveStatus } from './wit-types.js';

/** Instrumentation scope of the spans a guest makes through `wasi:observe/tracer`. */
export const TRACER_SCOPE = 'wasi:observe/tracer';
/** Name of a span whose name is not a string. */
const UNNAMED = 'unnamed span';

/** What the tracer of one instance works with. */
export interface TracerContext {
  state: InstanceSpanState;
  limits: EngineLimits;
  problems: ProblemCounter;
  /** The byte budget the glue lifts arguments within (its cuts are reported per call). */
  lift?: LiftBudget;
  /** Set to a signal number when the run is interrupted (a worker's run stopped by a signal). */
  interrupt?: Int32Array;
}

/** The host's `span` resource as jco's glue uses it (one class per instance). */
export interface SpanResource {
  spanContext(): ObserveSpanContext;
  isRecording(): boolean;
  setAttributes(attributes: ObserveKeyValue[]): void;
  addEvent(name: string, timestamp: ObserveDatetime | undefined, attributes: ObserveKeyValue[] | undefined): void;
  addLink(link: ObserveLink): void;
  setStatus(status: ObserveStatus): void;
  updateName(name: string): void;
  end(timestamp: ObserveDatetime | undefined): void;
}

/** `wasi:observe/tracer` as jco's glue calls it: `start` and the `Span` class it checks results against. */
export interface TracerImports {
  start(name: string, options: ObserveStartOptions | undefined): SpanResource;
  Span: abstract new (...args: never[]) => SpanResource;
}

const symbolDispose: symbol = Symbol.dispose ?? Symbol.for('dispose');

/**
 * The host side of `wasi:observe/tracer` for one guest instance. `start` opens a span in the
 * instance's span state (the engine chooses ids, parent and sampling) and returns a `Span` that
 * holds only its id; every method decodes its arguments and calls the engine. Nothing here keeps
 * a stack. Never throws into the guest (a StarlingMonkey guest that sees an exception from an
 * import is trapped for good); bad input is reported and counted.
 *
 * The class is made per instance: jco's glue keeps its handle table per instance and checks
 * `instanceof` against the class it was given, so a span of one instance cannot reach another.
 * A method called through an unknown or dropped handle gets a blank object from the glue (no
 * span id): reported as `unknown_span_handle`, answered with an invalid context / false.
 */
export function createTracerImports(cx: TracerContext): TracerImports {
  const { state, problems } = cx;
  const checkInterrupt = (): void => {
    const signal = cx.interrupt?.[0] ?? 0;
    if (signal !== 0) throw new GuestInterrupted(signal, signalName(signal));
  };
  const lifted = (what: () => string): void => {
    if (cx.lift) reportLiftCuts(cx.lift, what, problems);
  };

  class Span implements SpanResource {
    readonly #spanId: string;
    readonly #context: SpanContext;
    #name: string;
    #ended = false;

    constructor(context: SpanContext, name: string) {
      this.#context = context;
      this.#spanId = context.spanId;
      this.#name = name;
    }

    spanContext(): ObserveSpanContext {
      checkInterrupt();
      try {
        const span = Span.#of(this, 'span-context', true);
        return spanContextToGuest(span === undefined ? INVALID_SPAN_CONTEXT : span.#context);
      } catch (error) {
        problems.hostError('span.span-context', error);
        return spanContextToGuest(INVALID_SPAN_CONTEXT);
      }
    }

    isRecording(): boolean {
      checkInterrupt();
      try {
        const span = Span.#of(this, 'is-recording', true);
        return span !== undefined && !span.#ended && state.isRecording(span.#spanId);
      } catch (error) {
        problems.hostError('span.is-recording', error);
        return false;
      }
    }

    setAttributes(attributes: ObserveKeyValue[]): void {
      Span.#apply(this, 'set-attributes', (span, what) => state.setAttributes(span.#spanId, attributeEntriesFrom(attributes, what, cx)));
    }

    addEvent(name: string, timestamp: ObserveDatetime | undefined, attributes: ObserveKeyValue[] | undefined): void {
      Span.#apply(this, 'add-event', (span, what) => {
        const eventName = typeof name === 'string' ? name : UNNAMED;
        const event = (): string => `${subject(what)} ${quoted(eventName)}`;
        state.addEvent(span.#spanId, eventName, attributeEntriesFrom(attributes, event, cx), timeFrom(timestamp, event, 'time', cx));
      });
    }

    addLink(link: ObserveLink): void {
      Span.#apply(this, 'add-link', (span, what) => {
        state.addLink(span.#spanId, linkFrom(link, what, cx));
      });
    }

    setStatus(status: ObserveStatus): void {
      Span.#apply(this, 'set-status', (span, what) => {
        const decoded = statusFrom(status, what, cx.problems);
        if (decoded) state.setStatus(span.#spanId, decoded);
      });
    }

    updateName(name: string): void {
      Span.#apply(this, 'update-name', (span, what) => {
        if (typeof name !== 'string') {
          problems.report('invalid_argument', `${subject(what)}: the new name is not a string; ignored`);
          return;
        }
        span.#name = name;
        state.updateName(span.#spanId, name);
      });
    }

    end(timestamp: ObserveDatetime | undefined): void {
      Span.#apply(this, 'end', (span, what) => {
        span.#ended = true;
        const end = timeFrom(timestamp, what, 'end time', cx);
        state.endManagedSpan(span.#spanId, end, end !== undefined);
      });
    }

    /** Dropping the handle of a span not yet ended ends it now (the WIT says so). */
    [symbolDispose](): void {
      try {
        if (!(#spanId in this) || this.#ended) return;
        this.#ended = true;
        if (state.holdsOpen(this.#spanId)) state.endManagedSpan(this.#spanId);
      } catch (error) {
        problems.hostError('span drop', error);
      }
    }

    /**
     * A method that changes the span: ignored (and counted) once the span has ended. Static, so
     * that the glue's blank object of an unknown handle (no private fields) gets here at all.
     */
    static #apply(value: unknown, method: string, body: (span: Span, what: Subject) => void): void {
      checkInterrupt();
      try {
        const span = Span.#of(value, method, false);
        if (!span) return;
        // Built only when something is reported (this runs on every call).
        const what = (): string => `span.${method} on span ${span.#spanId} (${quoted(span.#name)})`;
        lifted(what);
        if (span.#ended || !state.holdsOpen(span.#spanId)) {
          problems.report('span_already_ended', `${what()}: the span has ended${span.#ended ? '' : ' (closed by the host)'}; ignored`);
          return;
        }
        body(span, what);
      } catch (error) {
        problems.hostError(`span.${method}`, error);
      }
    }

    /** The span behind a handle, or undefined (reported) for the glue's blank object of an unknown handle. */
    static #of(value: unknown, method: string, quiet: boolean): Span | undefined {
      if (typeof value === 'object' && value !== null && #spanId in value) {
        const span = value as Span;
        return span.#context === INVALID_SPAN_CONTEXT && !quiet ? undefined : span;
      }
      problems.report('unknown_span_handle', `span.${method}: the handle names no span of this instance (unknown or already dropped); ignored`);
      return undefined;
    }
  }

  return {
    start(name, options) {
      try {
        lifted(() => `tracer.start ${quoted(name)}`);
        const spanName = typeof name === 'string' ? name : UNNAMED;
        if (typeof name !== 'string') problems.report('invalid_argument', `tracer.start: the name is not a string; ${quoted(UNNAMED)} used`);
        const what = (): string => `tracer.start ${quoted(spanName)}`;
        const start = startOptionsFrom(options, what, cx);
        const context = state.startManagedSpan({
          name: spanName,
          kind: start.kind,
          root: start.root,
          startTime: start.startTime,
          startFromGuest: start.startTime !== undefined,
          attributes: start.attributes,
          links: start.links,
          invalidLinks: start.invalidLinks,
          scope: TRACER_SCOPE,
        });
        return new Span(context, spanName);
      } catch (error) {
        problems.hostError('tracer.start', error);
        return new Span(INVALID_SPAN_CONTEXT, UNNAMED);
      }
    },
    Span,
  };
}

/** A status variant as an OTel status, or undefined (reported) when it is none of the three. */
function statusFrom(status: ObserveStatus, what: Subject, problems: ProblemCounter): SpanStatus | undefined {
  switch ((status as { tag?: unknown } | null)?.tag) {
    case 'unset':
      return { code: SpanStatusCode.UNSET };
    case 'ok':
      return { code: SpanStatusCode.OK };
    case 'error': {
      const message = (status as { val?: unknown }).val;
      return { code: SpanStatusCode.ERROR, ...(typeof message === 'string' && message !== '' ? { message } : {}) };
    }
    default:
      problems.report('invalid_status', `${subject(what)}: status ${quoted((status as { tag?: unknown } | null)?.tag)} is not unset, ok or error; ignored`);
      return undefined;
  }
}
