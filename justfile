# wasm-otel tasks. `npm test` runs `just test`.

# Regenerate generated/ from the WIT in wit/: TypeScript types (jco types) and shape signatures.
generate: build
    node scripts/generate.mjs

# Build the guest components in components/ (cached by source hash; --force to rebuild all).
components *ARGS:
    node components/build.mjs {{ARGS}}

# Compile src/ to dist/ (what bin/wasm-otel.js runs).
build:
    npm run build --silent

# Typecheck everything, and check that generated/ and components/ are fresh (the build reads the WIT).
check: build
    npx tsc -p tsconfig.json
    node scripts/check-generated.mjs
    node components/build.mjs --check

# Everything CI runs: checks, build, the benches' regression guard (bench-check), then the whole test suite (ends with "N passed, N failed").
test: check
    #!/usr/bin/env bash
    set -uo pipefail
    # The guard does not stop the suite: every run ends with the suite's counts; either failing fails the run.
    node bench/run.mjs --quick --check; guard=$?
    npx vitest run --reporter=default --reporter=./test/support/count-reporter.ts; tests=$?
    exit $(( guard != 0 || tests != 0 ))

# Cold start (--version vs node -e 0, a small module's run vs node:wasi, a cached component's second run); guest span cost vs the OTel JS SDK (wasi:otel, wasi:observe); function-level hooks and our instrumenter (switch off, filter 0 and 20us); metrics and logs; serve; the CLI soak (1M spans, peak RSS); many instances (10,000 instantiate + call + dispose vs jco alone, heap after). `--json FILE` also writes every ratio with its target to FILE, `--quick` runs fewer rounds (see bench-check), names pick benches.
bench *ARGS: build
    node bench/run.mjs {{ARGS}}

# The regression guard (part of `just test`): the benches in quick mode, their ratios against the ceilings in bench/ceilings.json (not timed tests: each ratio is measured against a baseline in the same run).
bench-check: build
    node bench/run.mjs --quick --check

# Fuzz every front-end with `runs` cases each and a new seed (printed; WASM_OTEL_FUZZ_SEED=n repeats one).
fuzz runs="5000": build
    #!/usr/bin/env bash
    set -euo pipefail
    seed="${WASM_OTEL_FUZZ_SEED:-$(date +%s)}"
    echo "fuzz: {{runs}} cases per front-end, seed $seed"
    WASM_OTEL_FUZZ_RUNS={{runs}} WASM_OTEL_FUZZ_SEED="$seed" npx vitest run test/fuzz.test.ts
