/**
 * The expectations that are `info` for our own host too: the fields the scenario files
 * deliberately leave unchecked (host-specific without a value wasm-otel is held to). Both the
 * library run of every file (expectations.test.ts) and `wasm-otel conformance` on our host
 * (conformance.cli.test.ts) pin their `info` results to this list, so that a host-specific field
 * on which our host changes shows up as a failure.
 */
export const UNCHECKED_EXPECTATIONS: readonly string[] = [
  'hostile-amplify: span "amplified" attributes',
  'hostile-amplify-log: log #1 body',
  'hostile-amplify-log: log #1 attributes',
  'observe-all: span "all-options-renamed" attribute "options-none.trace-id"',
  'observe-all: span "all-options-renamed" attribute "options-none.span-id"',
];
