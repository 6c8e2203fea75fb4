import type { FunctionCallTracker, InstanceSpanState, ProblemCounter } from '../engine/index.js';

/** Instrumentation scope of function spans (`dylibso:observe/instrument` hooks). */
export const INSTRUMENT_SCOPE = 'dylibso:observe/instrument';

/** The hooks of `dylibso:observe/instrument` (and the legacy `dylibso_observe` instrument_*). */
export interface InstrumentHooks {
  enter: (func: number) => void;
  exit: (func: number) => void;
  memoryGrow: (pages: number) => void;
}

const NO_OP = (): void => {};
/** Pages of a 32-bit memory at most (4 GiB). */
const MAX_PAGES = 65536;
const DISABLED: InstrumentHooks = { enter: NO_OP, exit: NO_OP, memoryGrow: NO_OP };

/** Whether spans are recorded right now (one field read on the hot path). */
export interface TracingSwitch {
  readonly on: boolean;
}
const ALWAYS_ON: TracingSwitch = { on: true };

/**
 * The hooks for one instance. On the hot path they only write into the tracker's typed arrays.
 * `ignored[i] === 1` marks functions whose enter/exit are skipped: the module's own
 * `dylibso:observe/api` imports, whose calls the reference instrumenter wraps too.
 * With tracing off the hooks do nothing at all: no tracker (the host can never export spans),
 * or `tracing.on` false for now (the app has not registered a tracer provider yet). A failure inside the host is reported, never thrown into the module.
 */
export function createInstrumentHooks(
  state: InstanceSpanState,
  tracker: FunctionCallTracker | undefined,
  ignored: Uint8Array,
  problems: ProblemCounter,
  tracing: TracingSwitch = ALWAYS_ON,
): InstrumentHooks {
  if (tracker === undefined) return DISABLED;
  const memoryGrow = (pages: number): void => {
    if (!tracing.on) return;
    try {
      const count = pages >>> 0;
      if (count > MAX_PAGES) {
        problems.report('invalid_argument', `memory-grow(${pages}): not a page count (a 32-bit memory has at most ${MAX_PAGES} pages); ignored`);
        return;
      }
      state.memoryGrow(count);
    } catch (error) {
      problems.hostError('memory-grow hook', error);
    }
  };
  // Two variants, so a module that ignores nothing (the usual case) does not pay the lookup.
  // Each hook stays one closure around the tracker's method, which the JIT inlines; the
  // try/catch costs nothing until something throws.
  if (!ignored.includes(1)) {
    return {
      enter: (func) => {
        if (!tracing.on) return;
        try {
          tracker.enter(func);
        } catch (error) {
          problems.hostError('enter hook', error);
        }
      },
      exit: (func) => {
        if (!tracing.on) return;
        try {
          tracker.exit(func);
        } catch (error) {
          problems.hostError('exit hook', error);
        }
      },
      memoryGrow,
    };
  }
  return {
    enter: (func) => {
      if (!tracing.on || ignored[func] === 1) return;
      try {
        tracker.enter(func);
      } catch (error) {
        problems.hostError('enter hook', error);
      }
    },
    exit: (func) => {
      if (!tracing.on || ignored[func] === 1) return;
      try {
        tracker.exit(func);
      } catch (error) {
        problems.hostError('exit hook', error);
      }
    },
    memoryGrow,
  };
}
