/*
 * Every configuration variable wasm-otel reads is in one table (CONFIG_VARIABLES); a bad value of
 * any of them is one `wasm-otel: invalid_config: ...` line, counted, and ignored: the default is
 * used and the run goes on (the SDK packages, which read most of them themselves, on both
 * threads, say nothing more). Each bad value below goes through the real CLI too.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProblemCounter } from '../src/engine/index.js';
import { RULES } from '../src/telemetry/config-rules.js';
import { CONFIG_VARIABLES, checkConfigEnv } from '../src/telemetry/config-variables.js';
import { runCli } from './support/cli.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { waitForLogs, waitForMetrics } from './support/otlp-signals.js';
import { ROOT, component } from './support/paths.js';
import { expectScenarioTelemetry } from './support/scenarios.js';
import { byName } from './support/span-tree.js';
import { collectWarnings } from './support/warnings.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const noFile = join(scratch, 'none.pem');

interface Bad {
  value: string;
  /** The line after `wasm-otel: invalid_config: `. */
  line: string;
  /** More variables the bad value needs to matter. */
  with?: Record<string, string>;
}

const url = (name: string, value: string, outcome: string): Bad => ({ value, line: `${name}=${JSON.stringify(value)} is not an http:// or https:// URL; ${outcome}` });
const ms = (name: string, value: string, rule: string, outcome: string): Bad => ({ value, line: `${name}=${JSON.stringify(value)} is not a number of milliseconds ${rule}; using ${outcome}` });
const whole = (name: string, value: string, rule: string, outcome: string): Bad => ({ value, line: `${name}=${JSON.stringify(value)} is not a whole number ${rule}; using ${outcome}` });
const file = (name: string, value: string, reason: string, outcome: string): Bad => ({ value, line: `${name}=${JSON.stringify(value)} is not a file that can be read (${reason}); ${outcome}` });

