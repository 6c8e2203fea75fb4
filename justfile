# wasm-otel tasks. `npm test` runs `just test`.

# Regenerate the TypeScript types in generated/ from the WIT in wit/ (jco types).
generate:
    node scripts/generate.mjs

# Build the guest components in components/ (cached by source hash; --force to rebuild all).
components *ARGS:
    node components/build.mjs {{ARGS}}

# Compile src/ to dist/ (what bin/wasm-otel.js runs).
build:
    npx tsc -p tsconfig.build.json

# Typecheck everything, and check that generated/ and components/ are fresh.
check:
    npx tsc -p tsconfig.json
    node scripts/check-generated.mjs
    node components/build.mjs --check

# Everything CI runs: checks, build, then the whole test suite (ends with "N passed, N failed").
test: check build
    npx vitest run --reporter=default --reporter=./test/support/count-reporter.ts

# Benchmarks: guest span cost through the host vs the same span through the OTel JS SDK;
# function-level hooks on a call-heavy module vs the same module without hooks.
bench: build
    node --expose-gc bench/guest-span.bench.mjs
    node --expose-gc bench/metrics-logs.bench.mjs
    node --expose-gc bench/function-hooks.bench.mjs
