import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { ROOT, component } from './support/paths.js';
import { expectScenario } from './support/scenarios.js';

// The OTLP exporters' own variables, which work through the OTel JS SDK as the README says:
// compression, headers, and the TLS certificates (a CA to trust, a client certificate and key).
// test/support/tls: self-signed P-256 certificates for 127.0.0.1, valid for 100 years, made with
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout <who>.key
//     -out <who>.crt -days 36500 -subj "/CN=wasm-otel test <who>"
//     -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE"

const tls = (name: string): string => join(ROOT, 'test/support/tls', name);
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** The demo run (5 spans, 1 log record, 4 metrics) against `receiver`; all three signals arrive. */
async function demoRun(env: Record<string, string>): Promise<void> {
  const result = await runCli(['run', component('scenarios.wasm')], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver!.endpoint, ...env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expectScenario('run', await receiver!.waitForSpans(5));
  await waitForLogs(receiver!, 1);
  await waitForMetrics(receiver!, 4);
  expect(new Set(receiver!.requests.map((request) => request.path))).toEqual(new Set(['/v1/traces', '/v1/logs', '/v1/metrics']));
}

describe('OTEL_EXPORTER_OTLP_* variables the SDK exporters read', () => {
  it('OTEL_EXPORTER_OTLP_COMPRESSION=gzip: every signal is sent gzipped', async () => {
    receiver = await startOtlpReceiver();
    await demoRun({ OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(receiver.requests.map((request) => request.contentEncoding)).toEqual(receiver.requests.map(() => 'gzip'));
  });

  it('OTEL_EXPORTER_OTLP_HEADERS for all signals, ..._TRACES_HEADERS added for one', async () => {
    receiver = await startOtlpReceiver();
    await demoRun({ OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,authorization=Bearer%20t0ken', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-signal=traces' });
    for (const request of receiver.requests) {
      expect([request.path, request.headers['x-tenant'], request.headers.authorization, request.headers['x-signal']]).toEqual([
        request.path,
        'acme',
        'Bearer t0ken',
        request.path === '/v1/traces' ? 'traces' : undefined,
      ]);
    }
  });

  it('OTEL_EXPORTER_OTLP_CERTIFICATE: an https collector with its own CA', async () => {
    receiver = await startOtlpReceiver({ tls: { key: readFileSync(tls('server.key')), cert: readFileSync(tls('server.crt')) } });
    await demoRun({ OTEL_EXPORTER_OTLP_CERTIFICATE: tls('server.crt') });
  });

  it('without the certificate the https collector is not trusted: one line per signal, exit 0', async () => {
    receiver = await startOtlpReceiver({ tls: { key: readFileSync(tls('server.key')), cert: readFileSync(tls('server.crt')) } });
    const result = await runCli(['run', component('scenarios.wasm')], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' });
    expect(result.code).toBe(0);
    const at = receiver.endpoint;
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      `wasm-otel: traces_export_failed: 5 spans not delivered to ${at}/v1/traces (self-signed certificate)`,
      `wasm-otel: logs_export_failed: 1 log record not delivered to ${at}/v1/logs (self-signed certificate)`,
      `wasm-otel: metrics_export_failed: 1 metric batch not delivered to ${at}/v1/metrics (self-signed certificate)`,
    ]);
    expect(receiver.requests).toEqual([]);
  });

  it('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and ..._CLIENT_KEY: a collector that requires a client certificate', async () => {
    receiver = await startOtlpReceiver({
      tls: { key: readFileSync(tls('server.key')), cert: readFileSync(tls('server.crt')), ca: readFileSync(tls('client.crt')), requestCert: true, rejectUnauthorized: true },
    });
    await demoRun({
      OTEL_EXPORTER_OTLP_CERTIFICATE: tls('server.crt'),
      OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: tls('client.crt'),
      OTEL_EXPORTER_OTLP_CLIENT_KEY: tls('client.key'),
    });
  });
});
