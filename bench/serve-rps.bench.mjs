// Requests per second of `wasm-otel serve` with a small handler, against the same server with
// tracing off and against plain `jco serve` of the same component, all measured in one run.
//
// Guest: components/http-hello.wasm (componentize-js; its own wasi:http/incoming-handler answers
// 200 `hello`, no telemetry of its own, so jco serve runs it as it is). Each configuration is a
// server process on 127.0.0.1 (started, warmed with 200 requests, then loaded), loaded by
// autocannon (npm) with 10 connections for DURATION seconds:
//   on            wasm-otel serve --reuse-instances, spans over OTLP/HTTP protobuf to a sink in
//                 this process (answers 200): one server span per request
//   off           the same with OTEL_SDK_DISABLED=true
//   trace-imports the same as `on` with --trace-imports (a span per host call)
//   fresh         `on` without --reuse-instances: a fresh instance per request (the default)
//   jco           jco serve (preview2-shim's server, one instance, no telemetry)
// Printed: requests/s and p99 latency of each, and the ratios on/off (target >= 0.8; on and off
// alternate for BENCH_SERVE_ROUNDS rounds, default 3, and the median round counts), on/jco,
// trace-imports/on, fresh/on.
// Run: just bench (after `npm run build`); BENCH_SERVE_SECONDS sets the duration (default 5).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { recordRatio } from './support/report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DURATION = Number(process.env.BENCH_SERVE_SECONDS ?? (process.env.WASM_OTEL_BENCH_QUICK ? 2 : 5));
const CONNECTIONS = 10;
const GUEST = 'components/http-hello.wasm';
const CLI = 'bin/wasm-otel.js';
const JCO = 'node_modules/@bytecodealliance/jco/dist/jco.js';

const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const OTLP = `http://127.0.0.1:${sink.address().port}`;

let nextPort = 18700 + Math.floor(Math.random() * 500);

/** Starts a server process; resolves when it answers. */
async function start(args, env) {
  const port = nextPort++;
  // Its own process group: `jco serve` runs its server in a child process, stopped with it.
  const child = spawn(process.execPath, args(port), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    try {
      if ((await fetch(url)).ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server on ${port} did not answer: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (let i = 0; i < 200; i++) await (await fetch(url)).text();
  return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), process.kill(-child.pid, 'SIGTERM'))) };
}

async function load(url) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

// BENCH_SERVE_THREADS: --threads for wasm-otel (default: its own default).
const THREADS = process.env.BENCH_SERVE_THREADS ? ['--threads', process.env.BENCH_SERVE_THREADS] : [];
const serve = (extra) => (port) => [CLI, 'serve', GUEST, '--listen', `127.0.0.1:${port}`, ...THREADS, ...extra];
const CONFIGS = [
  ['on', serve(['--reuse-instances']), { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP }],
  ['off', serve(['--reuse-instances']), { OTEL_SDK_DISABLED: 'true' }],
  ['trace-imports', serve(['--reuse-instances', '--trace-imports']), { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP }],
  ['fresh', serve([]), { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP }],
  ['jco', (port) => [JCO, 'serve', GUEST, '--host', '127.0.0.1', '--port', String(port)], {}],
];

// on and off alternate for ROUNDS rounds (the ratio is the median of the rounds' ratios: the
// machine's noise hits both alike); the other configurations run once.
const ROUNDS = Number(process.env.BENCH_SERVE_ROUNDS ?? 3);
const results = {};
const rounds = [];
async function measure(name) {
  const [, args, env] = CONFIGS.find(([config]) => config === name);
  const server = await start(args, env);
  try {
    return await load(server.url);
  } finally {
    await server.stop();
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (let round = 0; round < ROUNDS; round++) {
  const on = await measure('on');
  const off = await measure('off');
  rounds.push({ on, off });
  console.log(`serve round ${round + 1}: on ${on.rps.toFixed(0)} req/s (p99 ${on.p99} ms), off ${off.rps.toFixed(0)} req/s (p99 ${off.p99} ms), on/off ${(on.rps / off.rps).toFixed(2)}`);
}
// The round with the median ratio stands for on and off.
const middle = rounds.find((r) => r.on.rps / r.off.rps === median(rounds.map((x) => x.on.rps / x.off.rps)));
results.on = middle.on;
results.off = middle.off;
for (const name of ['trace-imports', 'fresh', 'jco']) results[name] = await measure(name);
for (const name of ['on', 'off', 'trace-imports', 'fresh', 'jco']) {
  console.log(`serve ${name.padEnd(13)} ${results[name].rps.toFixed(0).padStart(6)} req/s  p99 ${String(results[name].p99).padStart(4)} ms`);
}
sink.close();
const ratio = (a, b) => (results[a].rps / results[b].rps).toFixed(2);
recordRatio('serve.on-vs-off', results.on.rps / results.off.rps, { target: 0.8, better: 'higher', label: 'serve req/s, tracing on / off' });
console.log(`serve ratios: on/off ${ratio('on', 'off')} (median of ${ROUNDS} rounds; target >= 0.8), on/jco ${ratio('on', 'jco')}, trace-imports/on ${ratio('trace-imports', 'on')}, fresh/on ${ratio('fresh', 'on')}`);