/** One bad value for every variable of the table that has a rule. */
const BAD: Record<string, Bad> = {
  OTEL_SDK_DISABLED: { value: 'maybe', line: 'OTEL_SDK_DISABLED="maybe" is not one of true, false; using false' },
  OTEL_LOG_LEVEL: { value: 'loud', line: 'OTEL_LOG_LEVEL="loud" is not one of none, error, warn, info, debug, verbose, all; using warn' },
  OTEL_RESOURCE_ATTRIBUTES: { value: 'garbage', line: 'OTEL_RESOURCE_ATTRIBUTES="garbage" is not a comma-separated list of key=value (entry 1 has no "="); ignored' },
  OTEL_TRACES_SAMPLER: {
    value: 'bogus',
    line: 'OTEL_TRACES_SAMPLER="bogus" is not one of always_on, always_off, traceidratio, parentbased_traceidratio, parentbased_always_on, parentbased_always_off; using parentbased_always_on',
  },
  OTEL_TRACES_SAMPLER_ARG: { value: 'abc', line: 'OTEL_TRACES_SAMPLER_ARG="abc" is not a number from 0 to 1; using 1', with: { OTEL_TRACES_SAMPLER: 'traceidratio' } },
  OTEL_EXPORTER_OTLP_ENDPOINT: url('OTEL_EXPORTER_OTLP_ENDPOINT', 'notaurl', 'ignored'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ftp://127.0.0.1/v1/traces', 'using OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: url('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', '127.0.0.1:4318', 'using OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: url('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'http//nope', 'using OTEL_EXPORTER_OTLP_ENDPOINT'),
  OTEL_EXPORTER_OTLP_INSECURE: { value: 'yes', line: 'OTEL_EXPORTER_OTLP_INSECURE="yes" is not one of true, false; using false' },
  OTEL_EXPORTER_OTLP_TRACES_INSECURE: { value: '1', line: 'OTEL_EXPORTER_OTLP_TRACES_INSECURE="1" is not one of true, false; using OTEL_EXPORTER_OTLP_INSECURE or false' },
  OTEL_EXPORTER_OTLP_METRICS_INSECURE: { value: 'no', line: 'OTEL_EXPORTER_OTLP_METRICS_INSECURE="no" is not one of true, false; using OTEL_EXPORTER_OTLP_INSECURE or false' },
  OTEL_EXPORTER_OTLP_LOGS_INSECURE: { value: 'on', line: 'OTEL_EXPORTER_OTLP_LOGS_INSECURE="on" is not one of true, false; using OTEL_EXPORTER_OTLP_INSECURE or false' },
  // Header values are never shown (they carry credentials); the SDK would have sent x-good alone.
  OTEL_EXPORTER_OTLP_HEADERS: { value: 'x-good=1,garbage', line: 'OTEL_EXPORTER_OTLP_HEADERS is not a comma-separated list of name=value (entry 2 has no "="); ignored' },
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: { value: 'x-good=1,=v', line: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS is not a comma-separated list of name=value (entry 2 has no key); using OTEL_EXPORTER_OTLP_HEADERS' },
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: { value: 'x-good=', line: 'OTEL_EXPORTER_OTLP_METRICS_HEADERS is not a comma-separated list of name=value (entry 1 has no value); using OTEL_EXPORTER_OTLP_HEADERS' },
  OTEL_EXPORTER_OTLP_LOGS_HEADERS: { value: 'x-good=%zz', line: 'OTEL_EXPORTER_OTLP_LOGS_HEADERS is not a comma-separated list of name=value (entry 1 is not valid percent-encoding); using OTEL_EXPORTER_OTLP_HEADERS' },
  OTEL_EXPORTER_OTLP_TIMEOUT: ms('OTEL_EXPORTER_OTLP_TIMEOUT', 'abc', '> 0', '10000'),
  OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: ms('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '0', '> 0', 'OTEL_EXPORTER_OTLP_TIMEOUT or 10000'),
  OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: ms('OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', '-5', '> 0', 'OTEL_EXPORTER_OTLP_TIMEOUT or 10000'),
  OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: ms('OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', '1e400', '> 0', 'OTEL_EXPORTER_OTLP_TIMEOUT or 10000'),
  OTEL_EXPORTER_OTLP_COMPRESSION: { value: 'zip', line: 'OTEL_EXPORTER_OTLP_COMPRESSION="zip" is not one of none, gzip; using none' },
  OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: { value: 'br', line: 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION="br" is not one of none, gzip; using OTEL_EXPORTER_OTLP_COMPRESSION or none' },
  OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: { value: 'gz', line: 'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION="gz" is not one of none, gzip; using OTEL_EXPORTER_OTLP_COMPRESSION or none' },
  OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: { value: 'deflate', line: 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION="deflate" is not one of none, gzip; using OTEL_EXPORTER_OTLP_COMPRESSION or none' },
  OTEL_EXPORTER_OTLP_CERTIFICATE: file('OTEL_EXPORTER_OTLP_CERTIFICATE', noFile, 'no such file', 'ignored'),
  OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: file('OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE', scratch, 'not a file', 'using OTEL_EXPORTER_OTLP_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: file('OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE', 'relative/ca.pem', 'no such file', 'using OTEL_EXPORTER_OTLP_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: file('OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE', `${noFile}/x`, 'no such file', 'using OTEL_EXPORTER_OTLP_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', noFile, 'no such file', 'ignored'),
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: file('OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: file('OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: file('OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE'),
  OTEL_EXPORTER_OTLP_CLIENT_KEY: file('OTEL_EXPORTER_OTLP_CLIENT_KEY', noFile, 'no such file', 'ignored'),
  OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: file('OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_KEY'),
  OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: file('OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_KEY'),
  OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: file('OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY', noFile, 'no such file', 'using OTEL_EXPORTER_OTLP_CLIENT_KEY'),
  OTEL_BSP_SCHEDULE_DELAY: ms('OTEL_BSP_SCHEDULE_DELAY', 'abc', '>= 0', '5000'),
  OTEL_BSP_EXPORT_TIMEOUT: ms('OTEL_BSP_EXPORT_TIMEOUT', '0', '> 0', '30000'),
  OTEL_BSP_MAX_QUEUE_SIZE: whole('OTEL_BSP_MAX_QUEUE_SIZE', '0', '>= 1', '2048'),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: whole('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', '2.5', '>= 1', '512'),
  OTEL_BLRP_SCHEDULE_DELAY: ms('OTEL_BLRP_SCHEDULE_DELAY', '-1', '>= 0', '1000'),
  OTEL_BLRP_EXPORT_TIMEOUT: ms('OTEL_BLRP_EXPORT_TIMEOUT', 'soon', '> 0', '30000'),
  OTEL_BLRP_MAX_QUEUE_SIZE: whole('OTEL_BLRP_MAX_QUEUE_SIZE', 'many', '>= 1', '2048'),
  OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: whole('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '-512', '>= 1', '512'),
  OTEL_METRIC_EXPORT_INTERVAL: ms('OTEL_METRIC_EXPORT_INTERVAL', '1m', '> 0', '60000'),
  OTEL_METRIC_EXPORT_TIMEOUT: ms('OTEL_METRIC_EXPORT_TIMEOUT', '0', '> 0', '30000'),
  OTEL_ATTRIBUTE_COUNT_LIMIT: whole('OTEL_ATTRIBUTE_COUNT_LIMIT', '1.5', '>= 0', '128'),
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: whole('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', '-1', '>= 0', 'no limit'),
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: whole('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'abc', '>= 0', 'OTEL_ATTRIBUTE_COUNT_LIMIT or 128'),
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: whole('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'Infinity', '>= 0', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT or no limit'),
  OTEL_SPAN_EVENT_COUNT_LIMIT: whole('OTEL_SPAN_EVENT_COUNT_LIMIT', 'x', '>= 0', '128'),
  OTEL_SPAN_LINK_COUNT_LIMIT: whole('OTEL_SPAN_LINK_COUNT_LIMIT', '-3', '>= 0', '128'),
  OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT: whole('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT', '0x', '>= 0', '128'),
  OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT: whole('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT', 'ten', '>= 0', '128'),
  OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT: whole('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', 'x', '>= 0', 'OTEL_ATTRIBUTE_COUNT_LIMIT or 128'),
  OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: whole('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', '1.2', '>= 0', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT or no limit'),
  WASM_OTEL_MIN_SPAN_US: { value: 'abc', line: 'WASM_OTEL_MIN_SPAN_US="abc" is not a number of microseconds >= 0; using 20' },
  WASM_OTEL_MAX_RECORD_BYTES: { value: '100', line: 'WASM_OTEL_MAX_RECORD_BYTES="100" is not a whole number of bytes >= 1024; using 1048576' },
};

const checked = CONFIG_VARIABLES.filter((variable) => !variable.checkedElsewhere && variable.rule !== RULES.any);

describe('the table of configuration variables', () => {
  const warnings = collectWarnings();

  it('has a bad value in this test for every variable with a rule, and no other', () => {
    expect(Object.keys(BAD).sort()).toEqual(checked.map((variable) => variable.name).sort());
  });

  it('names every variable the sources read', () => {
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
      });
    const names = new Set(sources(join(ROOT, 'src')).flatMap((text) => [...text.matchAll(/\b(?:WASM_)?OTEL_[A-Z0-9_]*[A-Z0-9]\b/g)].map((match) => match[0])));
    const known = CONFIG_VARIABLES.map((variable) => variable.name);
    // Prefixes the sources complete at run time (OTEL_BSP_...) are not names.
    const unknown = [...names].filter((name) => !known.includes(name) && !known.some((full) => full.startsWith(`${name}_`)));
    expect(unknown).toEqual([]);
  });

  for (const [name, bad] of Object.entries(BAD)) {
    it(`${name}=${JSON.stringify(bad.value)}: one invalid_config line, the value taken out for the SDK`, () => {
      const env: NodeJS.ProcessEnv = { ...bad.with, [name]: bad.value };
      const problems = new ProblemCounter();
      checkConfigEnv(problems, env);
      expect(warnings).toEqual([`wasm-otel: invalid_config: ${bad.line}`]);
      expect(problems.snapshot()).toEqual({ invalid_config: 1 });
      // OTEL_TRACES_SAMPLER_ARG is written as its default (the SDK complains of a missing one).
      expect(env).toEqual({ ...bad.with, ...(name === 'OTEL_TRACES_SAMPLER_ARG' ? { [name]: '1' } : {}) });
    });
  }

  it('valid values pass, put in the form the SDK compares with; a ratio sampler without an argument gets the default 1', () => {
    const env: NodeJS.ProcessEnv = {
      OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
      OTEL_SDK_DISABLED: ' TRUE ',
      OTEL_LOG_LEVEL: 'Debug',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret,x=1',
      OTEL_RESOURCE_ATTRIBUTES: 'team=wasm,empty=',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318',
      OTEL_EXPORTER_OTLP_CERTIFICATE: join(ROOT, 'package.json'),
      OTEL_BSP_SCHEDULE_DELAY: '0',
      WASM_OTEL_CACHE_DIR: 'off',
    };
    const problems = new ProblemCounter();
    checkConfigEnv(problems, env);
    expect(problems.snapshot()).toEqual({});
    expect(env).toEqual({
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '1',
      OTEL_SDK_DISABLED: 'true',
      OTEL_LOG_LEVEL: 'Debug',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s%3Dcret,x=1',
      OTEL_RESOURCE_ATTRIBUTES: 'team=wasm,empty=',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318',
      OTEL_EXPORTER_OTLP_CERTIFICATE: join(ROOT, 'package.json'),
      OTEL_BSP_SCHEDULE_DELAY: '0',
      WASM_OTEL_CACHE_DIR: 'off',
    });
    const other: NodeJS.ProcessEnv = { OTEL_TRACES_SAMPLER_ARG: 'abc' };
    checkConfigEnv(problems, other);
    expect([problems.snapshot(), other]).toEqual([{}, { OTEL_TRACES_SAMPLER_ARG: 'abc' }]); // not a ratio sampler: the argument is unused
  });
});

describe('through the CLI: each bad value is one line, and the run exports with the defaults', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => receiver.close());
  beforeEach(() => receiver.reset());

  /** Spans, the log record and the metrics of metrics-and-logs, exactly, at the receiver. */
  async function expectDelivered(): Promise<void> {
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((span) => span.name).sort()).toEqual(['checkout', 'scenarios.wasm']);
    expectScenarioTelemetry(await waitForLogs(receiver, 1), await waitForMetrics(receiver, 4), byName(spans, 'checkout'));
    // Neither the headers of a malformed list nor a compression that is not valid were used.
    expect(receiver.requests.map((request) => [request.headers['x-good'], request.headers['content-encoding']])).toEqual(receiver.requests.map(() => [undefined, undefined]));
  }

  const solo = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_SAMPLER_ARG'];
  const grouped = Object.entries(BAD).filter(([name]) => !solo.includes(name));
  // Ten at a time: one reason prints at most ten lines at once.
  for (let start = 0; start < grouped.length; start += 10) {
    const group = grouped.slice(start, start + 10);
    it(`${group.map(([name]) => name).join(', ')}`, async () => {
      const env = Object.fromEntries(group.map(([name, bad]) => [name, bad.value]));
      const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'metrics-and-logs'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...env });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(group.map(([, bad]) => `wasm-otel: invalid_config: ${bad.line}\n`).join(''));
      await expectDelivered();
    });
  }

  it('OTEL_TRACES_SAMPLER_ARG not a ratio, with traceidratio: the ratio 1, every span kept (the SDK printed two lines per thread)', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'metrics-and-logs'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: 'abc',
    });
    expect([result.code, result.stderr]).toEqual([0, `wasm-otel: invalid_config: ${BAD.OTEL_TRACES_SAMPLER_ARG!.line}\n`]);
    await expectDelivered();
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT not a URL: one line (the SDK printed six, then sent to localhost), and a signal with its own endpoint still goes there', async () => {
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'metrics-and-logs'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'notaurl',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_METRICS_EXPORTER: 'none',
    });
    expect(result.code).toBe(0);
    // Ignored, as if unset: traces go to their own endpoint, the log to the console report.
    expect(result.stderr).toMatch(/^wasm-otel: invalid_config: OTEL_EXPORTER_OTLP_ENDPOINT="notaurl" is not an http:\/\/ or https:\/\/ URL; ignored\nlogs \(their spans are not in this report\)\n {3}log INFO "order placed" /);
    expect(result.stderr.split('\n')).toHaveLength(4);
    expect((await receiver.waitForSpans(2)).map((span) => span.name).sort()).toEqual(['checkout', 'scenarios.wasm']);
    expect(receiver.requests.map((request) => request.path)).toEqual(['/v1/traces']);
  });

  it('more than ten at once: ten lines, and the count of all of them at exit', async () => {
    const twelve = Object.entries(BAD).filter(([name]) => name.endsWith('_LIMIT') || name.startsWith('WASM_OTEL_'));
    expect(twelve).toHaveLength(12);
    const result = await runCli(['run', component('scenarios.wasm'), '--invoke', 'metrics-and-logs'], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, ...Object.fromEntries(twelve.map(([name, bad]) => [name, bad.value])) });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      twelve
        .slice(0, 10)
        .map(([, bad]) => `wasm-otel: invalid_config: ${bad.line}\n`)
        .join('') + 'wasm-otel: problems: invalid_config 12 (2 not shown)\n',
    );
    await expectDelivered();
  });

  it('each message once per run, also at debug (main thread and guest thread): the sampler line, the diag registration', async () => {
    const result = await runCli(['run', component('current-span.wasm'), '--invoke', 'run'], { OTEL_LOG_LEVEL: 'debug', OTEL_TRACES_SAMPLER: 'bogus', OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes('OTEL_TRACES_SAMPLER'))).toEqual([`wasm-otel: invalid_config: ${BAD.OTEL_TRACES_SAMPLER!.line}`]);
    expect(lines.filter((line) => line.includes('Registered a global for diag'))).toEqual(['wasm-otel: @opentelemetry/api: Registered a global for diag v1.9.0.']);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
