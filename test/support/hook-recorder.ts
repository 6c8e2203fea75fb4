/**
 * `dylibso:observe/instrument` hooks that only record: the independent count of calls that the
 * instrumenter's tests compare span trees against, and a check that enters and exits nest.
 */
export interface HookRecorder {
  imports: WebAssembly.Imports;
  /** Every hook call in order: `+i` enter, `-i` exit, `grow n` memory-grow. */
  events: string[];
  /** Enters per function index. */
  enters: Map<number, number>;
  /** Calls per (caller, callee) pair of indices, `caller>callee`; the caller is -1 outside any entered call. */
  pairs: Map<string, number>;
  /** Exits that did not match the innermost open enter (should stay empty). */
  mismatches: string[];
  /** Enters still open. */
  open: number[];
  /** Pages passed to memory-grow, in order. */
  grows: number[];
  /** Enters in all. */
  total(): number;
}

export function hookRecorder(options: { keepEvents?: boolean } = {}): HookRecorder {
  const keep = options.keepEvents ?? true;
  const recorder: HookRecorder = {
    events: [],
    enters: new Map(),
    pairs: new Map(),
    mismatches: [],
    open: [],
    grows: [],
    total: () => [...recorder.enters.values()].reduce((sum, n) => sum + n, 0),
    imports: {
      'dylibso:observe/instrument': {
        enter(func: number) {
          if (keep) recorder.events.push(`+${func}`);
          recorder.enters.set(func, (recorder.enters.get(func) ?? 0) + 1);
          const pair = `${recorder.open.at(-1) ?? -1}>${func}`;
          recorder.pairs.set(pair, (recorder.pairs.get(pair) ?? 0) + 1);
          recorder.open.push(func);
        },
        exit(func: number) {
          if (keep) recorder.events.push(`-${func}`);
          const top = recorder.open.pop();
          if (top !== func) recorder.mismatches.push(`exit(${func}) with ${top === undefined ? 'nothing' : `enter(${top})`} innermost`);
        },
        'memory-grow'(pages: number) {
          if (keep) recorder.events.push(`grow ${pages}`);
          recorder.grows.push(pages);
        },
      },
    },
  };
  return recorder;
}
