// Soak: 1,000,000 spans in one call through the CLI (components/flood.wasm `spans-1m`), with a
// slow collector on 127.0.0.1 (every request answered after a delay), with OTEL_TRACES_EXPORTER
// =none, and with the console report; prints each run's peak RSS (the CLI process, worker
// threads included) against the target, and how many spans the collector received.
//
//   node bench/soak.bench.mjs [--delay-ms 20]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { recordRatio } from './support/report.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'wasm-otel.js');
const GUEST = join(ROOT, 'components', 'flood.wasm');
const TARGET_MB = 300;
// The official OTLP schema (as the test receiver uses it) to count the spans that arrived.
const { ExportTraceServiceRequest } = createRequire(import.meta.url)('otlp-transformer-057/build/src/generated/root.js').opentelemetry.proto.collector.trace.v1;
const delayArg = process.argv.indexOf('--delay-ms');
const DELAY_MS = delayArg > 0 ? Number(process.argv[delayArg + 1]) : 20;

// The child reports its own peak RSS when it exits (the CLI always leaves through process.exit).
const probeDir = mkdtempSync(join(tmpdir(), 'wasm-otel-soak-'));
const probe = join(probeDir, 'peak-rss.mjs');
process.on('exit', () => rmSync(probeDir, { recursive: true, force: true }));
writeFileSync(probe, "import { writeSync } from 'node:fs';\nprocess.on('exit', () => writeSync(2, `\\nPEAK_RSS_KB ${process.resourceUsage().maxRSS}\\n`));\n");

/** A collector that answers every request after DELAY_MS; counts requests, payload bytes and spans. */
async function slowCollector() {
  let requests = 0;
  let bytes = 0;
  let spans = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      requests++;
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      bytes += body.length;
      for (const resource of ExportTraceServiceRequest.decode(body).resourceSpans) for (const scope of resource.scopeSpans) spans += scope.spans.length;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      }, DELAY_MS);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${server.address().port}`, stats: () => ({ requests, bytes, spans }), close: () => new Promise((resolve) => server.close(resolve)) };
}

function run(env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const childEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_'))), ...env, NODE_OPTIONS: `--import ${probe}` };
    const child = spawn(process.execPath, [CLI, 'run', GUEST, '--invoke', 'spans-1m'], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (chunk) => {
      tail = (tail + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const peak = /PEAK_RSS_KB (\d+)/.exec(tail);
      const lines = tail.split('\n').filter((line) => line.startsWith('wasm-otel:'));
      resolve({ code, seconds: (performance.now() - started) / 1000, peakMb: peak ? Number(peak[1]) / 1024 : NaN, lines });
    });
  });
}

const rows = [];
const collector = await slowCollector();
const slow = await run({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint });
const { requests, bytes, spans } = collector.stats();
await collector.close();
rows.push([`slow collector (${DELAY_MS} ms per request)`, slow, `${spans.toLocaleString('en-US')} spans received in ${requests} requests (${(bytes / 1e6).toFixed(0)} MB)`]);
// Quick (CI's guard): the slow collector only, the case that holds the most in memory.
if (!process.env.WASM_OTEL_BENCH_QUICK) {
  rows.push(['OTEL_TRACES_EXPORTER=none', await run({ OTEL_TRACES_EXPORTER: 'none' }), '']);
  rows.push(['console report (no endpoint)', await run({}), '']);
}
recordRatio('soak.peak-rss', Math.max(...rows.map(([, result]) => result.peakMb)) / TARGET_MB, { target: 1, label: `soak peak RSS / ${TARGET_MB} MB` });

console.log(`soak: 1,000,000 spans in one call through the CLI; peak RSS target < ${TARGET_MB} MB`);
for (const [label, result, extra] of rows) {
  const verdict = result.peakMb < TARGET_MB ? 'ok' : 'OVER TARGET';
  console.log(`  ${label.padEnd(38)} exit ${result.code}  ${result.seconds.toFixed(1).padStart(5)} s  peak RSS ${result.peakMb.toFixed(0).padStart(4)} MB  ${verdict}  ${extra}`);
  for (const line of result.lines) console.log(`      ${line}`);
}
