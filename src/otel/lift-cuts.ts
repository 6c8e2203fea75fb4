import type { ProblemCounter } from '../engine/index.js';
import type { LiftBudget } from '../runtime/lift-budget.js';

/**
 * Reports what the glue cut while lifting the record an import was just called with (see
 * LiftBudget): `record_too_large` once per record, `invalid_utf8` per string. Returns true when
 * the record was cut (values that no longer decode are then only counted, not reported again).
 */
export function reportLiftCuts(budget: LiftBudget | undefined, what: () => string, problems: ProblemCounter): boolean {
  const cuts = budget?.cuts();
  if (cuts === undefined) return false;
  if (cuts.stringsCut > 0 || cuts.entriesDropped > 0) {
    const parts = [
      ...(cuts.stringsCut > 0 ? [`${cuts.stringsCut.toLocaleString('en-US')} ${cuts.stringsCut === 1 ? 'string' : 'strings'} cut`] : []),
      ...(cuts.entriesDropped > 0 ? [`${cuts.entriesDropped.toLocaleString('en-US')} list ${cuts.entriesDropped === 1 ? 'entry' : 'entries'} dropped`] : []),
    ];
    problems.report(
      'record_too_large',
      `${what()}: points at ${cuts.bytes.toLocaleString('en-US')} bytes of guest data, over the budget of ${budget!.limit.toLocaleString('en-US')} (WASM_OTEL_MAX_RECORD_BYTES): ${parts.join(', ')}; the rest is kept`,
    );
  }
  if (cuts.invalidUtf8 > 0) {
    problems.report('invalid_utf8', `${what()}: ${cuts.invalidUtf8} ${cuts.invalidUtf8 === 1 ? 'string is' : 'strings are'} not valid UTF-8; invalid bytes were replaced with U+FFFD`, cuts.invalidUtf8);
  }
  return cuts.stringsCut > 0 || cuts.entriesDropped > 0;
}

/**
 * What the budget left unlifted of a span or log record, by kind: the canonical ABI's entry size
 * tells the lists apart (events 32 bytes, links 36; key-values 16 with JSON values, 24 with the
 * drafts' typed values; with typed values the 16-byte lists are trace states).
 */
export function unliftedEntries(budget: LiftBudget | undefined): { attributes: number; events: number; links: number } {
  if (budget === undefined) return { attributes: 0, events: 0, links: 0 };
  const typed = budget.droppedEntries(24);
  return { attributes: typed > 0 ? typed : budget.droppedEntries(16), events: budget.droppedEntries(32), links: budget.droppedEntries(36) };
}
