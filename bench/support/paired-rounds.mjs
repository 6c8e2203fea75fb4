// Native vs through-the-host, measured in paired rounds in one process: each round runs both
// back to back (each followed by its processor's flush, then a GC when --expose-gc is on), so
// the per-round ratio cancels the machine's drift; medians are reported.

export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * `native` and `guest`: `{ round: () => msPerItem, flush: () => Promise }`. With `alternate`,
 * which side goes first alternates, so neither always runs on the other's garbage.
 * Returns the medians in us and the median per-round ratio guest/native, and the raw rounds.
 */
export async function pairedRounds({ native, guest, rounds, warmup, alternate = false }) {
  const nativeMs = [];
  const guestMs = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const sides = alternate && round % 2 === 1 ? [guest, native] : [native, guest];
    const times = new Map();
    for (const side of sides) {
      times.set(side, side.round());
      await side.flush();
    }
    globalThis.gc?.();
    if (round >= warmup) {
      nativeMs.push(times.get(native));
      guestMs.push(times.get(guest));
    }
  }
  return {
    nativeUs: median(nativeMs) * 1000,
    guestUs: median(guestMs) * 1000,
    ratio: median(nativeMs.map((n, i) => guestMs[i] / n)),
    rounds: nativeMs.map((n, i) => `${(n * 1000).toFixed(1)}/${(guestMs[i] * 1000).toFixed(1)}`).join(' '),
  };
}
