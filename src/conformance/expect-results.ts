/**
 * The checker's output: one result per expectation, with a stable id (`nested-spans: span "middle"
 * parent is "outer"`) so that a test can name exactly which expectations a broken host fails.
 */

export interface ExpectationResult {
  scenario: string;
  /** `<scenario>: <what is expected>`, stable across runs. */
  expectation: string;
  /** `info`: a host-specific field that differs from what wasm-otel does (never a failure). */
  outcome: 'pass' | 'fail' | 'info';
  /** Short: what arrived, or expected vs got. */
  detail: string;
}

/** Collects the results of one scenario. */
export class ResultList {
  readonly results: ExpectationResult[] = [];

  constructor(readonly scenario: string) {}

  /**
   * Records an expectation: pass when `ok`; else fail, or info when the field is host-specific
   * (`hostSpecific` says why a host may differ).
   */
  add(what: string, ok: boolean, expected: string, got: string, hostSpecific?: string): void {
    const outcome = ok ? 'pass' : hostSpecific !== undefined ? 'info' : 'fail';
    const detail = ok ? got : hostSpecific !== undefined ? `host-specific (${hostSpecific}): wasm-otel gives ${expected}, got ${got}` : `expected ${expected}, got ${got}`;
    this.results.push({ scenario: this.scenario, expectation: `${this.scenario}: ${what}`, outcome, detail });
  }

  /** A host-specific field the scenario does not check: always info, saying what arrived. */
  note(what: string, hostSpecific: string, got: string): void {
    this.results.push({ scenario: this.scenario, expectation: `${this.scenario}: ${what}`, outcome: 'info', detail: `host-specific (${hostSpecific}), not checked: got ${got}` });
  }
}
