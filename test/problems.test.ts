import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ProblemCounter } from '../src/engine/problems.js';
import { diagLine, OneLineDiagLogger } from '../src/telemetry/diag-line.js';
import { DeliveryLedger, shortExportError } from '../src/telemetry/delivery-ledger.js';
import { runCli } from './support/cli.js';
import { component } from './support/paths.js';

function captureDiag(): string[] {
  const lines: string[] = [];
  const logger: DiagLogger = new OneLineDiagLogger((line) => lines.push(line));
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}

afterEach(() => diag.disable());

describe('ProblemCounter: one line per problem, rate-limited per reason', () => {
  it('a million reports in two seconds print 12 lines per reason and a summary; every one is counted', () => {
    const lines = captureDiag();
    let now = 1_000_000;
    const problems = new ProblemCounter({ burst: 10, refillMillis: 1000 }, () => now);
    for (let i = 0; i < 1_000_000; i++) {
      if (i === 500_000) now += 1000;
      if (i === 999_999) now += 1000;
      problems.report('invalid_attribute_value', `value ${i}`);
    }
    problems.report('span_end_without_start', 'once');
    expect(problems.snapshot()).toEqual({ invalid_attribute_value: 1_000_000, span_end_without_start: 1 });
    expect(lines).toHaveLength(13);
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `wasm-otel: invalid_attribute_value: value ${i}`));
    expect(lines[10]).toBe('wasm-otel: invalid_attribute_value: value 500000 (499,990 more not shown)');
    expect(lines[11]).toBe('wasm-otel: invalid_attribute_value: value 999999 (499,998 more not shown)');
    expect(lines[12]).toBe('wasm-otel: span_end_without_start: once');
    expect(problems.suppressed()).toEqual({ invalid_attribute_value: 999_988 });
    expect(problems.summary()).toBe('wasm-otel: problems: invalid_attribute_value 1,000,000 (999,988 not shown), span_end_without_start 1');
  });

  it('no summary when every report was printed; counts merged from elsewhere are not printed', () => {
    const lines = captureDiag();
    const problems = new ProblemCounter();
    problems.report('invalid_time', 'bad');
    problems.add('spans_dropped', 7);
    expect(lines).toEqual(['wasm-otel: invalid_time: bad']);
    expect(problems.summary()).toBeUndefined();
    expect(problems.snapshot()).toEqual({ invalid_time: 1, spans_dropped: 7 });
    problems.add('invalid_time', 5, 5);
    expect(problems.summary()).toBe('wasm-otel: problems: invalid_time 6 (5 not shown), spans_dropped 7');
  });
});

describe('through the CLI', () => {
  it('100,000 reports of one problem: a few lines, then one summary line with the count at exit', async () => {
    const result = await runCli(['run', component('probes-core.wasm'), '--invoke', 'unmatched-exits'], { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    const reports = lines.filter((line) => line.startsWith('wasm-otel: span_end_without_start: span-exit with no span open'));
    expect(reports.length).toBeGreaterThanOrEqual(10);
    expect(reports.length).toBeLessThan(20);
    expect(lines.at(-1)).toMatch(/^wasm-otel: problems: span_end_without_start 100,000 \([\d,]+ not shown\)$/);
    expect(lines).toHaveLength(reports.length + 1);
  });
});

describe('diagnostic lines', () => {
  it('the SDK\'s JSON-stringified errors become their message', () => {
    const json = JSON.stringify({ stack: 'Error: connect ECONNREFUSED 127.0.0.1:9\n    at TCPConnectWrap.afterConnect', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' });
    expect(diagLine(json, [])).toBe('wasm-otel: connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)');
  });

  it('errors keep message and code; objects and arrays are described, never dumped; one line', () => {
    const error = Object.assign(new Error('socket hang up\n  at somewhere'), { code: 'ECONNRESET' });
    expect(diagLine('OTLPExportDelegate', ['items to be sent', [{ a: 1 }, { b: 2 }]])).toBe('wasm-otel: OTLPExportDelegate items to be sent (2 items)');
    expect(diagLine('export failed', [error])).toBe('wasm-otel: export failed socket hang up (ECONNRESET)');
    expect(diagLine('partial', [{ rejected: 3 }, { message: 'quota' }])).toBe('wasm-otel: partial quota');
    expect(diagLine('wasm-otel: already prefixed\nsecond line', [])).toBe('wasm-otel: already prefixed');
    expect(diagLine('x'.repeat(5000), []).length).toBe(1000);
  });
});

describe('delivery ledger', () => {
  it('says what was not delivered, where and why; pending items count as not delivered', () => {
    const ledger = new DeliveryLedger('traces', 'http://127.0.0.1:4318/v1/traces');
    ledger.noteHanded(10);
    ledger.noteDelivered(3);
    ledger.noteFailed(4, 'ECONNREFUSED');
    ledger.noteFailed(1, 'HTTP 500');
    expect(ledger.undelivered).toBe(7);
    expect(ledger.describeUndelivered()).toBe('7 spans not delivered to http://127.0.0.1:4318/v1/traces (ECONNREFUSED; HTTP 500; 2 still being sent at exit)');
    const logs = new DeliveryLedger('logs', 'http://x/v1/logs');
    expect(logs.describeUndelivered()).toBeUndefined();
    logs.noteHanded(1);
    logs.noteFailed(1, 'timed out');
    expect(logs.describeUndelivered()).toBe('1 log record not delivered to http://x/v1/logs (timed out)');
  });

  it('short reasons for the errors the OTLP exporters give', () => {
    expect(shortExportError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(shortExportError(Object.assign(new Error('Internal Server Error'), { code: 500 }))).toBe('HTTP 500');
    expect(shortExportError(new Error('Request timed out'))).toBe('timed out');
    expect(shortExportError(new Error('Export failed with retryable status'))).toBe('retryable HTTP status (429, 502, 503 or 504) until the retries ran out');
    expect(shortExportError(undefined)).toBe('export failed');
  });
});
