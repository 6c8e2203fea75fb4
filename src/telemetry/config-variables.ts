import { DiagLogLevel } from '@opentelemetry/api';
import { DEFAULT_LIMITS, type ProblemCounter } from '../engine/index.js';
import { CACHE_DIR_ENV } from '../runtime/cache-dir.js';
import { RULES, badValueMessage, endpointRule, oneOf, type ConfigRule } from './config-rules.js';
import { DEFAULT_EXPORT_SETTINGS } from './export-settings.js';

/** A configuration variable wasm-otel (or the OTel SDK it sets up) reads. */
export interface ConfigVariable {
  name: string;
  rule: ConfigRule;
  /** What is used instead of a value that is not valid, in words (`5000`, `warn`); undefined: the variable is ignored. */
  fallback?: string;
  /** The value is not shown in messages (it may hold credentials). */
  secret?: boolean;
  /** The value only matters when this holds (OTEL_TRACES_SAMPLER_ARG: only for a ratio sampler). */
  appliesWhen?: (env: NodeJS.ProcessEnv) => boolean;
  /**
   * Written for the SDK in place of a bad value (and of no value, when it applies): the SDK reads
   * the variable itself and would complain about a missing one. Default: the variable is removed.
   */
  replacement?: string;
  /** The form the SDK expects a valid value in (it compares exactly where the specification says case does not matter). */
  normalize?: (text: string) => string;
  /** Read and checked where it is used, with its own message (env-config.ts). */
  checkedElsewhere?: true;
}

const lower = (text: string): string => text.trim().toLowerCase();
const SIGNALS = ['TRACES', 'METRICS', 'LOGS'] as const;
const RATIO_SAMPLERS = ['traceidratio', 'parentbased_traceidratio'];
const SAMPLERS = ['always_on', 'always_off', ...RATIO_SAMPLERS, 'parentbased_always_on', 'parentbased_always_off'];
export const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
/** The OTLP exporters' own default timeout. */
const OTLP_TIMEOUT_MILLIS = 10_000;

/** The general OTLP exporter variable and its per-signal forms (`OTEL_EXPORTER_OTLP_TRACES_<suffix>`, ...). */
function otlpVariables(suffix: string, rule: ConfigRule, fallback: string | undefined, extra: Partial<ConfigVariable> = {}): ConfigVariable[] {
  const general = `OTEL_EXPORTER_OTLP_${suffix}`;
  return [
    { name: general, rule, ...(fallback !== undefined ? { fallback } : {}), ...extra },
    ...SIGNALS.map((signal) => ({ name: `OTEL_EXPORTER_OTLP_${signal}_${suffix}`, rule, fallback: `using ${general}${fallback !== undefined ? ` or ${fallback}` : ''}`, ...extra })),
  ];
}

function batchVariables(prefix: 'OTEL_BSP' | 'OTEL_BLRP', defaults: (typeof DEFAULT_EXPORT_SETTINGS)['spans']): ConfigVariable[] {
  return [
    { name: `${prefix}_SCHEDULE_DELAY`, rule: RULES.delay, fallback: `${defaults.scheduledDelayMillis}` },
    { name: `${prefix}_EXPORT_TIMEOUT`, rule: RULES.timeout, fallback: `${defaults.exportTimeoutMillis}` },
    { name: `${prefix}_MAX_QUEUE_SIZE`, rule: RULES.count, fallback: `${defaults.maxQueueSize}` },
    { name: `${prefix}_MAX_EXPORT_BATCH_SIZE`, rule: RULES.count, fallback: `${defaults.maxExportBatchSize}` },
  ];
}

/**
 * Every variable the CLI reads, with what a valid value is and what is used instead of a bad one.
 * The OTel SDK packages read most of them themselves; checkConfigEnv checks them first, once.
 */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'OTEL_SDK_DISABLED', rule: RULES.boolean, fallback: 'false', normalize: lower },
  { name: 'OTEL_LOG_LEVEL', rule: oneOf(LOG_LEVELS), fallback: 'warn' },
  { name: 'OTEL_SERVICE_NAME', rule: RULES.any },
  { name: 'OTEL_RESOURCE_ATTRIBUTES', rule: RULES.resourceAttributes },
  { name: 'OTEL_TRACES_SAMPLER', rule: oneOf(SAMPLERS), fallback: 'parentbased_always_on', normalize: lower },
  {
    name: 'OTEL_TRACES_SAMPLER_ARG',
    rule: RULES.ratio,
    fallback: '1',
    appliesWhen: (env) => RATIO_SAMPLERS.includes(env.OTEL_TRACES_SAMPLER ?? ''),
    replacement: '1',
  },
  ...SIGNALS.map((signal): ConfigVariable => ({ name: `OTEL_${signal}_EXPORTER`, rule: RULES.any, checkedElsewhere: true })),
  ...otlpVariables('PROTOCOL', RULES.any, undefined, { checkedElsewhere: true }),
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', rule: endpointRule() },
  ...SIGNALS.map((signal): ConfigVariable => ({ name: `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`, rule: endpointRule(signal), fallback: 'using OTEL_EXPORTER_OTLP_ENDPOINT' })),
  // gRPC: a scheme-less endpoint uses TLS unless this is true.
  ...otlpVariables('INSECURE', RULES.boolean, 'false', { normalize: lower }),
  ...otlpVariables('HEADERS', RULES.headers, undefined, { secret: true }),
  ...otlpVariables('TIMEOUT', RULES.timeout, `${OTLP_TIMEOUT_MILLIS}`),
  ...otlpVariables('COMPRESSION', oneOf(['none', 'gzip']), 'none', { normalize: lower }),
  ...otlpVariables('CERTIFICATE', RULES.file, undefined),
  ...otlpVariables('CLIENT_CERTIFICATE', RULES.file, undefined),
  ...otlpVariables('CLIENT_KEY', RULES.file, undefined),
  ...batchVariables('OTEL_BSP', DEFAULT_EXPORT_SETTINGS.spans),
  ...batchVariables('OTEL_BLRP', DEFAULT_EXPORT_SETTINGS.logs),
  { name: 'OTEL_METRIC_EXPORT_INTERVAL', rule: RULES.timeout, fallback: `${DEFAULT_EXPORT_SETTINGS.metrics.exportIntervalMillis}` },
  { name: 'OTEL_METRIC_EXPORT_TIMEOUT', rule: RULES.timeout, fallback: `${DEFAULT_EXPORT_SETTINGS.metrics.exportTimeoutMillis}` },
  { name: 'OTEL_ATTRIBUTE_COUNT_LIMIT', rule: RULES.limit, fallback: '128' },
  { name: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', rule: RULES.limit, fallback: 'no limit' },
  { name: 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', rule: RULES.limit, fallback: 'OTEL_ATTRIBUTE_COUNT_LIMIT or 128' },
  { name: 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', rule: RULES.limit, fallback: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT or no limit' },
  { name: 'OTEL_SPAN_EVENT_COUNT_LIMIT', rule: RULES.limit, fallback: '128' },
  { name: 'OTEL_SPAN_LINK_COUNT_LIMIT', rule: RULES.limit, fallback: '128' },
  { name: 'OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT', rule: RULES.limit, fallback: '128' },
  { name: 'OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT', rule: RULES.limit, fallback: '128' },
  { name: 'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', rule: RULES.limit, fallback: 'OTEL_ATTRIBUTE_COUNT_LIMIT or 128' },
  { name: 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', rule: RULES.limit, fallback: 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT or no limit' },
  // The propagators `wasm-otel run` reads TRACEPARENT with (checked in env-propagation.ts).
  { name: 'OTEL_PROPAGATORS', rule: RULES.any, checkedElsewhere: true },
  // wasm-otel's own. The cache directory is checked when it is used (a warning, then no cache).
  { name: CACHE_DIR_ENV, rule: RULES.any },
  { name: 'WASM_OTEL_MIN_SPAN_US', rule: RULES.micros, fallback: '20' },
  { name: 'WASM_OTEL_MAX_RECORD_BYTES', rule: RULES.recordBytes, fallback: `${DEFAULT_LIMITS.maxRecordBytes}` },
];

/**
 * Checks every variable of the table once, before anything reads them: a value that is not valid
 * is reported (`invalid_config`, one line: `NAME="value" is not ...; using <default>` or
 * `; ignored`) and taken out of `env`, so that the SDK packages, on every thread (a worker gets a
 * copy of this environment), use their default and say nothing more; a valid one is put in the
 * form the SDK expects. Meant for the process's own environment, as the CLI's first step.
 */
export function checkConfigEnv(problems: ProblemCounter, env: NodeJS.ProcessEnv = process.env): void {
  for (const variable of CONFIG_VARIABLES) {
    if (variable.checkedElsewhere) continue;
    const text = env[variable.name];
    if (variable.appliesWhen && !variable.appliesWhen(env)) continue;
    if (text === undefined || text.trim() === '') {
      if (variable.replacement !== undefined) env[variable.name] = variable.replacement;
      continue;
    }
    const verdict = variable.rule.check(text, env);
    if (verdict === true) {
      if (variable.normalize) env[variable.name] = variable.normalize(text);
      continue;
    }
    const outcome = variable.fallback === undefined ? 'ignored' : variable.fallback.startsWith('using ') ? variable.fallback : `using ${variable.fallback}`;
    problems.report('invalid_config', badValueMessage(variable.name, text, variable.rule, verdict, outcome, variable.secret));
    if (variable.replacement !== undefined) env[variable.name] = variable.replacement;
    else delete env[variable.name];
  }
}

// Not @opentelemetry/core's diagLogLevelFromString: it falls back to INFO (and warns in the
// SDK's words) for an empty or unknown value, where ours is WARN after checkConfigEnv's one line.
const DIAG_LEVELS: Record<(typeof LOG_LEVELS)[number], DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/** OTEL_LOG_LEVEL (any case), else warn; a bad value is reported by checkConfigEnv. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): DiagLogLevel {
  const text = env.OTEL_LOG_LEVEL?.trim().toLowerCase() ?? '';
  return DIAG_LEVELS[text as (typeof LOG_LEVELS)[number]] ?? DiagLogLevel.WARN;
}
